"""Bypass battery for change control and tier rises (issue 13, parts 1 and 2).

Once a system has passed its intake gate, its material facts are not edited in place: every
way a determined owner would try (API PATCH/PUT/POST/DELETE, the browser forms, the admin)
opens a change request or is refused with the rule's code, and the record and its history
stay as they were (the only new row is the change request). On a medium or high tier the
owner proposes and a governance officer decides materiality. A tier rise sends an approved or
deployed system back before its release gate, and the system page says why.
"""

from datetime import date

import pytest
from django.urls import reverse

from aims.roles import APPROVER, OFFICER
from inventory import services
from inventory.models import AISystem, ChangeRequest, Component, Dataset, LifecycleStage
from risk import services as risk_services
from risk.models import ImpactAssessment, RiskAssessment
from tests.factories import (
    HIGH_RISK_ANSWERS,
    INTAKE_DATA,
    MEDIUM_RISK_ANSWERS,
    MINIMAL_RISK_ANSWERS,
    classify_answered,
    classify_confirmed,
    make_system,
    release_classified,
    user_with_role,
)

pytestmark = pytest.mark.django_db

Stage = LifecycleStage
MATERIAL = {
    "decision_impact": "decides_alone",
    "human_oversight": "none",
    "purpose": "Now auto-rejects applicants below the cut-off.",
}
LIMITED_ANSWERS = MEDIUM_RISK_ANSWERS  # with personal data: the medium tier


def api_url(name: str, *args) -> str:
    return reverse(f"api:{name}", args=args)


def validate(system, owner, test_type="accuracy"):
    return services.validation_record_create(
        actor=owner,
        system=system,
        test_type=test_type,
        title=f"{test_type} test",
        method="Holdout set of 500 CVs.",
        result="pass",
        performed_on=date.today(),
    )


def approve_for_development(system, officer, approver):
    services.system_transition(actor=officer, system=system, action="start_triage")
    services.approval_decide(actor=approver, system=system, decision="approve")
    return AISystem.objects.get(pk=system.pk)


def deploy(system, owner, officer, approver):
    approve_for_development(system, officer, approver)
    services.system_transition(actor=owner, system=system, action="start_validation")
    validate(system, owner)
    services.approval_decide(actor=approver, system=system, decision="approve")
    system = AISystem.objects.get(pk=system.pk)
    assert system.lifecycle_stage == Stage.DEPLOYED
    return system


def classify(system, officer, answers):
    """Classified with ``answers`` and confirmed by the officer as the questionnaire says."""
    classify_answered(officer=officer, system=system, answers=answers)
    return AISystem.objects.get(pk=system.pk)


@pytest.fixture
def deployed(system, owner, officer, approver, component, dataset):
    return deploy(system, owner, officer, approver)


@pytest.fixture
def high(system, owner, officer, approver, component, dataset):
    """A deployed high-risk system (Annex III recruitment), classified before its release and
    released through the high tier's gate."""
    system = release_classified(
        system, owner=owner, officer=officer, approver=approver, answers=HIGH_RISK_ANSWERS
    )
    assert system.risk_tier == "high" and system.reopened_reason == ""
    return system


@pytest.fixture
def low(owner, officer, approver):
    """A deployed low-tier system: assists a human, no personal data, minimal risk."""
    system = make_system(
        owner, name="Shift planner", decision_impact="assists", personal_data="none"
    )
    system = release_classified(
        system, owner=owner, officer=officer, approver=approver, answers=MINIMAL_RISK_ANSWERS
    )
    assert system.risk_tier == "low"
    return system


@pytest.fixture
def medium(system, owner, officer, approver, component, dataset):
    system = release_classified(
        system, owner=owner, officer=officer, approver=approver, answers=LIMITED_ANSWERS
    )
    assert system.risk_tier == "medium" and system.reopened_reason == ""
    return system


def row(record):
    record = type(record).objects.get(pk=record.pk)
    return {f.attname: getattr(record, f.attname) for f in record._meta.concrete_fields}


class Unchanged:
    """Asserts a record's row and its history rows are exactly as they were."""

    def __init__(self, *records):
        self.records = records
        self.before = [(row(r), r.history.count()) for r in records]
        self.changes = ChangeRequest.objects.count()

    def check(self, *, new_changes: int = 0):
        after = [(row(r), r.history.count()) for r in self.records]
        assert after == self.before
        assert ChangeRequest.objects.count() == self.changes + new_changes


def proposed(system) -> ChangeRequest:
    return ChangeRequest.objects.filter(system=system).order_by("-id").first()


# --- The rule, as a predicate -------------------------------------------------------------


def test_material_changes_names_only_the_material_facts_that_differ(high):
    changes = services.material_changes(
        high, {**MATERIAL, "known_risks": "More", "affected_groups": high.affected_groups}
    )
    assert set(changes) == {"decision_impact", "human_oversight", "purpose"}
    assert changes["decision_impact"] == {"from": "decides_with_review", "to": "decides_alone"}


@pytest.mark.parametrize(
    ("stage", "applies"),
    [("intake", False), ("approved", True), ("validation", True), ("deployed", True)],
)
def test_change_control_applies_to_system_facts_once_past_the_intake_gate(
    system, owner, officer, approver, stage, applies
):
    if stage != "intake":
        approve_for_development(system, officer, approver)
    if stage in ("validation", "deployed"):
        services.system_transition(actor=owner, system=system, action="start_validation")
    if stage == "deployed":
        validate(system, owner)
        services.approval_decide(actor=approver, system=system, decision="approve")
    assert services.change_control_applies(AISystem.objects.get(pk=system.pk)) is applies


def test_before_the_intake_gate_the_purpose_is_edited_in_place(api_as, owner, system):
    response = api_as(owner).patch(
        api_url("system-detail", system.pk), {"purpose": "Sorts CVs"}, format="json"
    )
    assert response.status_code == 200
    assert AISystem.objects.get(pk=system.pk).purpose == "Sorts CVs"


# --- API -------------------------------------------------------------------------------------


def test_api_patch_of_material_facts_opens_a_change_request(api_as, owner, high):
    guard = Unchanged(high)
    response = api_as(owner).patch(api_url("system-detail", high.pk), MATERIAL, format="json")
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["code"] == "change_request_opened"
    change = body["change_request"]
    assert change["status"] == "proposed" and change["is_material"] is None
    assert change["target"] == "system" and change["target_action"] == "edit"
    assert change["proposed_values"]["purpose"]["to"] == MATERIAL["purpose"]
    assert body["record"]["purpose"] == INTAKE_DATA["purpose"]  # the record as it stands
    assert body["record"]["lifecycle_stage"] == "deployed"
    guard.check(new_changes=1)


def test_api_put_of_material_facts_opens_a_change_request(api_as, owner, high):
    guard = Unchanged(high)
    payload = {**INTAKE_DATA, **MATERIAL}
    response = api_as(owner).put(api_url("system-detail", high.pk), payload, format="json")
    assert response.status_code == 202, response.content
    assert set(response.json()["change_request"]["proposed_values"]) == set(MATERIAL)
    guard.check(new_changes=1)


def test_api_patch_mixing_facts_and_other_fields_saves_only_the_other_fields(api_as, owner, high):
    response = api_as(owner).patch(
        api_url("system-detail", high.pk),
        {"purpose": "Auto-rejects", "known_risks": "Automation bias."},
        format="json",
    )
    assert response.status_code == 202
    system = AISystem.objects.get(pk=high.pk)
    assert system.known_risks == "Automation bias."
    assert system.purpose == INTAKE_DATA["purpose"]
    assert response.json()["record"]["known_risks"] == "Automation bias."


def test_api_patch_of_a_component_model_opens_a_change_request(api_as, owner, high, component):
    guard = Unchanged(high, component)
    response = api_as(owner).patch(
        api_url("component-detail", component.pk),
        {"model_identifier": "vendor-model-v99"},
        format="json",
    )
    assert response.status_code == 202, response.content
    change = response.json()["change_request"]
    assert change["target"] == "component" and change["target_id"] == component.pk
    assert change["proposed_values"] == {
        "model_identifier": {"from": "acme-rank-1", "to": "vendor-model-v99"}
    }
    guard.check(new_changes=1)


@pytest.mark.parametrize("field", ["provider", "version"])
def test_api_put_of_a_component_provider_or_version_opens_a_change_request(
    api_as, owner, high, component, field
):
    guard = Unchanged(high, component)
    payload = {"kind": "model", "name": "Ranker", "provider": "Acme", field: "Other"}
    response = api_as(owner).put(api_url("component-detail", component.pk), payload, format="json")
    assert response.status_code == 202, response.content
    guard.check(new_changes=1)


def test_api_post_of_a_dataset_opens_a_change_request(api_as, owner, high):
    guard = Unchanged(high)
    datasets = Dataset.objects.count()
    response = api_as(owner).post(
        api_url("dataset-list"),
        {"system": high.pk, "name": "Social media", "source": "Scraped profiles"},
        format="json",
    )
    assert response.status_code == 202 and response.json()["record"] is None
    assert response.json()["change_request"]["target_action"] == "add"
    assert Dataset.objects.count() == datasets
    guard.check(new_changes=1)


def test_a_component_added_to_a_deployed_system_has_its_model_under_control(
    api_as, owner, officer, high
):
    guard = Unchanged(high)
    response = api_as(owner).post(
        api_url("component-list"),
        {"system": high.pk, "name": "Second model", "model_identifier": "x-2"},
        format="json",
    )
    assert response.status_code == 202  # adding a dependency is a change request ...
    guard.check(new_changes=1)
    change = services.change_request_decide(
        actor=officer, change=proposed(high), material=False, reason="A helper model"
    )
    component = Component.objects.get(pk=change.target_id)
    guard = Unchanged(component)
    response = api_as(owner).patch(
        api_url("component-detail", component.pk), {"model_identifier": "x-3"}, format="json"
    )
    assert response.status_code == 202  # ... and so is a change of its model
    guard.check(new_changes=1)


def test_api_delete_or_edit_of_a_dataset_opens_a_change_request(api_as, owner, high, dataset):
    guard = Unchanged(high, dataset)
    client = api_as(owner)
    response = client.delete(api_url("dataset-detail", dataset.pk))
    assert response.status_code == 202
    assert response.json()["change_request"]["target_action"] == "remove"
    response = client.patch(
        api_url("dataset-detail", dataset.pk), {"source": "Another vendor"}, format="json"
    )
    assert response.status_code == 202
    guard.check(new_changes=2)


def test_owner_cannot_declare_a_change_not_material_on_a_high_tier(api_as, owner, high):
    guard = Unchanged(high)
    response = api_as(owner).post(
        api_url("changerequest-list"),
        {
            "system": high.pk,
            "kind": "model_update",
            "title": "Swap model",
            "description": "Cheaper",
            "is_material": False,
        },
        format="json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "materiality_needs_officer"
    guard.check()


@pytest.mark.parametrize("tier", ["medium", "high"])
def test_owner_cannot_decide_materiality_on_medium_or_high(request, api_as, owner, tier):
    system = request.getfixturevalue(tier)
    api_as(owner).patch(api_url("system-detail", system.pk), {"purpose": "New"}, format="json")
    change = proposed(system)
    guard = Unchanged(system, change)
    for material in (False, True):
        response = api_as(owner).post(
            api_url("changerequest-decide", change.pk),
            {"material": material, "reason": "Only wording"},
            format="json",
        )
        assert response.status_code == 403
        assert response.json()["code"] == "materiality_needs_officer"
    guard.check()


def test_an_officer_who_owns_the_system_does_not_decide_its_changes(api_as, officer, approver):
    second = user_with_role(OFFICER)
    system = deploy(make_system(officer), officer, second, approver)
    # The officer owns it: another officer confirms its classification.
    classify_confirmed(officer=second, system=system, result="high_risk", actor=officer)
    system = AISystem.objects.get(pk=system.pk)
    api_as(officer).patch(api_url("system-detail", system.pk), {"purpose": "New"}, format="json")
    change = proposed(system)
    response = api_as(officer).post(
        api_url("changerequest-decide", change.pk),
        {"material": False, "reason": "Mine"},
        format="json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "segregation_of_duties"


def test_an_approver_cannot_decide_materiality(api_as, owner, approver, high):
    api_as(owner).patch(api_url("system-detail", high.pk), {"purpose": "New"}, format="json")
    change = proposed(high)
    response = api_as(approver).post(
        api_url("changerequest-decide", change.pk),
        {"material": False, "reason": "x"},
        format="json",
    )
    assert response.status_code == 403
    assert proposed(high).status == "proposed"


def test_the_decision_fields_cannot_be_written_directly(api_as, owner, high):
    response = api_as(owner).post(
        api_url("changerequest-list"),
        {
            "system": high.pk,
            "kind": "model_update",
            "title": "x",
            "description": "y",
            "status": "recorded",
            "proposed_values": {},
        },
        format="json",
    )
    assert response.status_code == 400
    assert "status" in str(response.json()) and "proposed_values" in str(response.json())


# --- Browser and admin -----------------------------------------------------------------------


def edit_form(system, **changes):
    data = {
        **INTAKE_DATA,
        "user_facing": "",
        "used_in_eu": "on",
        "review_cadence_months": 12,
        "in_aims_scope": "on",
        "oversight_person": system.oversight_person_id or "",
        **changes,
    }
    return {k: v for k, v in data.items() if v is not False}


def test_browser_edit_of_the_purpose_opens_a_change_request(client_as, owner, high):
    guard = Unchanged(high)
    client = client_as(owner)
    response = client.post(
        reverse("inventory:system_edit", args=[high.pk]),
        edit_form(high, purpose="Now auto-rejects applicants."),
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse(
        "inventory:system_tab", args=[high.pk, "changes"]
    )
    text = response.content.decode()
    change = proposed(high)
    assert f"{change.reference} was opened" in text
    assert "Now auto-rejects applicants." in text  # the proposed value, shown on the change
    guard.check(new_changes=1)


def test_browser_edit_of_a_component_model_opens_a_change_request(
    client_as, owner, high, component
):
    guard = Unchanged(high, component)
    response = client_as(owner).post(
        reverse("inventory:component_edit", args=[high.pk, component.pk]),
        {"kind": "model", "name": "Ranker", "provider": "Acme", "model_identifier": "v99"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("/changes/")
    guard.check(new_changes=1)


def test_browser_removal_of_a_dataset_opens_a_change_request(client_as, owner, high, dataset):
    guard = Unchanged(high, dataset)
    response = client_as(owner).post(
        reverse("inventory:dataset_delete", args=[high.pk, dataset.pk]), follow=True
    )
    assert "not applied in place" in response.content.decode()
    guard.check(new_changes=1)


def test_browser_owner_cannot_declare_not_material_or_decide(client_as, owner, high):
    client = client_as(owner)
    guard = Unchanged(high)
    response = client.post(
        reverse("inventory:change_request_add", args=[high.pk]),
        {"kind": "model_update", "title": "Swap", "description": "Cheaper"},  # unticked
    )
    assert response.status_code == 403
    assert "governance officer decides" in response.content.decode()
    guard.check()
    client.post(reverse("inventory:system_edit", args=[high.pk]), edit_form(high, purpose="New"))
    change = proposed(high)
    guard = Unchanged(high, change)
    url = reverse("inventory:change_request_decide", args=[high.pk, change.pk])
    assert client.get(url).status_code == 403  # no form is offered
    response = client.post(url, {"material": "no", "reason": "Wording"})
    assert response.status_code == 403
    guard.check()
    tab = client.get(reverse("inventory:system_tab", args=[high.pk, "changes"])).content
    assert b"Decide materiality" not in tab


def test_admin_change_of_material_facts_is_refused(client, high, component):
    from django.contrib.auth import get_user_model

    guard = Unchanged(high, component)
    root = get_user_model().objects.create_superuser("root_cc", "root@example.org", "x")
    client.force_login(root)
    url = reverse("admin:inventory_aisystem_change", args=[high.pk])
    assert client.post(url, {**INTAKE_DATA, **MATERIAL}).status_code == 403
    url = reverse("admin:inventory_component_change", args=[component.pk])
    assert client.post(url, {"model_identifier": "v99"}).status_code == 403
    guard.check()


# --- Deciding ---------------------------------------------------------------------------------


def test_officer_decides_not_material_and_the_values_are_applied(api_as, owner, officer, high):
    api_as(owner).patch(
        api_url("system-detail", high.pk), {"affected_groups": "Applicants, interns"}, format="json"
    )
    change = proposed(high)
    response = api_as(officer).post(
        api_url("changerequest-decide", change.pk),
        {"material": False, "reason": "Interns were always in scope."},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "recorded"
    assert response.json()["materiality_reason"] == "Interns were always in scope."
    system = AISystem.objects.get(pk=high.pk)
    assert system.affected_groups == "Applicants, interns"
    assert system.lifecycle_stage == Stage.DEPLOYED
    assert change.reference in system.history.first().history_change_reason
    again = api_as(officer).post(
        api_url("changerequest-decide", change.pk),
        {"material": True, "reason": "Changed my mind"},
        format="json",
    )
    assert again.status_code == 409 and again.json()["code"] == "already_decided"


def test_a_decision_needs_a_reason(api_as, owner, officer, high):
    api_as(owner).patch(api_url("system-detail", high.pk), {"purpose": "New"}, format="json")
    response = api_as(officer).post(
        api_url("changerequest-decide", proposed(high).pk),
        {"material": True, "reason": ""},
        format="json",
    )
    assert response.status_code == 400
    assert proposed(high).status == "proposed"


def test_material_component_change_goes_back_to_validation_and_is_applied(
    api_as, owner, officer, high, component
):
    api_as(owner).patch(
        api_url("component-detail", component.pk), {"model_identifier": "v99"}, format="json"
    )
    change = proposed(high)
    services.change_request_decide(actor=officer, change=change, material=True, reason="New model")
    system = AISystem.objects.get(pk=high.pk)
    assert system.lifecycle_stage == Stage.IN_VALIDATION
    assert system.release_round == high.release_round + 1
    assert Component.objects.get(pk=component.pk).model_identifier == "v99"
    change.refresh_from_db()
    assert change.status == ChangeRequest.Status.IN_RELEASE_REVIEW and change.is_material


def test_a_change_refused_at_the_release_gate_is_put_back(owner, officer, approver, high, dataset):
    services.child_delete(actor=owner, record=dataset)
    change = proposed(high)
    services.change_request_decide(actor=officer, change=change, material=True, reason="Data")
    assert not Dataset.objects.filter(system=high).exists()
    system = AISystem.objects.get(pk=high.pk)
    services.approval_decide(actor=approver, system=system, decision="reject", comment="No")
    system.refresh_from_db()
    change.refresh_from_db()
    assert system.lifecycle_stage == Stage.DEPLOYED
    assert change.status == ChangeRequest.Status.REJECTED
    restored = Dataset.objects.get(system=high)
    assert (restored.name, restored.source) == ("CVs", "ATS export")


def test_on_a_low_tier_the_owner_may_decide(api_as, owner, low):
    response = api_as(owner).patch(
        api_url("system-detail", low.pk), {"purpose": "New"}, format="json"
    )
    assert response.status_code == 202
    response = api_as(owner).post(
        api_url("changerequest-decide", proposed(low).pk),
        {"material": False, "reason": "Wording"},
        format="json",
    )
    assert response.status_code == 200
    assert AISystem.objects.get(pk=low.pk).purpose == "New"


def test_approved_for_development_change_waits_for_the_release_gate(
    api_as, owner, officer, approver, system
):
    system = approve_for_development(system, officer, approver)
    system = classify(system, officer, HIGH_RISK_ANSWERS)
    response = api_as(owner).patch(
        api_url("system-detail", system.pk), {"purpose": "Broader"}, format="json"
    )
    assert response.status_code == 202
    change = services.change_request_decide(
        actor=officer, change=proposed(system), material=True, reason="Broader use"
    )
    system = AISystem.objects.get(pk=system.pk)
    assert change.status == ChangeRequest.Status.APPLIED
    assert (system.lifecycle_stage, system.purpose) == (Stage.APPROVED_FOR_DEVELOPMENT, "Broader")
    # ... and a new component takes the same path during development (one rule): proposed,
    # not created
    response = api_as(owner).post(
        api_url("component-list"), {"system": system.pk, "name": "Model"}, format="json"
    )
    assert response.status_code == 202
    assert not Component.objects.filter(system=system).exists()


def test_linking_the_registered_supplier_of_the_recorded_provider_is_not_a_change(
    officer, high, component
):
    from suppliers.models import Supplier

    supplier = Supplier(name="Acme", owner=officer)
    supplier.save()
    assert services.material_changes(component, {"supplier": supplier}) == {}
    other = Supplier(name="Other", owner=officer)
    other.save()
    assert "supplier" in services.material_changes(component, {"supplier": other})


# --- Tier rises reopen the gates -------------------------------------------------------------


def test_reclassification_to_high_sends_a_deployed_system_back_to_validation(
    client_as, owner, officer, medium
):
    system = classify(medium, officer, HIGH_RISK_ANSWERS)
    assert system.risk_tier == "high"
    assert system.lifecycle_stage == Stage.IN_VALIDATION
    assert system.release_round == medium.release_round + 1
    assert "rose from medium to high" in system.reopened_reason
    page = client_as(owner).get(reverse("inventory:system_detail", args=[system.pk]))
    assert "rose from medium to high" in page.content.decode()
    detail = client_as(owner).get(api_url("system-detail", system.pk)).json()
    assert "rose from medium to high" in detail["reopened_reason"]
    # the release gate now asks for the high tier's requirements in a new round
    assert services.gate_blockers(system, "release")


def test_a_change_that_raises_the_tier_reopens_the_release_gate(api_as, owner, officer, medium):
    api_as(owner).patch(
        api_url("system-detail", medium.pk), {"decision_impact": "decides_alone"}, format="json"
    )
    assert AISystem.objects.get(pk=medium.pk).risk_tier == "medium"  # nothing applied yet
    services.change_request_decide(
        actor=officer, change=proposed(medium), material=False, reason="Said to be minor"
    )
    system = AISystem.objects.get(pk=medium.pk)
    assert system.risk_tier == "high"
    assert system.lifecycle_stage == Stage.IN_VALIDATION
    assert "rose from medium to high" in system.reopened_reason


def test_a_tier_rise_in_development_keeps_the_stage_and_says_why(
    client_as, owner, officer, approver, system
):
    system = approve_for_development(system, officer, approver)
    system = classify(system, officer, LIMITED_ANSWERS)
    system = classify(system, officer, HIGH_RISK_ANSWERS)
    assert system.lifecycle_stage == Stage.APPROVED_FOR_DEVELOPMENT
    assert "rose from medium to high" in system.reopened_reason
    text = client_as(owner).get(reverse("inventory:system_detail", args=[system.pk])).content
    assert b"Still approved for development" in text


def test_a_tier_rise_during_validation_voids_the_approvals_of_the_round(owner, officer, approver):
    services.gate_setting_update(actor=officer, gate="release", required_approvals=2)
    system = make_system(owner, decision_impact="assists", personal_data="none")
    system = approve_for_development(system, officer, approver)
    system = classify(system, officer, MINIMAL_RISK_ANSWERS)
    services.system_transition(actor=owner, system=system, action="start_validation")
    validate(system, owner)
    services.approval_decide(
        actor=approver, system=AISystem.objects.get(pk=system.pk), decision="approve"
    )
    before = AISystem.objects.get(pk=system.pk)
    assert (before.lifecycle_stage, before.risk_tier) == (Stage.IN_VALIDATION, "low")
    system = classify(system, officer, HIGH_RISK_ANSWERS)
    assert system.release_round == before.release_round + 1
    assert system.reopened_reason.startswith("Release gate restarted")


def test_a_tier_drop_reopens_nothing(officer, high):
    system = classify(high, officer, LIMITED_ANSWERS)
    assert system.risk_tier == "medium"
    assert system.lifecycle_stage == Stage.DEPLOYED and system.reopened_reason == ""


def test_a_first_classification_as_high_after_release_reopens_the_release_gate(officer, deployed):
    # Released unclassified, the system passed none of the high tier's release requirements.
    history = deployed.history.count()
    system = classify(deployed, officer, HIGH_RISK_ANSWERS)
    assert system.lifecycle_stage == Stage.IN_VALIDATION
    assert system.release_round == deployed.release_round + 1
    assert "from unclassified to high" in system.reopened_reason
    assert system.history.count() == history + 1


def test_a_first_classification_as_medium_after_release_reopens_the_release_gate(officer, deployed):
    system = classify(deployed, officer, LIMITED_ANSWERS)
    assert system.risk_tier == "medium" and system.lifecycle_stage == Stage.IN_VALIDATION
    assert "from unclassified to medium" in system.reopened_reason


def test_a_first_classification_as_low_after_release_reopens_nothing(owner, officer, approver):
    # "Unclassified" asks nothing of its own at the gates, and neither does low beyond the
    # classification now recorded.
    system = make_system(
        owner, name="Shift planner", decision_impact="assists", personal_data="none"
    )
    system = release_classified(system, owner=owner, officer=officer, approver=approver)
    system = classify(system, officer, MINIMAL_RISK_ANSWERS)
    assert system.risk_tier == "low" and system.lifecycle_stage == Stage.DEPLOYED
    assert system.reopened_reason == ""


def test_a_first_classification_through_the_inventory_service_reopens_too(officer, deployed):
    # The rule lives in the inventory's tier service, whatever records the classification.
    services.system_set_risk_tier(actor=officer, system=deployed, tier="high", reason="Annex III")
    system = AISystem.objects.get(pk=deployed.pk)
    assert system.lifecycle_stage == Stage.IN_VALIDATION and system.reopened_reason


def test_passing_the_release_gate_under_the_new_tier_clears_the_reason(
    owner, officer, approver, low
):
    system = classify(low, officer, HIGH_RISK_ANSWERS)
    assert system.lifecycle_stage == Stage.IN_VALIDATION and system.reopened_reason
    risk_services.assessment_save(
        actor=owner,
        assessment=RiskAssessment(system=system),
        data={"title": "RA", "assessed_on": date.today(), "scope": "Ranking"},
    )
    impact = risk_services.impact_save(
        actor=owner,
        impact=ImpactAssessment(system=system),
        data={
            "title": "IA",
            "affected_individuals": "Applicants",
            "intended_use": "Shortlisting",
            "human_oversight_measures": "Recruiter reviews every ranking",
            "conclusion": "Acceptable",
        },
    )
    risk_services.impact_sign_off(actor=approver, impact=impact)
    for test_type in ("bias", "accuracy"):
        record = validate(system, owner, test_type)
        services.validation_record_review(actor=officer, record=record)
    services.system_update(actor=owner, system=system, data={"oversight_person": officer})
    assert services.gate_blockers(AISystem.objects.get(pk=system.pk), "release") == []
    for approver_ in (approver, user_with_role(APPROVER)):
        services.approval_decide(
            actor=approver_, system=AISystem.objects.get(pk=system.pk), decision="approve"
        )
    system = AISystem.objects.get(pk=system.pk)
    assert system.lifecycle_stage == Stage.DEPLOYED
    assert system.reopened_reason == ""


def test_a_proposed_dataset_is_created_when_decided(api_as, owner, officer, high):
    api_as(owner).post(
        api_url("dataset-list"),
        {"system": high.pk, "name": "Interview notes", "source": "HR system", "use": "input"},
        format="json",
    )
    change = services.change_request_decide(
        actor=officer, change=proposed(high), material=True, reason="New personal data"
    )
    created = Dataset.objects.get(system=high, name="Interview notes")
    assert created.source == "HR system" and change.target_id == created.pk
    assert AISystem.objects.get(pk=high.pk).lifecycle_stage == Stage.IN_VALIDATION


def test_rejecting_a_change_keeps_a_tier_rise_waiting_for_the_release_gate(
    api_as, owner, officer, approver, medium
):
    """A change to a deployed medium system that did not raise the tier, then a
    reclassification to high while the change waits: the approver rejects the change, and
    the version in production still has to pass the gate under the high tier."""
    api_as(owner).patch(
        api_url("system-detail", medium.pk), {"purpose": "Ranks CVs and explains"}, format="json"
    )
    services.change_request_decide(
        actor=officer, change=proposed(medium), material=True, reason="New behaviour"
    )
    system = classify(AISystem.objects.get(pk=medium.pk), officer, HIGH_RISK_ANSWERS)
    assert system.lifecycle_stage == Stage.IN_VALIDATION and system.reopened_reason
    services.approval_decide(
        actor=approver, system=system, decision="reject", comment="Not this change"
    )
    system = AISystem.objects.get(pk=medium.pk)
    assert system.purpose != "Ranks CVs and explains"  # the change was put back
    assert system.lifecycle_stage == Stage.IN_VALIDATION
    assert "rose from medium to high" in system.reopened_reason
    assert services.can_decide_gate(approver, system)  # a new round to decide


def test_rejecting_a_change_that_raised_the_tier_restores_the_deployed_version(
    api_as, owner, officer, approver, medium
):
    api_as(owner).patch(
        api_url("system-detail", medium.pk), {"decision_impact": "decides_alone"}, format="json"
    )
    services.change_request_decide(
        actor=officer, change=proposed(medium), material=True, reason="Decides alone now"
    )
    system = AISystem.objects.get(pk=medium.pk)
    services.approval_decide(
        actor=approver, system=system, decision="reject", comment="Keep a human in the loop"
    )
    system = AISystem.objects.get(pk=medium.pk)
    assert system.decision_impact != "decides_alone"  # the change was put back
    assert (system.risk_tier, system.lifecycle_stage) == ("medium", Stage.DEPLOYED)
    assert system.reopened_reason == ""
