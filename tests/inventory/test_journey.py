"""The owner's journey after intake (issue 15): the next-steps checklist on the system page and
in the API, the guided intake with drafts, the similar-name warning, the supplier picker."""

import pytest
from django.urls import reverse

from inventory import services
from inventory.models import AISystem, IntakeDraft, ValidationRecord
from inventory.next_steps import next_steps
from suppliers.models import Supplier
from tests.factories import INTAKE_DATA, classify_confirmed, make_system

pytestmark = pytest.mark.django_db

STEP1 = {k: INTAKE_DATA[k] for k in ("name", "purpose", "expected_benefit", "business_unit")}
STEP1 |= {"intended_users": "Recruiters", "affected_groups": "Applicants"}
STEP2 = {
    k: INTAKE_DATA[k]
    for k in ("deployment_type", "ai_technique", "decision_impact", "human_oversight")
}
STEP3 = {"data_description": "CVs", "personal_data": "none", "used_in_eu": "on"}


def steps_by_key(user, system):
    return {s["key"]: s for s in next_steps(user, system)}


# --- The checklist ---------------------------------------------------------------------------


def test_fresh_intake_checklist_starts_with_classification(owner):
    system = make_system(owner)
    steps = steps_by_key(owner, system)
    assert list(steps)[0] == "classify"
    assert steps["classify"]["status"] == "todo" and steps["classify"]["is_next"]
    assert steps["classify"]["url"] == reverse("risk:classify", args=[system.pk])
    assert steps["validation"]["status"] == "todo"
    assert steps["evidence"]["status"] == "todo"
    # Not classified yet: ranks with the low tier, which names no oversight person.
    assert steps["oversight"]["status"] == "optional"
    assert steps["gate"]["status"] == "waiting"
    assert "governance officer" in steps["gate"]["who"]
    assert sum(s["is_next"] for s in steps.values()) == 1


def test_the_oversight_step_follows_the_tier(owner, officer):
    from tests.factories import classify_confirmed

    system = make_system(owner)
    assert steps_by_key(owner, system)["oversight"]["status"] == "optional"
    classify_confirmed(officer=officer, system=system, result="high_risk")
    system.refresh_from_db()
    oversight = steps_by_key(owner, system)["oversight"]
    assert oversight["status"] == "todo"  # the high tier requires a named, trained person
    assert "No human-oversight person is named" in oversight["detail"]


def test_checklist_follows_each_step_done(owner, officer):
    from aims.evidence import services as evidence_services  # noqa: F401 (import check)

    system = make_system(owner)
    from risk import services as risk_services
    from tests.factories import answers_with

    risk_services.classification_save(
        actor=owner, system=system, answers=answers_with(), role="deployer", submit=True
    )
    steps = steps_by_key(owner, system)
    assert steps["classify"]["status"] == "waiting"
    assert "governance officer" in steps["classify"]["who"]
    # The owner may not confirm: the link goes to the risk page, where they read about it.
    assert steps["classify"]["url"] == reverse("risk:system_risk", args=[system.pk])
    officer_view = steps_by_key(officer, system)
    assert officer_view["classify"]["url"].endswith("/confirm/")

    classification = system.eu_classification
    risk_services.classification_confirm(
        actor=officer, classification=classification, result=classification.result, reason=""
    )
    system.refresh_from_db()
    assert steps_by_key(owner, system)["classify"]["status"] == "done"

    services.validation_record_create(
        actor=owner,
        system=system,
        test_type=ValidationRecord.TestType.ACCURACY,
        title="Holdout accuracy",
        method="Holdout set",
        result=ValidationRecord.Result.PASS,
        performed_on="2026-01-10",
        summary="0.91",
    )
    assert steps_by_key(owner, system)["validation"]["status"] == "done"

    services.system_edit(actor=officer, system=system, data={"oversight_person": owner})
    system.refresh_from_db()
    assert steps_by_key(owner, system)["oversight"]["status"] == "done"

    services.system_transition(actor=officer, system=system, action="start_triage")
    system.refresh_from_db()
    gate = steps_by_key(owner, system)["gate"]
    assert gate["status"] in ("waiting", "todo")


def test_links_only_to_pages_the_viewer_may_open(owner, approver, auditor, officer):
    system = make_system(owner)
    owner_steps = steps_by_key(owner, system)
    assert owner_steps["classify"]["url"] == reverse("risk:classify", args=[system.pk])
    assert owner_steps["oversight"]["url"] == reverse("inventory:system_edit", args=[system.pk])
    for viewer in (approver, auditor):
        for step in next_steps(viewer, system):
            # Nothing that writes: the classify, edit, validation pages are the owner's.
            assert step["url"] != reverse("risk:classify", args=[system.pk])
            assert step["url"] != reverse("inventory:system_edit", args=[system.pk])
            assert step["url"] != reverse("inventory:validation_add", args=[system.pk])
            if step["status"] != "done":
                assert step["who"]
    from django.test import Client

    for viewer in (owner, approver, auditor, officer):
        client = Client()
        client.force_login(viewer)
        for step in next_steps(viewer, system):
            if step["url"]:
                assert client.get(step["url"]).status_code == 200, (viewer, step)


def test_system_page_shows_the_checklist_and_the_api_too(client_as, api_as, owner, other_owner):
    system = make_system(owner)
    page = client_as(owner).get(reverse("inventory:system_detail", args=[system.pk]))
    html = page.content.decode()
    assert 'id="next-steps"' in html
    assert reverse("risk:classify", args=[system.pk]) in html
    response = api_as(owner).get(f"/api/v1/systems/{system.pk}/next-steps/")
    assert response.status_code == 200
    assert response.json()[0]["key"] == "classify"
    assert api_as(other_owner).get(f"/api/v1/systems/{system.pk}/next-steps/").status_code == 404


def test_confirmed_classification_shows_done(owner, officer):
    system = make_system(owner)
    classify_confirmed(officer=officer, system=system)
    system.refresh_from_db()
    assert steps_by_key(owner, system)["classify"]["status"] == "done"


# --- The guided intake -------------------------------------------------------------------------


def post_step(client, url, data, go="next"):
    return client.post(url, {**data, "go": go})


def test_draft_saved_resumed_submitted(client_as, owner, officer):
    client = client_as(owner)
    response = post_step(client, reverse("inventory:intake_start"), STEP1)
    draft = IntakeDraft.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("inventory:intake_draft_step", args=[draft.pk, 2])
    assert draft.author == owner and draft.name == STEP1["name"]
    assert not AISystem.objects.exists()
    # Leave, then find it under "your drafts" and resume at step 2.
    listing = client.get(reverse("inventory:intake_drafts")).content.decode()
    assert STEP1["name"] in listing
    page = client.get(reverse("inventory:intake_draft_step", args=[draft.pk, 2]))
    assert page.status_code == 200
    post_step(client, reverse("inventory:intake_draft_step", args=[draft.pk, 2]), STEP2)
    post_step(client, reverse("inventory:intake_draft_step", args=[draft.pk, 3]), STEP3)
    review = client.get(reverse("inventory:intake_draft_step", args=[draft.pk, 4]))
    assert STEP1["purpose"] in review.content.decode()
    response = client.post(reverse("inventory:intake_draft_step", args=[draft.pk, 4]))
    system = AISystem.objects.get()
    assert response["Location"] == reverse("inventory:system_detail", args=[system.pk])
    assert system.owner == owner and system.submitted_by == owner
    # Through the intake service: officers told, owner rights granted, history written.
    assert officer.notifications.filter(title__contains=system.reference).exists()
    assert system.history.first().history_user == owner
    draft.refresh_from_db()
    assert draft.submitted_system == system
    assert STEP1["name"] not in client.get(reverse("inventory:intake_drafts")).content.decode()


def test_each_step_validates_and_saves_nothing_when_wrong(client_as, owner):
    client = client_as(owner)
    response = post_step(client, reverse("inventory:intake_start"), {"name": "x"})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    assert not IntakeDraft.objects.exists()


def test_submit_refused_while_required_answers_are_missing(client_as, owner):
    client = client_as(owner)
    post_step(client, reverse("inventory:intake_start"), STEP1, go="leave")
    draft = IntakeDraft.objects.get()
    response = client.post(reverse("inventory:intake_draft_step", args=[draft.pk, 4]))
    assert response.status_code == 400
    assert "step 2" in response.content.decode()
    assert not AISystem.objects.exists()


def test_another_owner_cannot_see_resume_or_delete_a_draft(client_as, owner, other_owner, officer):
    draft = services.draft_save(actor=owner, answers=STEP1, step=2)
    client = client_as(other_owner)
    for step in (1, 2, 3, 4):
        url = reverse("inventory:intake_draft_step", args=[draft.pk, step])
        assert client.get(url).status_code == 404
        assert client.post(url, STEP1).status_code == 404
    assert client.get(reverse("inventory:intake_draft_delete", args=[draft.pk])).status_code == 404
    assert client.post(reverse("inventory:intake_draft_delete", args=[draft.pk])).status_code == 404
    assert STEP1["name"] not in client.get(reverse("inventory:intake_drafts")).content.decode()
    # An officer reads the review, may not continue it.
    officer_client = client_as(officer)
    review = reverse("inventory:intake_draft_step", args=[draft.pk, 4])
    assert officer_client.get(review).status_code == 200
    assert officer_client.post(review).status_code == 403
    assert (
        officer_client.get(reverse("inventory:intake_draft_step", args=[draft.pk, 1])).status_code
        == 403
    )
    draft.refresh_from_db()
    assert draft.answers["name"] == STEP1["name"] and not AISystem.objects.exists()


def test_draft_deleted_after_confirmation(client_as, owner):
    draft = services.draft_save(actor=owner, answers=STEP1, step=2)
    client = client_as(owner)
    confirm = client.get(reverse("inventory:intake_draft_delete", args=[draft.pk]))
    assert "Yes, delete the draft" in confirm.content.decode()
    assert IntakeDraft.objects.exists()
    client.post(reverse("inventory:intake_draft_delete", args=[draft.pk]))
    assert not IntakeDraft.objects.exists()
    assert IntakeDraft.history.filter(history_type="-").exists()


def test_conditional_answers_are_dropped_when_they_no_longer_apply(owner):
    supplier = Supplier.objects.create(name="Acme AI", supplier_type="model_provider", owner=owner)
    draft = services.draft_save(
        actor=owner,
        answers={
            **STEP1,
            "personal_data": "personal",
            "personal_data_details": "CV contents",
            "uses_third_party": True,
            "supplier": supplier.pk,
            "model_name": "Ranker",
        },
        step=3,
    )
    draft = services.draft_save(
        actor=owner,
        draft=draft,
        answers={"personal_data": "none", "uses_third_party": False},
        step=4,
    )
    assert "personal_data_details" not in draft.answers
    assert "supplier" not in draft.answers and "model_name" not in draft.answers


def test_personal_data_details_asked_only_when_personal_data(client_as, owner):
    draft = services.draft_save(actor=owner, answers={**STEP1, **STEP2}, step=3)
    url = reverse("inventory:intake_draft_step", args=[draft.pk, 3])
    response = post_step(client_as(owner), url, {**STEP3, "personal_data": "personal"})
    assert response.status_code == 400
    assert "Say which personal data" in response.content.decode()


# --- Similar names ------------------------------------------------------------------------------


def test_similar_names_warned_not_blocking(client_as, owner, other_owner):
    mine = make_system(owner, name="CV-Screening assistant!")
    theirs = make_system(other_owner, name="CV screening assistant")
    make_system(owner, name="Fraud detector")
    client = client_as(owner)
    fragment = client.get(reverse("inventory:intake_similar"), {"name": "cv screening Assistant"})
    html = fragment.content.decode()
    assert mine.reference in html and "Fraud detector" not in html
    assert theirs.reference not in html  # another owner's system stays out of sight
    response = post_step(client, reverse("inventory:intake_start"), STEP1)
    assert response.status_code == 302  # a warning, not a block
    draft = IntakeDraft.objects.get()
    page = client.get(reverse("inventory:intake_draft_step", args=[draft.pk, 1])).content.decode()
    assert mine.reference in page


# --- The supplier picker -----------------------------------------------------------------------


def test_supplier_picker_lists_visible_suppliers_and_refuses_unknown(client_as, owner, officer):
    listed = Supplier.objects.create(name="Acme AI", supplier_type="model_provider", owner=officer)
    gone = Supplier.objects.create(
        name="Gone Ltd", supplier_type="model_provider", owner=officer, status="offboarded"
    )
    draft = services.draft_save(actor=owner, answers={**STEP1, **STEP2}, step=3)
    client = client_as(owner)
    url = reverse("inventory:intake_draft_step", args=[draft.pk, 3])
    page = client.get(url).content.decode()
    assert "Acme AI" in page and "Gone Ltd" not in page
    for bad in (gone.pk, 999999):
        response = post_step(client, url, {**STEP3, "uses_third_party": "on", "supplier": bad})
        assert response.status_code == 400
        assert "Select a valid choice" in response.content.decode()
    response = post_step(client, url, {**STEP3, "uses_third_party": "on"})
    assert response.status_code == 400 and "Choose the supplier" in response.content.decode()
    post_step(
        client, url, {**STEP3, "uses_third_party": "on", "supplier": listed.pk, "model_name": "R2"}
    )
    system = services.draft_submit(actor=owner, draft=IntakeDraft.objects.get())
    component = system.components.get()
    assert component.supplier == listed and component.provider == "Acme AI"


def test_a_supplier_not_listed_is_proposed_to_officers(owner, officer):
    draft = services.draft_save(
        actor=owner,
        answers={**STEP1, **STEP2, "uses_third_party": True, "proposed_supplier": "NewCo"},
        step=4,
    )
    system = services.draft_submit(actor=owner, draft=draft)
    assert system.components.get().provider == "NewCo"
    assert officer.notifications.filter(title__contains="NewCo").exists()


def test_one_shot_intake_still_takes_a_free_text_vendor(owner):
    system = services.system_submit_intake(actor=owner, data=dict(INTAKE_DATA), vendor="Acme")
    assert system.components.get().provider == "Acme"


# --- Lists and the API -------------------------------------------------------------------------


def test_drafts_list_costs_the_same_queries_whatever_its_size(
    client_as, owner, django_assert_max_num_queries
):
    client = client_as(owner)
    services.draft_save(actor=owner, answers=STEP1, step=2)
    client.get(reverse("inventory:intake_drafts"))  # warm the session and permission caches
    with django_assert_max_num_queries(12) as one:
        client.get(reverse("inventory:intake_drafts"))
    for n in range(5):
        services.draft_save(actor=owner, answers={**STEP1, "name": f"Idea {n}"}, step=2)
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(reverse("inventory:intake_drafts"))


def test_drafts_through_the_api(api_as, owner, other_owner, officer):
    api = api_as(owner)
    created = api.post("/api/v1/intake-drafts/", {"step": 1, "answers": STEP1}, format="json")
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert created.json()["step"] == 2
    refused = api.patch(
        f"/api/v1/intake-drafts/{pk}/",
        {"step": 3, "answers": {**STEP3, "uses_third_party": True, "supplier": 999999}},
        format="json",
    )
    assert refused.status_code == 400
    assert "supplier" in str(refused.json()["extra"]["fields"])
    assert (
        api.patch(
            f"/api/v1/intake-drafts/{pk}/", {"step": 2, "answers": STEP2}, format="json"
        ).status_code
        == 200
    )
    assert api_as(other_owner).get(f"/api/v1/intake-drafts/{pk}/").status_code == 404
    assert api_as(other_owner).post(f"/api/v1/intake-drafts/{pk}/submit/").status_code == 404
    assert api_as(officer).post(f"/api/v1/intake-drafts/{pk}/submit/").status_code == 403
    api = api_as(owner)  # the fixture's one client, authenticated as the owner again
    submitted = api.post(f"/api/v1/intake-drafts/{pk}/submit/")
    assert submitted.status_code == 201, submitted.json()
    system = AISystem.objects.get(pk=submitted.json()["id"])
    assert system.owner == owner
    assert api.get("/api/v1/intake-drafts/").json()["results"] == []
