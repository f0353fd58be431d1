"""History battery entry of readiness-gap assignments: an officer assigns a gap (the control
A.6.2.6 is not ready on a fresh catalogue) to the world's system owner."""

from datetime import timedelta

from django.utils import timezone

from audits.models import GapAssignment
from audits.soa.assignments import gap_assign

from .battery_framework import Entry, api

KIND, CODE = "not_ready", "A.6.2.6"


def due() -> str:
    return (timezone.localdate() + timedelta(days=10)).isoformat()


BATTERY = {
    GapAssignment: Entry(
        actor="officer",
        stage="approved_for_development",
        create=lambda w: gap_assign(
            actor=w.officer,
            kind=KIND,
            record=CODE,
            owner=w.owner,
            due_date=timezone.localdate() + timedelta(days=10),
        ),
        api_create=lambda w: (
            "post",
            api("readiness-gap-assign", KIND, CODE),
            {"owner": w.owner.pk, "due_date": due()},
            "json",
        ),
        api_bad=lambda w: (
            "post",
            api("readiness-gap-assign", KIND, CODE),
            {"owner": w.owner.pk, "due_date": "not a date"},
            "json",
        ),
        api_result=lambda body: GapAssignment.objects.get(kind=body["kind"], record=body["record"]),
    ),
}
