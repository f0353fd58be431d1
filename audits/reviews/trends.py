"""The headline figures of a management review compared with the previous review's: stored
with the snapshot of the inputs, so the minutes keep the comparison management saw."""

from datetime import date
from typing import Any

from ..models import ManagementReview
from .inputs import _iso

Status = ManagementReview.Status


def _sum(*values) -> int:
    return sum(int(v or 0) for v in values)


# The headline figures compared from one review to the next: (key, label, how to read it from
# a snapshot). A figure a snapshot does not hold (an older format) has no trend.
HEADLINES: tuple[tuple[str, str, Any], ...] = (
    ("actions_open", "Actions of earlier reviews still open",
     lambda i: i["previous_actions"]["counts"]["open"]),
    ("actions_overdue", "Actions of earlier reviews overdue",
     lambda i: i["previous_actions"]["counts"]["overdue"]),
    ("checklist_nonconforming", "Nonconforming audit checklist results",
     lambda i: i["audits"]["checklist_results"]["nonconforming"]),
    ("nonconformities_open", "Open nonconformities (major and minor)",
     lambda i: _sum(i["findings"]["by_kind"]["major"]["open"],
                    i["findings"]["by_kind"]["minor"]["open"])),
    ("capa_open", "Corrective actions not yet verified",
     lambda i: _sum(*(i["corrective_actions"]["counts"][s]
                      for s in ("open", "in_progress", "implemented")))),
    ("capa_overdue", "Corrective actions overdue",
     lambda i: i["corrective_actions"]["counts"]["overdue"]),
    ("incidents_reported", "Incidents reported in the period",
     lambda i: i["incidents"]["reported_since"]),
    ("incidents_open", "Incidents open", lambda i: i["incidents"]["open"]),
    ("objectives_overdue", "AI objectives overdue",
     lambda i: i["objectives"]["counts"]["overdue"]),
    ("breaches", "Threshold breaches in the period",
     lambda i: i["monitoring"]["since"]["breach"]),
    ("change_requests", "Change requests in the period",
     lambda i: i["changes"]["change_requests"]["total"]),
    ("risks_high", "High or critical residual risks",
     lambda i: _sum(i["risks"]["by_residual_level"]["high"],
                    i["risks"]["by_residual_level"]["critical"])),
    ("risks_pending", "Risks awaiting acceptance", lambda i: i["risks"]["pending_acceptance"]),
    ("context_changes", "Context issues and interested parties new or changed",
     lambda i: _sum(i["context"]["issues_changed"], i["context"]["parties_changed"])),
    ("feedback", "Feedback received from interested parties",
     lambda i: i["feedback"]["received_since"]),
    ("improvement", "Opportunities for improvement open", lambda i: i["improvement"]["open"]),
)  # fmt: skip


def headline_figures(inputs: dict) -> dict[str, int | None]:
    """The headline figures of a snapshot; None where the snapshot does not hold one."""
    figures: dict[str, int | None] = {}
    for key, _, read in HEADLINES:
        try:
            figures[key] = int(read(inputs))
        except (KeyError, TypeError, ValueError):
            figures[key] = None
    return figures


def previous_review(meeting_date: date, *, exclude: ManagementReview | None = None):
    """The latest review held before ``meeting_date`` (the one a trend compares with)."""
    previous = ManagementReview.objects.filter(
        meeting_date__lt=meeting_date, status__in=(Status.HELD, Status.CLOSED)
    )
    if exclude is not None and exclude.pk:
        previous = previous.exclude(pk=exclude.pk)
    return previous.order_by("-meeting_date", "-id").only("id", "meeting_date", "inputs").first()


def direction(delta: int | None) -> str:
    if delta is None:
        return "new"
    return "up" if delta > 0 else "down" if delta < 0 else "same"


def trend(inputs: dict, previous: ManagementReview | None) -> dict[str, Any]:
    """Each headline figure with the previous review's value and the change; stored with the
    snapshot so the minutes keep the comparison management actually saw."""
    now = headline_figures(inputs)
    before = headline_figures(previous.inputs or {}) if previous is not None else {}
    rows = []
    for key, label, _ in HEADLINES:
        value, earlier = now[key], before.get(key)
        delta = value - earlier if value is not None and earlier is not None else None
        rows.append({"key": key, "label": label, "value": value, "previous": earlier,
                     "delta": delta, "direction": direction(delta)})  # fmt: skip
    return {
        "previous_review": None if previous is None else {
            "id": previous.pk, "reference": previous.reference,
            "meeting_date": _iso(previous.meeting_date),
        },
        "rows": rows,
    }  # fmt: skip
