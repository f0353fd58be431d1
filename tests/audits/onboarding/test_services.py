"""The first run's services and selectors: what each step writes, through whose service,
with which history; refusals and bad input."""

import pytest
from django.core.exceptions import ValidationError

from aims.errors import RuleForbidden
from aims.models import AIMSScope, OrganisationProfile
from aims.ms import services as ms_services
from audits.models import ControlStatement, FirstRun
from audits.onboarding import selectors, services
from inventory.models import AISystem, LifecycleStage

pytestmark = pytest.mark.django_db

PROFILE = {
    "legal_name": "Northwind Analytics Ltd",
    "sector": "finance",
    "size_band": "50-249",
    "countries": "United Kingdom, Ireland",
    "contact_name": "Jo Bloggs",
    "contact_email": "jo@example.org",
}


def statuses() -> dict[str, str]:
    return {s.key: s.status for s in selectors.first_run_progress()}


def test_an_empty_organisation_needs_the_first_run(officer):
    assert selectors.first_run_needed() is True
    assert statuses() == {
        "profile": "to_do",
        "scope": "to_do",
        "systems": "to_do",
        "assessment": "to_do",
        "plan": "to_do",
    }


def test_demo_like_data_does_not_need_the_first_run(system):
    assert selectors.first_run_needed() is False


def test_profile_is_saved_with_history_and_named_actor(officer):
    profile = services.profile_step_save(actor=officer, data=PROFILE)
    assert profile.legal_name == "Northwind Analytics Ltd"
    row = profile.history.get()
    assert row.history_user == officer and row.history_change_reason
    assert ms_services.organisation_name() == "Northwind Analytics Ltd"
    assert statuses()["profile"] == "done"
    assert selectors.first_run_needed() is False

    services.profile_step_save(actor=officer, data={**PROFILE, "size_band": "250-999"})
    assert OrganisationProfile.objects.count() == 1
    assert "size" in profile.history.latest().history_change_reason


def test_profile_refuses_a_missing_name(officer):
    with pytest.raises(ValidationError) as exc:
        services.profile_step_save(actor=officer, data={**PROFILE, "legal_name": ""})
    assert "legal_name" in exc.value.message_dict
    assert not OrganisationProfile.objects.exists()


@pytest.mark.parametrize("role", ["owner", "auditor", "approver"])
def test_only_officers_write_the_first_run(request, role):
    user = request.getfixturevalue(role)
    with pytest.raises(RuleForbidden):
        services.profile_step_save(actor=user, data=PROFILE)
    with pytest.raises(RuleForbidden):
        services.gap_assess(actor=user, answers=[services.GapAnswer(code="4.1", status="not")])


def test_scope_step_writes_the_scope_and_the_frameworks(officer):
    with pytest.raises(ValidationError):  # the profile comes first
        services.scope_step_save(actor=officer, scope={"statement": "All AI"}, frameworks=[])
    services.profile_step_save(actor=officer, data=PROFILE)
    services.scope_step_save(
        actor=officer,
        scope={"statement": "Every AI system we build or buy", "ai_roles": "deployer"},
        frameworks=["eu_ai_act", "iso27001"],
    )
    scope = AIMSScope.objects.get()
    assert scope.statement == "Every AI system we build or buy"
    assert scope.history.latest().history_user == officer
    profile = OrganisationProfile.objects.get()
    assert profile.frameworks == ["iso42001", "iso27001", "eu_ai_act"]  # 42001 always, in order
    assert statuses()["scope"] == "done"


def test_unknown_framework_and_unnamed_other_are_refused(officer):
    services.profile_step_save(actor=officer, data=PROFILE)
    with pytest.raises(ValidationError) as exc:
        services.scope_step_save(actor=officer, scope={"statement": "x"}, frameworks=["sox"])
    assert "frameworks" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.scope_step_save(actor=officer, scope={"statement": "x"}, frameworks=["other"])
    assert "frameworks_other" in exc.value.message_dict
    assert not AIMSScope.objects.exists()  # one transaction: nothing half-saved


def row(name: str, **kwargs) -> services.StockRow:
    values = {
        "name": name,
        "purpose": f"{name} does things",
        "owner": None,
        "deployment_type": "third_party_api",
        "vendor": "Acme AI",
        "status": "in_use",
    }
    return services.StockRow(**{**values, **kwargs})


def test_stock_adds_systems_through_the_intake(officer, owner):
    systems = services.stock_add(
        actor=officer, rows=[row("Chat helper", owner=owner), row("Forecaster", vendor="")]
    )
    assert [s.name for s in systems] == ["Chat helper", "Forecaster"]
    assert {s.lifecycle_stage for s in systems} == {LifecycleStage.INTAKE_SUBMITTED}
    assert systems[0].owner == owner and systems[1].owner == officer
    assert systems[0].components.get().provider == "Acme AI"
    assert systems[0].history.get().history_change_reason == "Use-case intake submitted"
    record = FirstRun.objects.get()
    assert record.stock == {systems[0].reference: "in_use", systems[1].reference: "in_use"}
    assert statuses()["systems"] == "in_progress"
    services.first_run_mark_step(actor=officer, step="systems")
    assert statuses()["systems"] == "done"


def test_stock_is_all_or_nothing(officer):
    with pytest.raises(ValidationError):
        services.stock_add(actor=officer, rows=[row("Good"), row("Bad", status="sometimes")])
    with pytest.raises(ValidationError):  # the intake's own rule: a name is required
        services.stock_add(actor=officer, rows=[row("Good"), row("")])
    assert not AISystem.objects.exists()


def test_gap_assessment_writes_the_statements(officer, owner):
    done = services.gap_assess(
        actor=officer,
        answers=[
            services.GapAnswer(code="4.1", status="implemented", owner=owner, evidence_note="Memo"),
            services.GapAnswer(code="A.2.2", status="partly"),
            services.GapAnswer(code="4.2", status="not"),
        ],
    )
    assert done == 3
    st = ControlStatement.objects.select_related("item").get(item__code="4.1")
    assert st.implementation_status == "implemented"
    assert st.owner == owner and st.implementation_notes == "Memo"
    latest = st.history.latest()
    assert latest.history_user == officer
    assert latest.history_change_reason.startswith("Gap assessment (first run): 4.1")
    partial = ControlStatement.objects.get(item__code="A.2.2")
    assert partial.implementation_status == "partial"
    assessed, total = selectors.gap_counts()
    assert assessed == 3
    assert total == ControlStatement.objects.filter(item__is_heading=False).count()
    assert statuses()["assessment"] == "in_progress"
    # "not" leaves the statement as it was, but the item counts as assessed
    assert set(FirstRun.objects.get().assessed) == {"4.1", "A.2.2", "4.2"}


def test_gap_assessment_refuses_unknown_codes_and_statuses(officer):
    with pytest.raises(ValidationError) as exc:
        services.gap_assess(
            actor=officer,
            answers=[
                services.GapAnswer(code="4.1", status="implemented"),
                services.GapAnswer(code="Z.9", status="not"),
                services.GapAnswer(code="4.2", status="mostly"),
            ],
        )
    assert set(exc.value.message_dict) == {"answers.1.code", "answers.2.status"}
    assert ControlStatement.objects.get(item__code="4.1").implementation_status == "not_started"
    assert not FirstRun.objects.exists()


def test_sections_page_the_assessment():
    sections = selectors.gap_sections()
    codes = [s.code for s in sections]
    assert codes[0] == "4" and "10" in codes and "A.2" in codes and codes[-1] == "A.10"
    assert sum(s.total for s in sections) == selectors.gap_counts()[1]


def test_the_first_run_is_done_when_every_step_is(officer):
    services.profile_step_save(actor=officer, data=PROFILE)
    services.scope_step_save(actor=officer, scope={"statement": "All"}, frameworks=[])
    services.first_run_mark_step(actor=officer, step="systems")
    codes = [s.item.code for s in selectors.gap_statements()]
    services.gap_assess(
        actor=officer, answers=[services.GapAnswer(code=c, status="not") for c in codes]
    )
    assert not selectors.first_run_done()
    services.first_run_mark_step(actor=officer, step="plan")
    assert selectors.first_run_done()
    assert FirstRun.objects.get().completed_at is not None
    with pytest.raises(ValidationError):
        services.first_run_mark_step(actor=officer, step="dance")
