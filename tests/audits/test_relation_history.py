"""History of many-to-many relations: every link or unlink on a history-tracked record leaves a
history row of the record naming who did it and why, through the service, the browser and the
API alike, and the SoA self-approval rule counts those changes and evidence changes."""

from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.urls import reverse

from aims.competence import services as competence_services
from aims.errors import RuleForbidden
from aims.evidence.services import evidence_replace
from aims.history import BASELINE_REASON, record_relation_baseline
from aims.history_diff import history_entries
from aims.models import Course, Responsibility
from aims.people import display_name
from audits.internal_audits import findings as finding_services
from audits.internal_audits import services as internal_audit_services
from audits.models import SoAVersion
from audits.reviews import services as management_review
from audits.soa import services
from audits.trail.chain import adopt_unsealed
from incidents import services as incident_services

from ..factories import make_risk, make_system
from .soa_helpers import attach, statement

pytestmark = pytest.mark.django_db


@pytest.fixture
def risks(owner, system):
    return [make_risk(owner, system, title=f"Risk {n}") for n in range(3)]


def snapshot(row, field: str) -> set[int]:
    """The targets a history row says were linked at that moment."""
    through = row.instance_type._meta.get_field(field).remote_field.through
    target = row.instance_type._meta.get_field(field).m2m_reverse_field_name()
    assert through  # the relation is tracked: the historical model has its m2m manager
    return {getattr(link, f"{target}_id") for link in getattr(row, field).all()}


def relation_rows(record, since_id: int = 0):
    return list(record.history.filter(history_id__gt=since_id).order_by("history_id"))


def last_id(record) -> int:
    latest = record.history.order_by("-history_id").first()
    return latest.history_id if latest else 0


def assert_recorded(record, since_id: int, actor, field: str, expected: set[int]) -> list:
    rows = relation_rows(record, since_id)
    assert rows, "the relation change left no history"
    for row in rows:
        assert row.history_user_id == actor.pk, (row.history_user, row.history_change_reason)
        assert (row.history_change_reason or "").strip(), "no change reason"
    assert snapshot(rows[-1], field) == expected
    return rows


# --- SoA statements: service, API, browser ---------------------------------------------------


def test_linking_and_unlinking_risks_is_recorded_with_who_and_why(officer, risks):
    s = statement("A.6.2.4")
    services.statement_update(actor=officer, statement=s, data={"risks": risks[:2]})
    mark = last_id(s)
    services.statement_update(actor=officer, statement=s, data={"risks": risks[1:]})
    rows = assert_recorded(s, mark, officer, "risks", {risks[1].pk, risks[2].pk})
    assert {r.history_change_reason for r in rows} == {"Risks linked to A.6.2.4 changed"}
    # The unlink is a row of its own: RSK of risks[0] is gone before risks[2] comes in.
    assert snapshot(rows[0], "risks") == {risks[1].pk}


def test_setting_the_same_links_again_writes_nothing(officer, owner, risks, system):
    s = statement("A.6.2.4")
    services.statement_update(
        actor=officer, statement=s, data={"risks": risks, "systems": [system]}
    )
    mark = last_id(s)
    services.statement_update(
        actor=officer, statement=s, data={"risks": list(reversed(risks)), "systems": [system.pk]}
    )
    s.risks.add(risks[0])  # already linked: nothing changes, nothing is written
    s.systems.remove(make_system(owner, name="Never linked"))  # absent: nothing to remove
    statement("A.5.3").systems.clear()  # nothing to clear
    assert relation_rows(s, mark) == []
    assert statement("A.5.3").history.count() == 0
    s.risks.clear()  # this one does change something
    assert snapshot(relation_rows(s, mark)[-1], "risks") == set()


def test_api_patch_of_relations_is_recorded_and_bars_self_approval(
    api_as, officer, approver, risks, system
):
    services.soa_version_approve(actor=approver)
    s = statement("A.5.3")
    mark = last_id(s)
    client = api_as(officer)
    response = client.patch(
        reverse("api:controlstatement-detail", args=[s.pk]),
        {"risks": [risks[0].pk, risks[2].pk], "systems": [system.pk]},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert_recorded(s, mark, officer, "risks", {risks[0].pk, risks[2].pk})
    assert snapshot(relation_rows(s, mark)[-1], "systems") == {system.pk}

    response = client.post(reverse("api:soaversion-list"), {"note": "mine"}, format="json")
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "segregation_of_duties"
    assert body["extra"]["controls"] == ["A.5.3"]
    assert SoAVersion.objects.count() == 1  # nothing written
    # Another approver signs it off.
    response = api_as(approver).post(reverse("api:soaversion-list"), {}, format="json")
    assert response.status_code == 201


def test_api_unlinking_alone_also_bars_self_approval(api_as, officer, officer2, system):
    s = statement("A.5.4")
    services.statement_update(actor=officer2, statement=s, data={"systems": [system]})
    services.soa_version_approve(actor=officer)
    response = api_as(officer).patch(
        reverse("api:controlstatement-detail", args=[s.pk]), {"systems": []}, format="json"
    )
    assert response.status_code == 200
    assert not s.systems.exists()  # the unlinking was saved
    response = api_as(officer).post(reverse("api:soaversion-list"), {}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "segregation_of_duties"


def test_browser_edit_of_relations_is_recorded_and_bars_self_approval(
    client_as, officer, approver, system, risks
):
    services.soa_version_approve(actor=approver)
    s = statement("A.6.2.4")
    mark = last_id(s)
    client = client_as(officer)
    response = client.post(
        reverse("soa:statement_edit", args=[s.pk]),
        {
            "applicable": "on",
            "implementation_status": s.implementation_status,
            "systems": [system.pk],
            "risks": [risks[1].pk],
        },
    )
    assert response.status_code == 302
    assert_recorded(s, mark, officer, "systems", {system.pk})

    response = client.post(reverse("soa:version_approve"), {"note": "mine"})
    assert response.status_code in (400, 403)
    assert "A.6.2.4" in response.content.decode()
    assert SoAVersion.objects.count() == 1


def test_attaching_evidence_bars_self_approval(officer, approver):
    services.soa_version_approve(actor=approver)
    attach(officer, "A.7.4")
    with pytest.raises(RuleForbidden) as refused:
        services.soa_version_approve(actor=officer)
    assert refused.value.code == "segregation_of_duties"
    assert refused.value.extra == {"controls": ["A.7.4"]}
    assert SoAVersion.objects.count() == 1
    # Once someone else has approved it, the attachment no longer counts against the officer.
    services.soa_version_approve(actor=approver)
    assert services.soa_version_approve(actor=officer).number == 3


def test_replacing_evidence_bars_self_approval(officer, officer2, approver):
    evidence = attach(officer2, "A.7.5")
    services.soa_version_approve(actor=officer)
    evidence_replace(actor=officer, evidence=evidence, url="https://example.org/v2")
    with pytest.raises(RuleForbidden, match="A.7.5"):
        services.soa_version_approve(actor=officer)
    # Evidence someone else attached does not count against the officer.
    services.soa_version_approve(actor=approver)
    attach(officer2, "A.7.6")
    assert services.soa_version_approve(actor=officer).number == 3


def test_browser_attach_of_evidence_bars_self_approval(client_as, officer, approver):
    services.soa_version_approve(actor=approver)
    s = statement("A.8.2")
    client = client_as(officer)
    response = client.post(
        reverse("aims:evidence_attach", args=["audits.controlstatement", s.pk]),
        {"title": "Transparency notice", "url": "https://example.org/notice"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    response = client.post(reverse("soa:version_approve"), {"note": "mine"})
    assert response.status_code in (400, 403) and "A.8.2" in response.content.decode()
    assert SoAVersion.objects.count() == 1


# --- Every other service that changes a relation stamps it first ---------------------------


def test_internal_audit_relations_name_the_planner(officer, approver, auditor, system, api_as):
    today = statement("A.2.2").created_at.date()
    audit = internal_audit_services.audit_save(
        actor=officer,
        audit=internal_audit_services.InternalAudit(),
        data={
            "title": "Policy audit",
            "scope": "Policy",
            "lead_auditor": approver,
            "planned_start": today,
            "planned_end": today + timedelta(days=3),
            "controls": [statement("A.2.2").item],
        },
    )
    rows = assert_recorded(audit, 0, officer, "controls", {statement("A.2.2").item_id})
    assert rows[0].history_type == "+"
    mark = last_id(audit)
    response = api_as(officer).patch(
        reverse("api:internalaudit-detail", args=[audit.pk]),
        {"team": [auditor.pk], "systems": [system.pk]},
        format="json",
    )
    assert response.status_code == 200, response.content
    rows = assert_recorded(audit, mark, officer, "team", {auditor.pk})
    assert snapshot(rows[-1], "systems") == {system.pk}


def test_responsibility_courses_changed_alone_name_the_officer(officer):
    course = competence_services.course_save(
        actor=officer,
        course=Course(),
        data={"title": "Fairness basics", "description": "Bias and its tests"},
    )
    role = competence_services.responsibility_save(
        actor=officer,
        responsibility=Responsibility(),
        data={"key": "reviewer", "title": "Reviewer", "responsibilities": "Reviews"},
    )
    mark = last_id(role)
    competence_services.responsibility_save(
        actor=officer, responsibility=role, data={}, required_courses=[course]
    )
    rows = assert_recorded(role, mark, officer, "required_courses", {course.pk})
    assert [r.history_change_reason for r in rows] == ["Required training changed"]


def make_course(officer, title: str) -> Course:
    return competence_services.course_save(
        actor=officer, course=Course(), data={"title": title, "description": "Course " + title}
    )


def make_role(officer, key: str) -> Responsibility:
    return competence_services.responsibility_save(
        actor=officer,
        responsibility=Responsibility(),
        data={"key": key, "title": key.title(), "responsibilities": "Reviews"},
    )


def test_responsibility_courses_through_the_browser_and_the_api(client_as, api_as, officer):
    first, second = make_course(officer, "Bias basics"), make_course(officer, "Logging basics")
    role = make_role(officer, "tester")
    mark = last_id(role)
    response = client_as(officer).post(
        reverse("competence:responsibility_edit", args=[role.pk]),
        {
            "key": role.key,
            "title": role.title,
            "responsibilities": role.responsibilities,
            "required_courses": [first.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    assert_recorded(role, mark, officer, "required_courses", {first.pk})
    mark = last_id(role)
    response = api_as(officer).patch(
        reverse("api:responsibility-detail", args=[role.pk]),
        {"required_courses": [second.pk]},
        format="json",
    )
    assert response.status_code == 200, response.content
    rows = assert_recorded(role, mark, officer, "required_courses", {second.pk})
    assert {r.history_change_reason for r in rows} == {"Required training changed"}


def test_internal_audit_team_through_the_browser_form(client_as, officer, approver, auditor):
    today = statement("A.2.2").created_at.date()
    audit = internal_audit_services.audit_save(
        actor=officer,
        audit=internal_audit_services.InternalAudit(),
        data={
            "title": "Policy audit",
            "scope": "Policy",
            "lead_auditor": approver,
            "planned_start": today,
            "planned_end": today + timedelta(days=3),
        },
    )
    mark = last_id(audit)
    response = client_as(officer).post(
        reverse("internal_audits:audit_edit", args=[audit.pk]),
        {
            "title": audit.title,
            "scope": audit.scope,
            "criteria": audit.criteria,
            "planned_start": str(audit.planned_start),
            "planned_end": str(audit.planned_end),
            "lead_auditor": approver.pk,
            "team": [auditor.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    assert_recorded(audit, mark, officer, "team", {auditor.pk})


def test_a_change_made_from_the_other_side_is_recorded_on_the_record(officer):
    course = competence_services.course_save(
        actor=officer,
        course=Course(),
        data={"title": "Oversight", "description": "Human oversight in practice"},
    )
    role = competence_services.responsibility_save(
        actor=officer,
        responsibility=Responsibility(),
        data={"key": "overseer", "title": "Overseer", "responsibilities": "Oversees"},
    )
    mark, course_mark = last_id(role), last_id(course)
    course._history_user, course._change_reason = officer, "Course required by the overseer"
    course.required_by.add(role)
    assert_recorded(role, mark, officer, "required_courses", {course.pk})
    course.required_by.clear()
    assert snapshot(relation_rows(role, mark)[-1], "required_courses") == set()
    assert relation_rows(course, course_mark) == []  # the course itself did not change


def test_incident_affected_systems_name_the_reporter(owner, system, officer, approver):
    other = make_system(owner, name="Second system")
    incident = incident_services.incident_report(
        actor=owner,
        system=system,
        other_systems=[other],
        title="Wrong advice",
        description="It said the wrong thing.",
        detection_channel="user_complaint",
        category="harmful_output",
        severity="sev3",
    )
    assert_recorded(incident, 0, owner, "systems", {system.pk, other.pk})


def test_management_review_attendees_name_the_officer(officer, approver, auditor):
    review = management_review.review_create(
        actor=officer,
        title="Annual review",
        meeting_date=statement("A.2.2").created_at.date(),
        chair=officer,
        attendees=[approver],
    )
    assert_recorded(review, 0, officer, "attendees", {approver.pk})
    mark = last_id(review)
    management_review.review_update(actor=officer, review=review, data={"attendees": [auditor]})
    assert_recorded(review, mark, officer, "attendees", {auditor.pk})


def test_finding_controls_name_the_auditor(officer, approver):
    today = statement("A.2.2").created_at.date()
    audit = internal_audit_services.audit_save(
        actor=officer,
        audit=internal_audit_services.InternalAudit(),
        data={
            "title": "Policy audit",
            "scope": "Policy",
            "lead_auditor": approver,
            "planned_start": today,
            "planned_end": today + timedelta(days=3),
            "controls": [statement("A.2.2").item, statement("A.2.3").item],
        },
    )
    internal_audit_services.checklist_generate(actor=officer, audit=audit)
    internal_audit_services.audit_transition(actor=officer, audit=audit, action="start")
    finding = finding_services.finding_raise(
        actor=officer,
        audit=audit,
        kind="observation",
        title="Policy not communicated",
        description="Staff had not seen it.",
        controls=[statement("A.2.2").item],
    )
    assert_recorded(finding, 0, officer, "controls", {statement("A.2.2").item_id})
    mark = last_id(finding)
    finding_services.finding_update(
        actor=officer, finding=finding, data={"controls": [statement("A.2.3").item]}
    )
    assert_recorded(finding, mark, officer, "controls", {statement("A.2.3").item_id})


# --- Relation changes read as references, names and usernames ------------------------------


def relation_changes(entries, field: str) -> list[dict]:
    return [c for e in entries for c in e["changes"] if c["field"] == field]


def edited(officer, code: str):
    """A statement with a first history row to diff against: the catalogue is loaded without
    history, so what was linked before a statement's first row is not known."""
    return services.statement_update(
        actor=officer, statement=statement(code), data={"implementation_notes": "Reviewed"}
    )


def test_history_shows_risks_added_and_removed_by_reference(officer, risks):
    s = edited(officer, "A.6.2.4")
    services.statement_update(actor=officer, statement=s, data={"risks": risks[:2]})
    services.statement_update(actor=officer, statement=s, data={"risks": risks[1:]})
    changes = relation_changes(history_entries([s.history.all()], newest_first=False), "risks")
    assert [(c["added"], c["removed"]) for c in changes] == [
        (sorted([risks[0].reference, risks[1].reference]), []),
        ([], [risks[0].reference]),
        ([risks[2].reference], []),
    ]
    assert changes[1]["summary"] == f"removed {risks[0].reference}"
    assert changes[2]["label"] == "Risks"
    assert changes[2]["new"] == f"{risks[1].reference}, {risks[2].reference}"


def test_statement_page_and_api_show_relation_changes(client_as, api_as, officer, auditor, risks):
    s = edited(officer, "A.6.2.4")
    services.statement_update(actor=officer, statement=s, data={"risks": [risks[2]]})
    page = client_as(auditor).get(reverse("soa:statement_detail", args=[s.pk])).content.decode()
    assert f"Risks: added {risks[2].reference}" in page
    response = api_as(auditor).get(reverse("api:controlstatement-history", args=[s.pk]))
    assert response.status_code == 200
    newest = response.json()["results"][0]
    assert newest["history_user"] == officer.username
    assert newest["history_change_reason"] == "Risks linked to A.6.2.4 changed"
    assert newest["changes"] == [
        {
            "field": "risks",
            "label": "Risks",
            "old": None,
            "new": risks[2].reference,
            "added": [risks[2].reference],
            "removed": [],
            "summary": f"added {risks[2].reference}",
        }
    ]


def test_people_and_controls_read_as_names_and_codes(client_as, officer, approver, auditor):
    today = statement("A.2.2").created_at.date()
    audit = internal_audit_services.audit_save(
        actor=officer,
        audit=internal_audit_services.InternalAudit(),
        data={
            "title": "Policy audit",
            "scope": "Policy",
            "lead_auditor": approver,
            "planned_start": today,
            "planned_end": today + timedelta(days=3),
        },
    )
    internal_audit_services.audit_save(
        actor=officer,
        audit=audit,
        data={"team": [auditor], "controls": [statement("A.2.2").item]},
    )
    entries = history_entries([audit.history.all()])
    assert [c["added"] for c in relation_changes(entries, "team")] == [[display_name(auditor)]]
    assert [c["added"] for c in relation_changes(entries, "controls")] == [["A.2.2"]]
    page = client_as(officer).get(reverse("internal_audits:audit_detail", args=[audit.pk]))
    assert f"Team: added {display_name(auditor)}" in page.content.decode()


def test_field_changes_keep_their_shape_beside_relation_changes(api_as, officer, auditor, risks):
    s = edited(officer, "A.6.2.4")
    services.statement_update(
        actor=officer, statement=s, data={"implementation_status": "planned", "risks": [risks[0]]}
    )
    response = api_as(auditor).get(reverse("api:controlstatement-history", args=[s.pk]))
    changes = {c["field"]: c for e in response.json()["results"][:2] for c in e["changes"]}
    assert changes["implementation_status"] == {
        "field": "implementation_status",
        "label": "Implementation status",
        "old": "Not started",
        "new": "Planned",
    }
    assert changes["risks"]["added"] == [risks[0].reference]


def test_links_made_before_relation_history_are_not_credited_to_the_next_editor(officer, risks):
    s = edited(officer, "A.6.2.4")
    s.skip_history_when_saving = True  # a link as it was made before this change: no history
    s.risks.add(risks[0])
    del s.skip_history_when_saving
    # What the data migration does on an existing database.
    record_relation_baseline(django_apps, "audits", "ControlStatement", ["systems", "risks"])
    # The upgrade's chain rebuild seals those rows; here an officer adopts them.
    adopt_unsealed(actor=officer, reason="Relation baseline written by the upgrade")
    services.statement_update(
        actor=officer, statement=statement("A.6.2.4"), data={"risks": [risks[0], risks[1]]}
    )
    newest, baseline = history_entries([s.history.all()])[:2]
    assert newest["history_user"] == officer.username
    assert [(c["added"], c["removed"]) for c in newest["changes"]] == [([risks[1].reference], [])]
    assert (baseline["history_user"], baseline["history_change_reason"]) == (None, BASELINE_REASON)
    assert baseline["changes"][0]["added"] == [risks[0].reference]
    assert statement("A.5.3").history.count() == 0  # no links, no baseline row
