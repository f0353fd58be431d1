"""Role-matrix rows of the readiness gaps (the register, one gap, its assignment and its
update; audits/soa/urls.py and audits/soa/api/urls.py) and of the findings register's exports
(audits/internal_audits/urls.py).

Everyone who reads the SoA reads the gaps; only officers assign one; the assignee (here the
system owner of the world) and officers update it; approvers, auditors and other owners read
only."""

from datetime import timedelta

from django.utils import timezone

from audits.models import GapAssignment
from audits.soa.assignments import gap_assign

from .cases_internal_audits import FINDING_TITLE, finding, show
from .cases_internal_audits import READ_PAGE as FINDING_READ
from .framework import Case, expect
from .world import World

# fmt: off
#                                anonymous nobody owner other_owner officer approver auditor
GAP_READ                = expect("login    403    ok    ok          ok      ok       ok")
GAP_ASSIGN              = expect("login    403    403   403         ok      403      403")
GAP_UPDATE              = expect("login    403    ok    403         ok      403      403")
API_GAP_READ            = expect("401      403    ok    ok          ok      ok       ok")
API_GAP_ASSIGN          = expect("401      403    403   403         ok      403      403")
API_GAP_UPDATE          = expect("401      403    ok    403         ok      403      403")
# fmt: on

KIND, CODE = "not_ready", "A.6.2.6"


def gap(w: World) -> dict:
    return {"kind": KIND, "record": CODE}


def due() -> str:
    return (timezone.localdate() + timedelta(days=14)).isoformat()


def assigned(w: World) -> GapAssignment:
    """The gap assigned to the world's system owner, by the officer."""
    return w.once(
        "_gap_assignment",
        lambda: gap_assign(
            actor=w.officer,
            kind=KIND,
            record=CODE,
            owner=w.owner,
            due_date=timezone.localdate() + timedelta(days=7),
        ),
    )


def assignment(w: World):
    return (
        GapAssignment.objects.filter(kind=KIND, record=CODE)
        .values_list("owner_id", "due_date", "status", "note")
        .first()
    )


CASES = [
    # --- gaps --------------------------------------------------------------------------------
    Case("soa:gap_register", "GET", GAP_READ),
    Case("soa:gap_export", "GET", GAP_READ),
    Case("soa:gap_export_xlsx", "GET", GAP_READ),
    Case("soa:gap_detail", "GET", GAP_READ, kwargs=gap),
    Case("soa:gap_assign", "POST", GAP_ASSIGN, kwargs=gap, effect=assignment,
         data=lambda w: {"assign-owner": w.owner.pk, "assign-due_date": due()}),
    Case("soa:gap_update", "POST", GAP_UPDATE, kwargs=gap, setup=assigned, effect=assignment,
         data=lambda w: {"status-status": "in_progress", "status-note": "Matrix"}),
    Case("api:readiness-gaps", "GET", API_GAP_READ),
    Case("api:readiness-gap-detail", "GET", API_GAP_READ, kwargs=gap),
    Case("api:readiness-gap-assign", "POST", API_GAP_ASSIGN, kwargs=gap, effect=assignment,
         data=lambda w: {"owner": w.owner.pk, "due_date": due()}),
    Case("api:readiness-gap-status", "POST", API_GAP_UPDATE, kwargs=gap, setup=assigned,
         effect=assignment, data=lambda w: {"status": "in_progress", "note": "Matrix"}),
    Case("internal_audits:finding_export", "GET", FINDING_READ,
         marker=show(finding, FINDING_TITLE)),
    Case("internal_audits:finding_export_xlsx", "GET", FINDING_READ),
]  # fmt: skip
