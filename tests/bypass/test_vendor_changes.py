"""Bypass battery, issue 13 part 8: one notice per vendor change, and a vendor change binds.

For each rule, what a determined user would try -- the browser form, every API method and
action, the admin, the integration (import) path -- refused with the rule's code and leaving
the records and their history rows unchanged:

- the same change (supplier, model, from -> to version) is one notice: sightings on other
  components attach to it; one impact and at most one change request per system and notice;
- the same change reported again by hand (browser, API, import; other wording, case or
  spacing; racing reports) is merged into its notice as another report, never a second notice;
- while a high-tier deployed system has an unassessed vendor change, its gates refuse
  approval, its non-emergency change requests are refused (``vendor_change_unassessed``),
  the inventory list and system page show it, and reminders run;
- an owner's "no impact" on a high-tier system waits for an officer's confirmation; the
  owner cannot confirm it, nor can the officer who assessed it or owns the system.
"""

import importlib
import threading
from datetime import date

import pytest
from django.apps import apps as global_apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.urls import reverse

from aims.errors import RuleForbidden, TransitionNotAllowed
from aims.models import Notification
from aims.reminders.sweep import run_sweep
from inventory import services as inventory_services
from inventory import vendor_changes
from inventory.models import AISystem, Approval, ChangeRequest, Component
from suppliers import services
from suppliers.models import VendorChangeImpact, VendorChangeNotice, VendorChangeObservation

from ..suppliers.helpers import connect, deployed_system, make_supplier
from ..suppliers.test_services import meet_the_high_tier_release_rules

pytestmark = pytest.mark.django_db

OLD, NEW = "acme-llm-2026-01", "acme-llm-2026-03"
NOTICES = "/api/v1/vendor-changes/"
IMPACTS = "/api/v1/vendor-change-impacts/"
OBSERVATIONS = "/api/v1/component-observations/"
CHANGES = "/api/v1/change-requests/"


@pytest.fixture(autouse=True)
def _connected():
    connect()


@pytest.fixture
def estate(officer, approver, owner, other_owner):
    """Two deployed high-tier systems using the same model of one supplier: the owner's
    with two components, the other owner's with one."""
    supplier = make_supplier(officer)
    mine = deployed_system(
        owner,
        officer,
        approver,
        name="Support bot",
        supplier=supplier,
        models=[("Answers", OLD), ("Summaries", OLD)],
    )
    theirs = deployed_system(
        other_owner,
        officer,
        approver,
        name="Triage bot",
        supplier=supplier,
        models=[("Triage", OLD)],
    )
    return {
        "supplier": supplier,
        "mine": mine,
        "theirs": theirs,
        "components": [
            Component.objects.get(system=mine, name="Answers"),
            Component.objects.get(system=mine, name="Summaries"),
            Component.objects.get(system=theirs, name="Triage"),
        ],
    }


def report(actor, component, identifier=NEW):
    return vendor_changes.component_report_identifier(
        actor=actor, component=component, identifier=identifier
    )


def counts() -> dict[str, int]:
    """Every row the rules guard, with their history rows."""
    return {
        "notices": VendorChangeNotice.objects.count(),
        "notice_history": VendorChangeNotice.history.count(),
        "impacts": VendorChangeImpact.objects.count(),
        "impact_history": VendorChangeImpact.history.count(),
        "observations": VendorChangeObservation.objects.count(),
        "observation_history": VendorChangeObservation.history.count(),
        "changes": ChangeRequest.objects.count(),
        "change_history": ChangeRequest.history.count(),
        "approvals": Approval.objects.count(),
        "approval_history": Approval.history.count(),
        "system_history": AISystem.history.count(),
    }


def impact_on(system) -> VendorChangeImpact:
    return VendorChangeImpact.objects.get(system_id=system.pk)


def waiting(system) -> bool:
    return vendor_changes.unassessed_vendor_changes(system).exists()


# --- One notice per change ------------------------------------------------------------------


def test_one_change_seen_on_three_components_is_one_notice_with_one_impact_per_system(
    officer, owner, other_owner, estate
):
    first, second, third = estate["components"]
    notice, created = report(officer, first)
    assert created and notice.change_key == f"{OLD}|{OLD}|{NEW}"
    again, created_again = report(officer, second)
    assert again.pk == notice.pk and not created_again
    other, created_other = report(officer, third)
    assert other.pk == notice.pk and not created_other
    # Reported again and again, by the integration: nothing new.
    before = counts()
    for component in (first, second, third):
        assert report(officer, component) == (notice, False)
    assert counts() == before

    assert VendorChangeNotice.objects.count() == 1
    observed = VendorChangeObservation.objects.filter(notice=notice)
    assert sorted(o.target_id for o in observed) == sorted(c.pk for c in (first, second, third))
    for system in (estate["mine"], estate["theirs"]):
        assert VendorChangeImpact.objects.filter(notice=notice, system_id=system.pk).count() == 1
    # No change request until an assessment asks for the release gate; then exactly one.
    assert ChangeRequest.objects.filter(kind="vendor_change").count() == 0
    services.impact_assess(
        actor=owner, impact=impact_on(estate["mine"]), assessment="reapprove", rationale="Tone"
    )
    services.impact_assess(
        actor=other_owner,
        impact=impact_on(estate["theirs"]),
        assessment="revalidate",
        rationale="Scores moved",
    )
    for component in (first, second, third):
        report(officer, component)
    for system in (estate["mine"], estate["theirs"]):
        assert ChangeRequest.objects.filter(system=system, kind="vendor_change").count() == 1
    assert VendorChangeImpact.objects.count() == 2


def test_a_sighting_on_a_system_flagged_later_attaches_and_flags_it(
    officer, approver, owner, estate
):
    notice, _ = report(officer, estate["components"][0])
    late = deployed_system(
        owner,
        officer,
        approver,
        name="Late bot",
        supplier=estate["supplier"],
        models=[("Late", OLD)],
    )
    component = Component.objects.get(system=late, name="Late")
    notice.refresh_from_db()
    assert notice.impacts.count() == 2
    same, created = report(officer, component)
    assert same.pk == notice.pk and not created
    assert notice.impacts.count() == 3 and waiting(late)


def test_the_integration_api_attaches_a_second_component_to_the_notice(api_as, officer, estate):
    client = api_as(officer)
    first, second, _ = estate["components"]
    created = client.post(OBSERVATIONS, {"component": first.pk, "model_identifier": NEW})
    assert created.status_code == 201 and created.json()["created"] is True
    notice_id = created.json()["notice"]["id"]
    attached = client.post(OBSERVATIONS, {"component": second.pk, "model_identifier": NEW})
    assert attached.status_code == 200, attached.content
    assert attached.json()["created"] is False and attached.json()["notice"]["id"] == notice_id
    assert len(attached.json()["notice"]["observations"]) == 2
    assert VendorChangeNotice.objects.count() == 1


def notice_body(supplier, **overrides) -> dict:
    return {
        "supplier": supplier.pk,
        "affected_service": OLD,
        "kind": "new_model_version",
        "source": "vendor_notice",
        "title": "Acme moves the model on",
        "previous_identifier": OLD,
        "observed_identifier": NEW,
        **overrides,
    }


def merged_into(notice) -> dict:
    """What a merged report adds: one report row (and its history row) and one history row
    on the notice saying it was merged; nothing else."""
    return {
        "notices": 0,
        "notice_history": 1,
        "impacts": 0,
        "impact_history": 0,
        "observations": 1,
        "observation_history": 1,
        "changes": 0,
        "change_history": 0,
        "approvals": 0,
        "approval_history": 0,
        "system_history": 0,
    }


def grew(before: dict, after: dict) -> dict:
    return {k: after[k] - before[k] for k in before}


VARIANTS = (
    {},
    {"affected_service": f"  {OLD.upper()} ", "title": "Same change, other words"},
    {"observed_identifier": f" {NEW.upper()}\t", "source": "press", "description": "Blog post"},
    {"previous_identifier": OLD.upper(), "kind": "deprecation"},
)


def test_the_same_change_posted_twice_through_the_api_is_one_notice(api_as, officer, estate):
    client = api_as(officer)
    first = client.post(NOTICES, notice_body(estate["supplier"]), format="json")
    assert first.status_code == 201, first.content
    notice = VendorChangeNotice.objects.get(pk=first.json()["id"])
    for n, variant in enumerate(VARIANTS[1:], start=2):
        before = counts()
        response = client.post(NOTICES, notice_body(estate["supplier"], **variant), format="json")
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["id"] == notice.pk and body["reference"] == notice.reference
        assert grew(before, counts()) == merged_into(notice)
        assert len(body["observations"]) == n
        last = body["observations"][-1]
        assert (last["channel"], last["reported_by"], last["target_id"]) == (
            "api",
            officer.pk,
            None,
        )
    # Each report keeps its own words and source; the notice keeps the first.
    reports = list(notice.observations.order_by("id"))
    assert [r.source for r in reports] == [
        "vendor_notice",
        "vendor_notice",
        "press",
        "vendor_notice",
    ]
    assert "Same change, other words" in reports[1].wording
    assert reports[2].observed_identifier == NEW.upper()
    notice.refresh_from_db()
    assert notice.title == "Acme moves the model on"
    # One impact per dependent system, whatever the number of reports.
    assert VendorChangeImpact.objects.filter(notice=notice).count() == 2
    assert VendorChangeNotice.objects.count() == 1
    # Neither PUT nor PATCH nor DELETE exists to rewrite a notice's key.
    for method in ("put", "patch", "delete"):
        response = getattr(client, method)(f"{NOTICES}{notice.pk}/", {}, format="json")
        assert response.status_code == 405
    # A different change of the same model is a new notice.
    other = client.post(
        NOTICES, notice_body(estate["supplier"], observed_identifier="acme-llm-2026-05")
    )
    assert other.status_code == 201
    # The key and the reports are not writable: naming them is refused, naming the field.
    for field in ("change_key", "observations", "channel"):
        named = client.post(
            NOTICES, notice_body(estate["supplier"], observed_identifier="x", **{field: "forged"})
        )
        assert named.status_code == 400 and field in str(named.json())


def test_a_report_detected_first_and_posted_later_is_merged(api_as, officer, estate):
    notice, _ = report(officer, estate["components"][0])
    response = api_as(officer).post(
        NOTICES,
        notice_body(estate["supplier"], affected_service=OLD.upper(), title="Vendor email"),
        format="json",
    )
    assert response.status_code == 200 and response.json()["id"] == notice.pk
    channels = [o["channel"] for o in response.json()["observations"]]
    assert channels == ["integration", "api"]


def test_the_same_change_recorded_twice_in_the_browser_is_one_notice(client_as, officer, estate):
    client = client_as(officer)
    first = client.post(reverse("suppliers:notice_add"), notice_body(estate["supplier"]))
    assert first.status_code == 302
    notice = VendorChangeNotice.objects.get()
    before = counts()
    again = client.post(
        reverse("suppliers:notice_add"),
        notice_body(
            estate["supplier"],
            title="Acme: NEW model",
            affected_service=f" {OLD.upper()}  ",
            observed_identifier=NEW.upper(),
        ),
        follow=True,
    )
    assert again.status_code == 200
    assert again.redirect_chain[-1][0] == reverse("suppliers:notice_detail", args=[notice.pk])
    page = again.content.decode()
    assert f"already recorded as {notice.reference}" in page
    assert "Acme: NEW model" in page and page.count('data-channel="browser"') == 2
    assert grew(before, counts()) == merged_into(notice)
    # The supplier's history shows the merge.
    history = client.get(reverse("suppliers:supplier_history", args=[estate["supplier"].pk]))
    assert "Same change reported again (browser form): merged" in history.content.decode()


def test_the_same_change_imported_twice_is_one_notice(officer, estate):
    data = notice_body(estate["supplier"])
    data.pop("supplier")
    notice, created = services.vendor_change_report(
        actor=officer, supplier=estate["supplier"], data=data
    )
    assert created
    before = counts()
    again, created = services.vendor_change_report(
        actor=officer,
        supplier=estate["supplier"],
        data={**data, "previous_identifier": f"{OLD.upper()} ", "title": "From the vendor feed"},
    )
    assert (again.pk, created) == (notice.pk, False)
    assert grew(before, counts()) == merged_into(notice)
    merged = VendorChangeNotice.history.filter(id=notice.pk).latest("history_id")
    assert merged.history_change_reason == "Same change reported again (import or script): merged"
    assert merged.history_user_id == officer.pk
    assert [o.channel for o in notice.observations.all()] == ["import", "import"]


def test_racing_reports_of_the_same_change_end_in_one_notice(
    officer, officer2, estate, monkeypatch
):
    """The second report looked before the first committed: it saw no notice, its insert
    meets the unique key, and it merges instead of failing or creating a second one."""
    data = notice_body(estate["supplier"])
    data.pop("supplier")
    notice, _ = services.vendor_change_report(actor=officer, supplier=estate["supplier"], data=data)
    real = services.notice_for_change
    calls = {"n": 0}

    def stale_then_real(**kwargs):
        calls["n"] += 1
        return None if calls["n"] == 1 else real(**kwargs)

    monkeypatch.setattr(services, "notice_for_change", stale_then_real)
    before = counts()
    again, created = services.vendor_change_report(
        actor=officer2,
        supplier=estate["supplier"],
        data={**data, "observed_identifier": NEW.upper()},
        channel="api",
    )
    assert (again.pk, created) == (notice.pk, False) and calls["n"] == 2
    assert grew(before, counts()) == merged_into(notice)
    assert notice.observations.last().reported_by == officer2


@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="concurrent writers need PostgreSQL (SQLite serialises the whole file)",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_hand_reports_of_one_change_are_one_notice(officer, officer2, approver, owner):
    """Four reports of the same change, in four spellings, at once through the service the
    browser and the API call: one notice, four reports, one impact per system."""
    connect()
    supplier = make_supplier(officer)
    deployed_system(
        owner, officer, approver, name="Concurrent bot", supplier=supplier,
        models=[("Answers", OLD)],
    )  # fmt: skip
    data = notice_body(supplier)
    data.pop("supplier")
    spellings = [NEW, NEW.upper(), f" {NEW} ", NEW.title()]
    barrier = threading.Barrier(len(spellings))
    results, errors = [], []

    def run(actor, observed, channel):
        try:
            barrier.wait()
            results.append(
                services.vendor_change_report(
                    actor=actor,
                    supplier=supplier,
                    data={**data, "observed_identifier": observed},
                    channel=channel,
                )
            )
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(actor, observed, channel))
        for actor, observed, channel in zip(
            (officer, officer2, officer, officer2),
            spellings,
            ("api", "browser", "import", "api"),
            strict=True,
        )
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sum(created for _, created in results) == 1
    (notice,) = VendorChangeNotice.objects.filter(supplier=supplier)
    assert {n.pk for n, _ in results} == {notice.pk}
    assert notice.observations.count() == len(spellings)
    assert VendorChangeImpact.objects.filter(notice=notice).count() == 1


def test_a_report_by_someone_who_may_not_record_changes_is_refused(api_as, owner, officer, estate):
    data = notice_body(estate["supplier"])
    data.pop("supplier")
    services.vendor_change_report(actor=officer, supplier=estate["supplier"], data=data)
    before = counts()
    with pytest.raises(RuleForbidden):
        services.vendor_change_report(actor=owner, supplier=estate["supplier"], data=data)
    response = api_as(owner).post(NOTICES, notice_body(estate["supplier"]), format="json")
    assert response.status_code in (403, 404)
    assert counts() == before


def test_changes_without_a_new_version_are_not_merged(officer, estate):
    data = {"affected_service": "acme", "kind": "outage", "source": "press", "title": "Down"}
    a = services.vendor_change_record(actor=officer, supplier=estate["supplier"], data=data)
    b = services.vendor_change_record(actor=officer, supplier=estate["supplier"], data=data)
    assert a.pk != b.pk and a.change_key == b.change_key == ""


# --- "No impact" on a high tier needs an officer ----------------------------------------------


def test_owner_no_impact_through_the_api_does_not_clear_the_block(api_as, officer, owner, estate):
    report(officer, estate["components"][0])
    impact = impact_on(estate["mine"])
    response = api_as(owner).post(
        f"{IMPACTS}{impact.pk}/assess/",
        {"assessment": "no_impact", "rationale": "Looks the same"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["assessment"] == "no_impact_proposed"
    assert response.json()["confirmed_by"] is None
    assert waiting(estate["mine"])
    # Nor can the owner name the confirmed state, or any other field, in the assessment.
    for body in (
        {"assessment": "no_impact", "rationale": "x", "confirmed_by": owner.pk},
        {"assessment": "no_impact_proposed", "rationale": "x"},
        {"assessment": "pending", "rationale": "x"},
    ):
        before = counts()
        refused = api_as(owner).post(f"{IMPACTS}{impact.pk}/assess/", body, format="json")
        assert refused.status_code in (400, 409)
        assert counts() == before
    # No PATCH/PUT/DELETE on impacts at all.
    for method in ("put", "patch", "delete"):
        response = getattr(api_as(owner), method)(
            f"{IMPACTS}{impact.pk}/", {"assessment": "no_impact"}, format="json"
        )
        assert response.status_code == 405
    assert waiting(estate["mine"])


def test_owner_no_impact_in_the_browser_does_not_clear_the_flag(client_as, officer, owner, estate):
    report(officer, estate["components"][0])
    impact = impact_on(estate["mine"])
    client = client_as(owner)
    client.post(
        reverse("suppliers:impact_assess", args=[impact.pk]),
        {"assessment": "no_impact", "rationale": "Same on 20 cases"},
    )
    impact.refresh_from_db()
    assert impact.assessment == "no_impact_proposed"
    listing = client.get(reverse("inventory:system_list")).content.decode()
    assert 'data-flag="vendor-change-unassessed"' in listing
    page = client.get(reverse("inventory:system_detail", args=[estate["mine"].pk])).content
    assert b"awaits an officer&#x27;s confirmation" in page


def test_the_api_says_which_systems_wait_on_a_vendor_change(
    api_as, officer, owner, estate, django_assert_max_num_queries
):
    report(officer, estate["components"][2])  # one notice: both systems use the supplier
    client = api_as(officer)
    with django_assert_max_num_queries(12):
        listed = client.get(reverse("api:system-list")).json()["results"]
    flags = {row["id"]: row["vendor_change_unassessed"] for row in listed}
    assert flags[estate["theirs"].pk] is True and flags[estate["mine"].pk] is True
    detail = client.get(reverse("api:system-detail", args=[estate["theirs"].pk])).json()
    assert detail["vendor_change_unassessed"] is True
    for impact in VendorChangeImpact.objects.all():
        services.impact_assess(actor=officer, impact=impact, assessment="no_impact", rationale="ok")
    detail = client.get(reverse("api:system-detail", args=[estate["theirs"].pk])).json()
    assert detail["vendor_change_unassessed"] is False
    mine = client.get(reverse("api:system-detail", args=[estate["mine"].pk])).json()
    assert mine["vendor_change_unassessed"] is False


def test_the_owner_cannot_confirm_their_own_no_impact(api_as, client_as, officer, owner, estate):
    report(officer, estate["components"][0])
    impact = services.impact_assess(
        actor=owner, impact=impact_on(estate["mine"]), assessment="no_impact", rationale="Same"
    )
    before = counts()
    body = {"decision": "confirm", "reason": "I checked"}
    response = api_as(owner).post(f"{IMPACTS}{impact.pk}/confirm/", body, format="json")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    page = client_as(owner).post(reverse("suppliers:impact_confirm", args=[impact.pk]), body)
    assert page.status_code == 403
    with pytest.raises(RuleForbidden):
        services.impact_confirm(actor=owner, impact=impact, decision="confirm", reason="x")
    # Nor by assessing again on top of the proposal.
    again = api_as(owner).post(
        f"{IMPACTS}{impact.pk}/assess/", {"assessment": "no_impact", "rationale": "x"}
    )
    assert again.status_code == 409 and again.json()["code"] == "already_assessed"
    assert counts() == before
    assert waiting(estate["mine"])


def test_an_officer_who_owns_the_system_or_assessed_it_cannot_confirm(
    api_as, officer, officer2, approver, estate
):
    # An officer's own high-tier system: their "no impact" is a proposal like anyone's.
    system = deployed_system(
        officer,
        officer,
        approver,
        name="Officer's bot",
        supplier=estate["supplier"],
        models=[("O", OLD)],
    )
    component = Component.objects.get(system=system, name="O")
    report(officer2, component)
    impact = services.impact_assess(
        actor=officer, impact=impact_on(system), assessment="no_impact", rationale="Fine"
    )
    assert impact.assessment == "no_impact_proposed" and waiting(system)
    before = counts()
    refused = api_as(officer).post(
        f"{IMPACTS}{impact.pk}/confirm/", {"decision": "confirm", "reason": "Fine"}
    )
    assert refused.status_code == 403 and refused.json()["code"] == "segregation_of_duties"
    assert counts() == before
    confirmed = api_as(officer2).post(
        f"{IMPACTS}{impact.pk}/confirm/", {"decision": "confirm", "reason": "Read the notes"}
    )
    assert confirmed.status_code == 200 and confirmed.json()["assessment"] == "no_impact"
    assert not waiting(system)


def test_an_officer_confirms_or_sends_back_with_a_reason(api_as, officer, owner, estate):
    report(officer, estate["components"][0])
    impact = services.impact_assess(
        actor=owner, impact=impact_on(estate["mine"]), assessment="no_impact", rationale="Same"
    )
    client = api_as(officer)
    before = counts()
    missing = client.post(f"{IMPACTS}{impact.pk}/confirm/", {"decision": "confirm"})
    assert missing.status_code == 400 and counts() == before
    back = client.post(
        f"{IMPACTS}{impact.pk}/confirm/", {"decision": "send_back", "reason": "Test the tone"}
    )
    assert back.status_code == 200 and back.json()["assessment"] == "pending"
    assert back.json()["officer_note"] == "Test the tone"
    assert waiting(estate["mine"])
    nothing = client.post(f"{IMPACTS}{impact.pk}/confirm/", {"decision": "confirm", "reason": "x"})
    assert nothing.status_code == 409 and nothing.json()["code"] == "not_awaiting_confirmation"
    services.impact_assess(actor=owner, impact=impact, assessment="no_impact", rationale="Tested")
    done = client.post(f"{IMPACTS}{impact.pk}/confirm/", {"decision": "confirm", "reason": "OK"})
    assert done.status_code == 200 and done.json()["confirmed_by"] == officer.pk
    assert not waiting(estate["mine"])


def test_an_officer_assessing_directly_counts_as_confirmed(officer, estate):
    report(officer, estate["components"][0])
    impact = services.impact_assess(
        actor=officer, impact=impact_on(estate["mine"]), assessment="no_impact", rationale="OK"
    )
    assert impact.assessment == "no_impact" and impact.confirmed_by == officer
    assert not waiting(estate["mine"])


def test_no_impact_on_a_lower_tier_needs_no_confirmation(officer, approver, owner, estate):
    system = deployed_system(
        owner,
        officer,
        approver,
        name="Medium bot",
        tier="medium",
        supplier=estate["supplier"],
        models=[("M", OLD)],
    )
    component = Component.objects.get(system=system, name="M")
    report(officer, component)
    impact = services.impact_assess(
        actor=owner, impact=impact_on(system), assessment="no_impact", rationale="Same"
    )
    assert impact.assessment == "no_impact"
    assert not waiting(system)


# --- Gates wait -------------------------------------------------------------------------------


def reopen_release_gate(owner, system) -> None:
    """An emergency fix is the one change a waiting system takes: it reopens the gate."""
    inventory_services.change_request_create(
        actor=owner,
        system=system,
        kind="emergency_fix",
        title="Patch a prompt injection",
        description="Security fix",
        is_material=True,
    )
    system.refresh_from_db()
    assert system.lifecycle_stage == "in_validation"


def test_a_gate_approval_waits_for_the_vendor_change(
    api_as, client_as, officer, approver, approver2, owner, estate
):
    report(officer, estate["components"][0])
    system = estate["mine"]
    reopen_release_gate(owner, system)
    meet_the_high_tier_release_rules(officer, approver, owner, system)
    assert waiting(system)
    blockers = inventory_services.gate_blockers(system, "release")
    assert any("is not assessed yet" in b for b in blockers)
    before = counts()
    with pytest.raises(TransitionNotAllowed) as refused:
        inventory_services.approval_decide(actor=approver, system=system, decision="approve")
    assert refused.value.code == "release_prerequisites_missing"
    assert any("Vendor change" in m for m in refused.value.extra["missing"])
    api = api_as(approver).post(
        f"/api/v1/systems/{system.pk}/decide/", {"decision": "approve"}, format="json"
    )
    assert api.status_code == 409 and api.json()["code"] == "release_prerequisites_missing"
    page = client_as(approver2).post(
        reverse("inventory:approval_decide", args=[system.pk]), {"decision": "approve"}
    )
    assert page.status_code in (400, 409)
    assert counts() == before
    # The owner's "no impact" still waits for an officer: the gate too.
    services.impact_assess(
        actor=owner, impact=impact_on(system), assessment="no_impact", rationale="x"
    )
    with pytest.raises(TransitionNotAllowed):
        inventory_services.approval_decide(actor=approver, system=system, decision="approve")
    services.impact_confirm(
        actor=officer, impact=impact_on(system), decision="confirm", reason="Checked"
    )
    assert not any(
        "Vendor change" in b for b in inventory_services.gate_blockers(system, "release")
    )


# --- Change requests wait ---------------------------------------------------------------------


def test_a_non_emergency_change_request_waits(api_as, client_as, officer, owner, estate):
    report(officer, estate["components"][0])
    system = estate["mine"]
    before = counts()
    with pytest.raises(TransitionNotAllowed) as refused:
        inventory_services.change_request_create(
            actor=owner,
            system=system,
            kind="model_update",
            title="Move to the new model",
            description="x",
        )
    assert refused.value.code == "vendor_change_unassessed"
    for kind in ("model_update", "prompt_change", "vendor_change", "new_data_source"):
        response = api_as(owner).post(
            CHANGES,
            {"system": system.pk, "kind": kind, "title": "t", "description": "d"},
            format="json",
        )
        assert response.status_code == 409, response.content
        assert response.json()["code"] == "vendor_change_unassessed"
    page = client_as(owner).post(
        reverse("inventory:change_request_add", args=[system.pk]),
        {"kind": "prompt_change", "title": "t", "description": "d", "is_material": "on"},
    )
    assert page.status_code == 409
    assert counts() == before
    assert AISystem.objects.get(pk=system.pk).lifecycle_stage == "deployed"
    # An emergency fix is taken.
    emergency = api_as(owner).post(
        CHANGES,
        {"system": system.pk, "kind": "emergency_fix", "title": "Fix", "description": "d"},
        format="json",
    )
    assert emergency.status_code == 201, emergency.content


def test_the_other_owners_system_is_not_held_by_my_assessment(officer, owner, estate):
    report(officer, estate["components"][0])
    services.impact_assess(
        actor=officer, impact=impact_on(estate["mine"]), assessment="no_impact", rationale="OK"
    )
    assert not waiting(estate["mine"]) and waiting(estate["theirs"])
    change = inventory_services.change_request_create(
        actor=owner,
        system=estate["mine"],
        kind="prompt_change",
        title="Shorter answers",
        description="d",
        is_material=True,  # on a high tier only an officer may declare "not material"
    )
    assert change.status == "in_release_review"


# --- The admin --------------------------------------------------------------------------------


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root_vc", "root@example.org", "x")


def test_the_admin_neither_adds_nor_changes_these_records(client, superuser, officer, estate):
    notice, _ = report(officer, estate["components"][0])
    impact = impact_on(estate["mine"])
    observation = notice.observations.get()
    client.force_login(superuser)
    before = counts()
    for model, record in (
        ("vendorchangenotice", notice),
        ("vendorchangeimpact", impact),
        ("vendorchangeobservation", observation),
    ):
        change = reverse(f"admin:suppliers_{model}_change", args=[record.pk])
        assert client.get(change).status_code == 200
        response = client.post(
            change, {"assessment": "no_impact", "change_key": "", "observed_identifier": "x"}
        )
        assert response.status_code == 403
        assert client.post(reverse(f"admin:suppliers_{model}_add"), {}).status_code == 403
        delete = reverse(f"admin:suppliers_{model}_delete", args=[record.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
    assert counts() == before
    impact.refresh_from_db()
    assert impact.assessment == "pending"


# --- Reminders and pages ----------------------------------------------------------------------


def test_reminders_go_to_the_owner_and_officers_while_unassessed(
    officer, owner, other_owner, estate
):
    report(officer, estate["components"][0])
    run_sweep(today=date.today())
    mine = Notification.objects.filter(recipient=owner, dedupe_key__startswith="vendor-change")
    assert mine.count() == 1 and "Assess vendor change" in mine.get().title
    assert (
        Notification.objects.filter(
            recipient=officer, dedupe_key__startswith="vendor-change"
        ).count()
        == 2
    )
    services.impact_assess(
        actor=owner, impact=impact_on(estate["mine"]), assessment="no_impact", rationale="x"
    )
    run_sweep(today=date.today())
    reminders = Notification.objects.filter(dedupe_key__startswith="vendor-change")
    confirm = reminders.filter(recipient=officer, title__startswith="Confirm or send back")
    assert confirm.count() == 1
    assert not reminders.filter(recipient=owner, title__startswith="Confirm").exists()


def test_the_list_and_the_system_page_show_the_wait(client_as, officer, owner, estate):
    client = client_as(owner)
    listing = client.get(reverse("inventory:system_list")).content.decode()
    assert "vendor-change-unassessed" not in listing
    report(officer, estate["components"][0])
    listing = client.get(reverse("inventory:system_list")).content.decode()
    assert listing.count('data-flag="vendor-change-unassessed"') == 1  # only the owner's
    assert "Gates and changes wait: </span>Vendor change unassessed" in listing
    page = client.get(reverse("inventory:system_detail", args=[estate["mine"].pk]))
    assert b'id="vendor-change-alert"' in page.content and b"is not assessed yet" in page.content


# --- Migration of existing duplicates ---------------------------------------------------------


def test_the_data_migration_keys_the_oldest_of_duplicates(officer, estate):
    """Before the rule, each component made its own notice of the same change: the oldest
    gets the key (later sightings attach to it), the others stay as recorded."""
    supplier = estate["supplier"]
    legacy = []
    for component in estate["components"][:2]:
        # As the old detection path stored them (the insert, without today's merge).
        notice = services._create_notice(
            actor=officer,
            supplier=supplier,
            data={
                "affected_service": component.name,
                "kind": "new_model_version",
                "source": "detected",
                "title": "t",
            },  # fmt: skip
            detection_key=f"component:{component.pk}:{OLD}->{NEW}",
        )
        VendorChangeNotice.objects.filter(pk=notice.pk).update(
            previous_identifier=OLD, observed_identifier=NEW, change_key=""
        )
        legacy.append(notice)
    history = VendorChangeNotice.history.count()
    migration = importlib.import_module("suppliers.migrations.0003_one_notice_per_vendor_change")
    migration.key_existing_notices(global_apps, None)
    keys = [VendorChangeNotice.objects.get(pk=n.pk).change_key for n in legacy]
    assert keys == [f"{OLD}|{OLD}|{NEW}", ""]
    assert VendorChangeNotice.history.count() == history
    # The known sightings answer their notices; a new component attaches to the oldest.
    assert report(officer, estate["components"][1]) == (legacy[1], False)
    notice, created = report(officer, estate["components"][2])
    assert notice.pk == legacy[0].pk and not created
