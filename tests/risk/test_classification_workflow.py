"""The classification as a workflow: the system's owner answers (draft, submit), a governance
officer confirms or changes the result with a reason, and only the confirmed result decides
the tier and meets the gates. Through the services, the API and the browser form.

The answers are built from the questionnaire itself (every question asked answered "no",
``answers_with``), so these tests hold whatever the questionnaire's version."""

import re
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from aims.errors import RuleForbidden, TransitionNotAllowed
from inventory.models import AISystem
from risk import classification as questionnaire
from risk import services
from risk.models import Classification, ObligationTimeline, TierDecision

from ..factories import answers_with, first_yes_no_key

pytestmark = pytest.mark.django_db


def unsure_answers() -> dict:
    return answers_with(**{first_yes_no_key(): questionnaire.UNSURE})


def draft(actor, system, answers=None, **kwargs) -> Classification:
    return services.classification_save(
        actor=actor,
        system=system,
        answers=answers_with() if answers is None else answers,
        role="deployer",
        **kwargs,
    )


def tier(system) -> str:
    return AISystem.objects.get(pk=system.pk).risk_tier


# --- services --------------------------------------------------------------------------------


def test_owner_drafts_submits_and_the_officer_confirms(owner, officer, system):
    record = draft(owner, system)
    assert record.status == "draft" and record.confirmed_result == ""
    assert record.questionnaire_version == questionnaire.QUESTIONNAIRE_VERSION
    assert tier(system) == "unclassified"
    assert "Classification pending" in TierDecision.objects.get(system=system).reasons[0]
    record = services.classification_submit(actor=owner, classification=record)
    assert record.status == "submitted" and record.submitted_by == owner
    assert tier(system) == "unclassified"  # never minimal before confirmation
    record = services.classification_confirm(actor=officer, classification=record)
    assert record.status == "confirmed" and record.confirmed_result == record.result
    assert record.confirmed_by == officer and record.confirmation_reason == ""
    assert tier(system) != "unclassified"
    reasons = record.history.values_list("history_change_reason", flat=True)
    assert len(reasons) == 3 and any(r.startswith("Confirmed") for r in reasons)


def test_blank_answers_are_refused_with_field_errors(owner, system):
    with pytest.raises(ValidationError) as caught:
        services.classification_save(actor=owner, system=system, answers={}, role="deployer")
    errors = caught.value.message_dict
    assert errors and all(errors.values())
    assert not Classification.objects.exists()


def test_a_not_sure_answer_is_pending_and_the_officer_must_decide_it(owner, officer, system):
    record = draft(owner, system, unsure_answers(), submit=True)
    assert record.result == "pending" and record.unsure == [first_yes_no_key()]
    assert tier(system) == "unclassified"
    with pytest.raises(ValidationError) as caught:
        services.classification_confirm(actor=officer, classification=record)
    assert "result" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.classification_confirm(actor=officer, classification=record, result="limited")
    assert "reason" in caught.value.message_dict
    assert Classification.objects.get().status == "submitted"
    services.classification_confirm(
        actor=officer, classification=record, result="high_risk", reason="Ranks applicants."
    )
    assert tier(system) == "high"


def test_changing_the_result_needs_a_reason(owner, officer, system):
    record = draft(owner, system, submit=True)
    with pytest.raises(ValidationError) as caught:
        services.classification_confirm(actor=officer, classification=record, result="prohibited")
    assert "reason" in caught.value.message_dict
    with pytest.raises(ValidationError):
        services.classification_confirm(
            actor=officer, classification=record, result="pending", reason="x"
        )
    record = services.classification_confirm(
        actor=officer, classification=record, result="prohibited", reason="Art. 5(1)(f)."
    )
    assert record.confirmed_result == "prohibited" and tier(system) == "prohibited"


@pytest.mark.parametrize("who", ["other_owner", "auditor", "approver"])
def test_only_the_owner_or_an_officer_answers(request, who, system):
    actor = request.getfixturevalue(who)
    with pytest.raises(RuleForbidden) as caught:
        draft(actor, system)
    assert caught.value.code == "permission_denied"
    assert not Classification.objects.exists()


@pytest.mark.parametrize("who", ["owner", "other_owner", "auditor", "approver"])
def test_only_an_officer_confirms(request, who, owner, system):
    record = draft(owner, system, submit=True)
    actor = request.getfixturevalue(who)
    with pytest.raises(RuleForbidden) as caught:
        services.classification_confirm(actor=actor, classification=record)
    assert caught.value.code == "permission_denied"
    record.refresh_from_db()
    assert record.status == "submitted" and not record.confirmed_result
    assert record.history.count() == 2


def test_an_officer_does_not_confirm_a_system_they_own(officer, officer2):
    from ..factories import make_system

    system = make_system(officer, name="Officer's own system")
    record = draft(officer, system, submit=True)
    with pytest.raises(RuleForbidden) as caught:
        services.classification_confirm(actor=officer, classification=record)
    assert caught.value.code == "segregation_of_duties"
    services.classification_confirm(actor=officer2, classification=record)


def test_an_officer_confirms_their_own_draft_directly_but_not_an_owners(owner, officer, system):
    record = draft(owner, system)
    with pytest.raises(TransitionNotAllowed):
        services.classification_confirm(actor=officer, classification=record)
    record = draft(officer, system)  # the officer answers it: no submission needed
    assert services.classification_confirm(actor=officer, classification=record).status == (
        "confirmed"
    )
    with pytest.raises(TransitionNotAllowed):  # already confirmed
        services.classification_confirm(actor=officer, classification=record)
    with pytest.raises(TransitionNotAllowed):  # only a draft is submitted
        services.classification_submit(actor=owner, classification=record)


def test_a_new_draft_keeps_the_confirmed_result_until_confirmed_again(owner, officer, system):
    record = draft(owner, system, submit=True)
    services.classification_confirm(
        actor=officer, classification=record, result="high_risk", reason="Annex III 4(a)."
    )
    record = draft(owner, system, unsure_answers())
    assert record.status == "draft" and record.confirmed_result == "high_risk"
    assert tier(system) == "high"
    checks = services.checklist(system, "intake")
    assert any(c.label == "EU AI Act classification recorded" and c.met for c in checks)


def test_the_gate_counts_only_a_confirmed_classification(owner, officer, system):
    from risk.models import TierRequirement

    TierRequirement.objects.filter(tier="unclassified").update(classification=True)
    draft(owner, system, submit=True)
    check = next(c for c in services.checklist(system, "intake") if c.label.startswith("EU AI Act"))
    assert not check.met and "pending" in check.missing


def test_older_questionnaire_version_is_due_for_review(owner, officer, system):
    record = draft(owner, system, submit=True)
    services.classification_confirm(actor=officer, classification=record)
    assert not services.classification_review_due(record)
    Classification.objects.filter(pk=record.pk).update(
        questionnaire_version=questionnaire.QUESTIONNAIRE_VERSION - 1
    )
    record.refresh_from_db()
    assert services.classification_review_due(record)


def test_closed_system_keeps_its_classification(owner, officer, system):
    AISystem.objects.filter(pk=system.pk).update(lifecycle_stage="retired")
    with pytest.raises(TransitionNotAllowed) as caught:
        draft(owner, system)
    assert caught.value.code == "system_closed"


# --- obligation dates ------------------------------------------------------------------------


def test_obligations_carry_their_date_from_the_chosen_timeline(owner, officer, system):
    record = draft(owner, system)
    dated = services.obligations_with_dates(record)
    assert dated and all({"text", "articles", "applies", "party"} <= set(o) for o in dated)
    rows = {r.key: r for r in services.timeline_rows()}
    assert rows["annex_iii"].applies_from == questionnaire.APPLICATION_DATES["annex_iii"].act
    services.timeline_update(
        actor=officer,
        data={"timeline": "omnibus", "overrides": {"general": "2025-03-01"}},
    )
    rows = {r.key: r for r in services.timeline_rows()}
    assert rows["annex_iii"].applies_from == questionnaire.APPLICATION_DATES["annex_iii"].omnibus
    assert rows["general"].applies_from == date(2025, 3, 1)
    assert ObligationTimeline.history.count() >= 1


def test_only_officers_choose_the_timeline_and_bad_dates_are_refused(owner, officer):
    with pytest.raises(RuleForbidden):
        services.timeline_update(actor=owner, data={"timeline": "omnibus"})
    with pytest.raises(ValidationError) as caught:
        services.timeline_update(
            actor=officer, data={"timeline": "later", "overrides": {"nope": "2025-01-01"}}
        )
    assert {"timeline", "overrides"} <= set(caught.value.message_dict)
    assert services.timeline_current().timeline == "act"


# --- API -------------------------------------------------------------------------------------


def test_owner_classifies_through_the_api_and_the_officer_confirms(api_as, owner, officer, system):
    url = "/api/v1/classifications/"
    created = api_as(owner).post(
        url, {"system": system.pk, "answers": unsure_answers(), "role": "deployer"}, format="json"
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "draft" and body["result"] == "pending"
    assert body["classification_pending"] and not body["classification_review_due"]
    assert body["risk_tier"] == "unclassified"
    pk = body["id"]
    submitted = api_as(owner).post(f"{url}{pk}/submit/", format="json")
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    again = api_as(owner).post(f"{url}{pk}/submit/", format="json")
    assert again.status_code == 409
    refused = api_as(owner).post(f"{url}{pk}/confirm/", {}, format="json")
    assert refused.status_code == 403
    missing = api_as(officer).post(f"{url}{pk}/confirm/", {"result": "limited"}, format="json")
    assert missing.status_code == 400 and "reason" in missing.json()["extra"]["fields"]
    confirmed = api_as(officer).post(
        f"{url}{pk}/confirm/", {"result": "limited", "reason": "A chatbot."}, format="json"
    )
    assert confirmed.status_code == 200, confirmed.content
    body = confirmed.json()
    assert body["confirmed_result"] == "limited" and body["confirmation_reason"] == "A chatbot."
    assert body["risk_tier"] != "unclassified" and not body["classification_pending"]
    assert all("applies_from" in o for o in body["obligations"])


def test_api_answers_400_with_field_errors_and_records_nothing(api_as, owner, system):
    response = api_as(owner).post(
        "/api/v1/classifications/",
        {"system": system.pk, "answers": {"no_such_question": True}, "role": "deployer"},
        format="json",
    )
    assert response.status_code == 400
    fields = response.json()["extra"]["fields"]
    assert "no_such_question" in fields
    assert not Classification.objects.exists()


@pytest.mark.parametrize("who", ["other_owner", "auditor", "approver"])
def test_api_refuses_others(api_as, request, who, system):
    actor = request.getfixturevalue(who)
    response = api_as(actor).post(
        "/api/v1/classifications/",
        {"system": system.pk, "answers": answers_with(), "role": "deployer"},
        format="json",
    )
    assert response.status_code in (400, 403, 404)
    assert not Classification.objects.exists()


def test_api_patch_revises_a_draft(api_as, owner, system):
    record = draft(owner, system, submit=True)
    response = api_as(owner).patch(
        f"/api/v1/classifications/{record.pk}/", {"notes": "Checked the contract."}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "draft" and response.json()["notes"]


def test_questions_are_a_plain_list(api_as, auditor):
    body = api_as(auditor).get("/api/v1/classifications/questions/").json()
    assert isinstance(body, list)
    assert [q["key"] for q in body] == [q.key for q in questionnaire.QUESTIONS]
    assert {"key", "text", "reference", "examples", "choices", "many", "show_if"} <= set(body[0])


def test_schema_tells_the_truth_about_questions_and_fields():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    op = schema["paths"]["/api/v1/classifications/questions/"]["get"]
    assert not any(p["name"] in ("page", "system") for p in op.get("parameters", []))
    response = op["responses"]["200"]["content"]["application/json"]["schema"]
    assert response["type"] == "array"
    text = str(schema)
    assert "/classification-questions/" not in text
    props = schema["components"]["schemas"]["ClassificationRead"]["properties"]
    for name in ("status", "confirmed_result", "questionnaire_version",
                 "classification_review_due", "obligations"):  # fmt: skip
        assert name in props


def test_obligation_dates_api(api_as, officer, owner):
    listed = api_as(officer).get("/api/v1/obligation-dates/").json()
    assert listed[0]["timeline"] == "act"
    pk = listed[0]["id"]
    assert (
        api_as(owner)
        .patch(f"/api/v1/obligation-dates/{pk}/", {"timeline": "omnibus"}, format="json")
        .status_code
        == 403
    )
    response = api_as(officer).patch(
        f"/api/v1/obligation-dates/{pk}/", {"timeline": "omnibus"}, format="json"
    )
    assert response.status_code == 200 and response.json()["timeline"] == "omnibus"


# --- browser ---------------------------------------------------------------------------------


def form_data(answers: dict, **extra) -> dict:
    data = {"role": "deployer", **extra}
    for key, value in answers.items():
        if value is True:
            data[key] = "yes"
        elif value is False:
            data[key] = "no"
        else:
            data[key] = value
    return data


def test_owner_reaches_the_form_with_no_role_chosen(client_as, owner, system):
    page = client_as(owner).get(reverse("risk:classify", args=[system.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="role"' in html and "checked" not in html.split('name="role"')[1][:200]
    assert "Not sure" in html and "risk/questionnaire.js" in html
    risk_page = client_as(owner).get(reverse("risk:system_risk", args=[system.pk]))
    assert reverse("risk:classify", args=[system.pk]) in risk_page.content.decode()


@pytest.mark.parametrize("who", ["other_owner", "auditor", "approver"])
def test_others_cannot_open_the_form(client_as, request, who, system):
    response = client_as(request.getfixturevalue(who)).get(
        reverse("risk:classify", args=[system.pk])
    )
    assert response.status_code in (403, 404)


def test_form_saves_a_draft_then_submits(client_as, owner, system):
    url = reverse("risk:classify", args=[system.pk])
    response = client_as(owner).post(url, form_data(answers_with(), draft=""))
    assert response.status_code == 302
    assert Classification.objects.get().status == "draft"
    response = client_as(owner).post(url, form_data(unsure_answers(), submit=""))
    assert response.status_code == 302
    record = Classification.objects.get()
    assert record.status == "submitted" and record.result == "pending"
    page = client_as(owner).get(reverse("risk:system_risk", args=[system.pk])).content.decode()
    assert "Classification pending" in page and "classification-versions" in page


def test_a_stale_questionnaire_save_is_refused_with_what_changed(client_as, owner, officer, system):
    """The owner and an officer both have the questionnaire open: the second save, loaded
    before the first, is refused (409) and the first one's answers are kept."""
    from django.test import Client

    from aims.concurrency import VERSION_FIELD

    draft(owner, system)
    url = reverse("risk:classify", args=[system.pk])
    owners, officers = Client(), client_as(officer)
    owners.force_login(owner)
    pattern = rf'name="{VERSION_FIELD}" value="(\d+)"'
    owner_version = re.search(pattern, owners.get(url).content.decode()).group(1)
    officer_version = re.search(pattern, officers.get(url).content.decode()).group(1)

    saved = officers.post(
        url,
        form_data(answers_with(), notes="Officer's note", draft="", record_version=officer_version),
    )
    assert saved.status_code == 302
    refused = owners.post(
        url, form_data(answers_with(), notes="Owner's note", draft="", record_version=owner_version)
    )
    assert refused.status_code == 409 and "changed by someone else" in refused.content.decode()
    assert Classification.objects.get().notes == "Officer's note"


def test_form_shows_the_engines_errors_on_the_questions(client_as, owner, system):
    response = client_as(owner).post(reverse("risk:classify", args=[system.pk]), {"submit": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "id_role_errors" in html
    assert "Answer this question" in html
    assert not Classification.objects.exists()


def test_officer_confirms_in_the_browser_with_a_reason(client_as, owner, officer, system):
    record = draft(owner, system, unsure_answers(), submit=True)
    url = reverse("risk:classification_confirm", args=[record.pk])
    assert client_as(owner).get(url).status_code == 403
    page = client_as(officer).get(url)
    assert page.status_code == 200 and 'data-testid="unsure"' in page.content.decode()
    refused = client_as(officer).post(url, {"result": "minimal", "reason": ""})
    assert refused.status_code == 400
    done = client_as(officer).post(url, {"result": "minimal", "reason": "Internal tool only."})
    assert done.status_code == 302
    assert Classification.objects.get().confirmed_result == "minimal"


def test_dates_page_for_officers(client_as, officer, owner):
    url = reverse("risk:obligation_dates")
    assert client_as(owner).get(url).status_code == 403
    assert client_as(officer).get(url).status_code == 200
    response = client_as(officer).post(url, {"timeline": "omnibus", "override_general": ""})
    assert response.status_code == 302
    assert services.timeline_current().timeline == "omnibus"


def test_the_migration_confirms_existing_classifications_and_dates_their_obligations(
    owner, officer, system
):
    """Rows recorded before the workflow were officers' classifications under the first
    questionnaire: they become version 1 and confirmed; plain-sentence obligations become
    objects (the migration's own function, run on a row shaped as before)."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("risk.migrations.0004_classification_workflow")
    record = draft(owner, system)
    Classification.objects.filter(pk=record.pk).update(
        questionnaire_version=1,
        status="draft",
        obligations=["Art. 4: AI literacy of staff."],
        classified_by=officer,
    )
    migration.forwards(apps, None)
    record.refresh_from_db()
    assert record.status == "confirmed" and record.confirmed_result == record.result
    assert record.confirmed_by == officer and record.questionnaire_version == 1
    assert record.obligations == [
        {
            "text": "Art. 4: AI literacy of staff.",
            "articles": "",
            "applies": "",
            "party": "deployer",
        }
    ]
    assert services.classification_review_due(record)


def test_officers_see_what_waits_for_their_confirmation(client_as, owner, officer, system):
    record = draft(owner, system, submit=True)
    page = client_as(officer).get("/").content.decode()
    assert reverse("risk:classification_confirm", args=[record.pk]) in page
