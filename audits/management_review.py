"""Management review (ISO/IEC 42001 9.3): the inputs gathered from live data, and every write
of a review and its actions.

``gather_inputs(since)`` reads each register once (one query per table, whatever its size)
and returns plain JSON-ready figures: the snapshot a review stores with the time it was taken,
so the minutes show what top management actually looked at. A review moves planned -> held
(outcome recorded) -> closed; its inputs can be refreshed only while it is planned.
"""

from collections import Counter
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from aims.errors import BusinessRuleError, RuleForbidden, TransitionNotAllowed
from aims.history import stamp
from aims.models import (
    ContextIssue,
    CorrectiveAction,
    InterestedParty,
    Objective,
    PartyFeedback,
)
from aims.permissions import has_perm
from incidents.models import Alert, Incident
from inventory.models import ChangeRequest
from risk.models import Risk
from suppliers.models import VendorChangeNotice

from .models import ChecklistItem, Finding, InternalAudit, ManagementReview, ReviewAction

Status = ManagementReview.Status
ITEM_LIMIT = 50  # rows listed per section; counts always cover everything
DEFAULT_LOOKBACK_DAYS = 365

# The sections of the inputs, in the order a review walks through them.
SECTIONS = (
    ("previous_actions", "Actions from previous reviews"),
    ("audits", "Internal audit results"),
    ("findings", "Audit findings"),
    ("corrective_actions", "Nonconformities and corrective actions"),
    ("incidents", "Incidents"),
    ("objectives", "Progress on AI objectives"),
    ("monitoring", "Monitoring and measurement results"),
    ("changes", "Changes to AI systems and supplied services"),
    ("risks", "Risks and opportunities"),
    ("context", "Changes in context and interested parties"),
    ("feedback", "Feedback from interested parties"),
    ("improvement", "Opportunities for continual improvement"),
)


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _counts(values: Iterable[str], keys: Iterable[str]) -> dict[str, int]:
    counter = Counter(values)
    return {key: counter.get(key, 0) for key in keys}


def _since_q(field: str, since: date) -> Q:
    return Q(**{f"{field}__date__gte": since})


# --- The inputs, one reader per register ----------------------------------------------------


def _previous_actions(since: date, today: date, review: ManagementReview | None) -> dict:
    qs = ReviewAction.objects.filter(
        Q(status=ReviewAction.Status.OPEN) | _since_q("updated_at", since)
    )
    if review is not None and review.pk:
        qs = qs.exclude(review=review)
    rows = list(
        qs.order_by("due_date", "id").values(
            "id",
            "review_id",
            "review__title",
            "description",
            "owner__username",
            "due_date",
            "status",
        )
    )
    items = []
    for row in rows:
        overdue = row["status"] == ReviewAction.Status.OPEN and row["due_date"] < today
        items.append(
            {
                "id": row["id"],
                "review_id": row["review_id"],
                "review": f"MR-{row['review_id']:04d} {row['review__title']}",
                "description": row["description"][:300],
                "owner": row["owner__username"],
                "due_date": _iso(row["due_date"]),
                "status": row["status"],
                "overdue": overdue,
            }
        )
    counts = _counts((r["status"] for r in rows), ReviewAction.Status.values)
    counts["overdue"] = sum(1 for i in items if i["overdue"])
    return {"counts": counts, "total": len(items), "items": items[:ITEM_LIMIT]}


def _audits(since: date) -> dict:
    Result = ChecklistItem.Result
    annotations = {
        f"n_{value}": Count("checklist", filter=Q(checklist__result=value)) for value in Result
    }
    rows = list(
        InternalAudit.objects.filter(
            _since_q("closed_at", since)
            | Q(status__in=(InternalAudit.Status.IN_PROGRESS, InternalAudit.Status.REPORTING))
            | Q(planned_start__gte=since)
        )
        .annotate(**annotations)
        .order_by("planned_start", "id")
        .values("id", "title", "status", "planned_start", "planned_end", "closed_at", *annotations)
    )
    items, results = [], Counter()
    for row in rows:
        checklist = {value: row[f"n_{value}"] for value in Result.values}
        results.update(checklist)
        items.append(
            {
                "id": row["id"],
                "reference": f"AUD-{row['id']:04d}",
                "title": row["title"],
                "status": row["status"],
                "planned_start": _iso(row["planned_start"]),
                "closed_at": _iso(row["closed_at"]),
                "checklist": checklist,
            }
        )
    return {
        "counts": _counts((r["status"] for r in rows), InternalAudit.Status.values),
        "checklist_results": {value: results.get(value, 0) for value in Result.values},
        "total": len(items),
        "items": items[:ITEM_LIMIT],
    }


def _finding_rows(since: date) -> list[dict]:
    """Findings open, raised or closed in the period: read once for the findings input and
    the opportunities for improvement."""
    return list(
        Finding.objects.filter(
            Q(status=Finding.Status.OPEN)
            | _since_q("created_at", since)
            | _since_q("closed_at", since)
        )
        .order_by("-created_at", "-id")
        .values("id", "kind", "status", "title", "description", "audit_id", "created_at")
    )


def _findings(rows: list[dict]) -> dict:
    by_kind = {
        kind: _counts((r["status"] for r in rows if r["kind"] == kind), Finding.Status.values)
        for kind in Finding.Kind.values
    }
    items = [
        {
            "id": r["id"],
            "reference": f"FND-{r['id']:04d}",
            "kind": r["kind"],
            "title": r["title"],
            "audit": f"AUD-{r['audit_id']:04d}",
            "audit_id": r["audit_id"],
            "raised": _iso(r["created_at"].date()),
        }
        for r in rows
        if r["status"] == Finding.Status.OPEN
    ]
    return {"by_kind": by_kind, "total": len(rows), "items": items[:ITEM_LIMIT]}


def _corrective_actions(since: date, today: date) -> dict:
    CapaStatus = CorrectiveAction.Status
    done = (CapaStatus.VERIFIED, CapaStatus.CLOSED)
    rows = list(
        CorrectiveAction.objects.filter(
            ~Q(status=CapaStatus.CLOSED)
            | _since_q("closed_at", since)
            | _since_q("created_at", since)
        )
        .order_by("due_date", "id")
        .values("id", "title", "status", "due_date", "owner__username", "source_type__model")
    )
    items = []
    for row in rows:
        overdue = row["status"] not in done and row["due_date"] < today
        items.append(
            {
                "id": row["id"],
                "reference": f"CAPA-{row['id']:04d}",
                "title": row["title"],
                "status": row["status"],
                "due_date": _iso(row["due_date"]),
                "owner": row["owner__username"],
                "source": row["source_type__model"],
                "overdue": overdue,
            }
        )
    counts = _counts((r["status"] for r in rows), CapaStatus.values)
    counts["overdue"] = sum(1 for i in items if i["overdue"])
    open_items = [i for i in items if i["status"] not in done]
    return {"counts": counts, "total": len(items), "items": open_items[:ITEM_LIMIT]}


def _incidents(since: date) -> dict:
    from incidents.models import Severity
    from incidents.models import Status as IncidentStatus

    rows = list(
        Incident.objects.filter(_since_q("created_at", since) | ~Q(status=IncidentStatus.CLOSED))
        .order_by("-created_at", "-id")
        .values("id", "title", "severity", "status", "created_at", "system_id", "system__name")
    )
    new = [r for r in rows if r["created_at"].date() >= since]
    return {
        "reported_since": len(new),
        "by_severity": _counts((r["severity"] for r in new), Severity.values),
        "by_status": _counts((r["status"] for r in rows), IncidentStatus.values),
        "open": sum(1 for r in rows if r["status"] != IncidentStatus.CLOSED),
        "total": len(rows),
        "items": [
            {
                "id": r["id"],
                "reference": f"INC-{r['id']:04d}",
                "title": r["title"],
                "severity": r["severity"],
                "status": r["status"],
                "system": r["system__name"],
                "reported": _iso(r["created_at"].date()),
            }
            for r in rows[:ITEM_LIMIT]
        ],
    }


def _objectives(today: date) -> dict:
    ObjStatus = Objective.Status
    finished = (ObjStatus.ACHIEVED, ObjStatus.MISSED, ObjStatus.CANCELLED)
    rows = list(
        Objective.objects.order_by("due_date", "id").values(
            "id", "title", "status", "due_date", "current_value", "target_value", "unit"
        )
    )
    items = []
    for row in rows:
        overdue = row["status"] not in finished and row["due_date"] < today
        items.append(
            {
                "id": row["id"],
                "reference": f"OBJ-{row['id']:04d}",
                "title": row["title"],
                "status": row["status"],
                "due_date": _iso(row["due_date"]),
                "current": None if row["current_value"] is None else str(row["current_value"]),
                "target": f"{row['target_value']} {row['unit']}".strip(),
                "overdue": overdue,
            }
        )
    counts = _counts((r["status"] for r in rows), ObjStatus.values)
    counts["overdue"] = sum(1 for i in items if i["overdue"])
    return {"counts": counts, "total": len(items), "items": items[:ITEM_LIMIT]}


def _monitoring(since: date) -> dict:
    rows = list(
        Alert.objects.filter(_since_q("opened_at", since) | Q(resolved_at__isnull=True))
        .order_by("-opened_at", "-id")
        .values(
            "id",
            "kind",
            "message",
            "opened_at",
            "resolved_at",
            "incident_id",
            "metric__name",
            "metric__system_id",
            "metric__system__name",
        )
    )
    recent = [r for r in rows if r["opened_at"].date() >= since]
    return {
        "since": _counts((r["kind"] for r in recent), Alert.Kind.values),
        "open": _counts((r["kind"] for r in rows if r["resolved_at"] is None), Alert.Kind.values),
        "total": len(rows),
        "items": [
            {
                "id": r["id"],
                "kind": r["kind"],
                "message": r["message"],
                "system_id": r["metric__system_id"],
                "system": r["metric__system__name"],
                "opened": _iso(r["opened_at"]),
                "resolved": _iso(r["resolved_at"]),
                "incident_id": r["incident_id"],
            }
            for r in rows
            if r["kind"] == Alert.Kind.BREACH or r["resolved_at"] is None
        ][:ITEM_LIMIT],
    }


def _changes(since: date) -> dict:
    changes = list(
        ChangeRequest.objects.filter(_since_q("created_at", since))
        .order_by("-created_at", "-id")
        .values("id", "title", "kind", "status", "is_material", "system_id", "system__name")
    )
    notices = list(
        VendorChangeNotice.objects.filter(
            _since_q("created_at", since) | Q(status=VendorChangeNotice.Status.OPEN)
        )
        .order_by("-created_at", "-id")
        .values("id", "title", "kind", "status", "supplier_id", "supplier__name")
    )
    return {
        "change_requests": {
            "by_kind": _counts((c["kind"] for c in changes), ChangeRequest.Kind.values),
            "material": sum(1 for c in changes if c["is_material"]),
            "total": len(changes),
            "items": [
                {
                    "id": c["id"],
                    "reference": f"CHG-{c['id']:04d}",
                    "title": c["title"],
                    "kind": c["kind"],
                    "status": c["status"],
                    "material": c["is_material"],
                    "system_id": c["system_id"],
                    "system": c["system__name"],
                }
                for c in changes[:ITEM_LIMIT]
            ],
        },
        "vendor_notices": {
            "by_status": _counts((n["status"] for n in notices), VendorChangeNotice.Status.values),
            "total": len(notices),
            "items": [
                {
                    "id": n["id"],
                    "reference": f"VC-{n['id']:04d}",
                    "title": n["title"],
                    "status": n["status"],
                    "supplier_id": n["supplier_id"],
                    "supplier": n["supplier__name"],
                }
                for n in notices[:ITEM_LIMIT]
            ],
        },
    }


def _risks() -> dict:
    from risk.models import Level

    rows = list(
        Risk.objects.order_by("-residual_score", "id").values(
            "id", "title", "residual_level", "acceptance", "system_id", "system__name"
        )
    )
    pending = Risk.Acceptance.PENDING
    attention = [
        r
        for r in rows
        if r["acceptance"] == pending
        or r["residual_level"]
        in (
            Level.HIGH,
            Level.CRITICAL,
        )
    ]
    return {
        "by_residual_level": _counts((r["residual_level"] for r in rows), Level.values),
        "pending_acceptance": sum(1 for r in rows if r["acceptance"] == pending),
        "total": len(rows),
        "items": [
            {
                "id": r["id"],
                "reference": f"RSK-{r['id']:04d}",
                "title": r["title"],
                "level": r["residual_level"],
                "pending_acceptance": r["acceptance"] == pending,
                "system_id": r["system_id"],
                "system": r["system__name"],
            }
            for r in attention[:ITEM_LIMIT]
        ],
    }


def _context(since: date) -> dict:
    issues = list(
        ContextIssue.objects.filter(_since_q("updated_at", since))
        .order_by("-updated_at", "id")
        .values("id", "title", "kind", "category", "created_at", "updated_at")
    )
    parties = list(
        InterestedParty.objects.filter(_since_q("updated_at", since))
        .order_by("-updated_at", "id")
        .values("id", "name", "category", "created_at", "updated_at")
    )

    def change(row) -> str:
        return "new" if row["created_at"].date() >= since else "changed"

    return {
        "issues_changed": len(issues),
        "parties_changed": len(parties),
        "items": [
            *(
                {"id": i["id"], "type": "issue", "title": i["title"], "kind": i["kind"],
                 "change": change(i), "updated": _iso(i["updated_at"].date())}
                for i in issues[:ITEM_LIMIT]
            ),
            *(
                {"id": p["id"], "type": "party", "title": p["name"], "kind": p["category"],
                 "change": change(p), "updated": _iso(p["updated_at"].date())}
                for p in parties[:ITEM_LIMIT]
            ),
        ],
    }  # fmt: skip


def _feedback(since: date) -> dict:
    """What interested parties told us in the period (9.3.2 c and d)."""
    rows = list(
        PartyFeedback.objects.filter(received_on__gte=since)
        .order_by("-received_on", "-id")
        .values("id", "party_id", "party__name", "party__category", "received_on", "summary",
                "owner__username")
    )  # fmt: skip
    return {
        "received_since": len(rows),
        "parties": len({r["party_id"] for r in rows}),
        "by_category": _counts((r["party__category"] for r in rows),
                               InterestedParty.Category.values),
        "total": len(rows),
        "items": [
            {"id": r["id"], "party": r["party__name"], "party_id": r["party_id"],
             "received": _iso(r["received_on"]), "summary": r["summary"][:300],
             "received_by": r["owner__username"]}
            for r in rows[:ITEM_LIMIT]
        ],
    }  # fmt: skip


IMPROVEMENT_KINDS = (Finding.Kind.OFI, Finding.Kind.OBSERVATION)


def _improvement(since: date, finding_rows: list[dict]) -> dict:
    """Opportunities for continual improvement (9.3.2 e): opportunity-for-improvement and
    observation findings still open or raised in the period, and the lessons learned from
    incidents closed in the period."""
    findings = [f for f in finding_rows if f["kind"] in IMPROVEMENT_KINDS]
    lessons = list(
        Incident.objects.filter(_since_q("closed_at", since))
        .exclude(lessons_learned="")
        .order_by("-closed_at", "-id")
        .values("id", "title", "lessons_learned", "closed_at")
    )
    open_findings = [f for f in findings if f["status"] == Finding.Status.OPEN]
    items = [
        {"source": "finding", "id": f["id"], "reference": f"FND-{f['id']:04d}",
         "title": f["title"], "kind": f["kind"], "detail": f["description"][:300],
         "date": _iso(f["created_at"].date())}
        for f in open_findings
    ] + [
        {"source": "incident", "id": i["id"], "reference": f"INC-{i['id']:04d}",
         "title": i["title"], "kind": "lessons", "detail": i["lessons_learned"][:300],
         "date": _iso(i["closed_at"].date())}
        for i in lessons
    ]  # fmt: skip
    return {
        "open_findings": _counts((f["kind"] for f in open_findings), IMPROVEMENT_KINDS),
        "raised_since": sum(1 for f in findings if f["created_at"].date() >= since),
        "lessons_learned": len(lessons),
        "open": len(items),
        "total": len(items),
        "items": items[:ITEM_LIMIT],
    }


def gather_inputs(since: date, *, review: ManagementReview | None = None) -> dict[str, Any]:
    """The figures a management review considers, from live data since ``since``: one query
    per register. ``review`` (if given) is left out of "previous" actions."""
    today = timezone.localdate()
    finding_rows = _finding_rows(since)
    return {
        "since": since.isoformat(),
        "today": today.isoformat(),
        "previous_actions": _previous_actions(since, today, review),
        "audits": _audits(since),
        "findings": _findings(finding_rows),
        "corrective_actions": _corrective_actions(since, today),
        "incidents": _incidents(since),
        "objectives": _objectives(today),
        "monitoring": _monitoring(since),
        "changes": _changes(since),
        "risks": _risks(),
        "context": _context(since),
        "feedback": _feedback(since),
        "improvement": _improvement(since, finding_rows),
    }


def default_since(meeting_date: date, *, exclude: ManagementReview | None = None) -> date:
    """The previous review's date, or a year before this one when there was none."""
    previous = ManagementReview.objects.filter(
        meeting_date__lt=meeting_date, status__in=(Status.HELD, Status.CLOSED)
    )
    if exclude is not None and exclude.pk:
        previous = previous.exclude(pk=exclude.pk)
    last = previous.order_by("-meeting_date").values_list("meeting_date", flat=True).first()
    return last or meeting_date - timedelta(days=DEFAULT_LOOKBACK_DAYS)


# --- Writes ---------------------------------------------------------------------------------


REVIEW_FIELDS = ("title", "meeting_date", "chair", "attendees")
ACTION_FIELDS = ("description", "owner", "due_date", "status")


def _save(obj, *, actor, reason: str) -> None:
    obj.full_clean()
    stamp(obj, actor=actor, reason=reason)
    obj.save()


def _require(actor, perm: str) -> None:
    if not has_perm(actor, perm):
        raise RuleForbidden(
            "Only governance officers prepare and record management reviews.",
            code="permission_denied",
        )


def _locked(review: ManagementReview) -> ManagementReview:
    return ManagementReview.objects.select_for_update().get(pk=review.pk)


def _require_status(review: ManagementReview, allowed: tuple[str, ...], doing: str) -> None:
    if review.status not in allowed:
        labels = " or ".join(Status(s).label.lower() for s in allowed)
        raise TransitionNotAllowed(
            f"{doing} is possible only while the review is {labels}; {review.reference} is "
            f"'{review.get_status_display()}'.",
            code="transition_not_allowed",
        )


def _gather(review: ManagementReview, since: date | None) -> None:
    since = since or default_since(review.meeting_date, exclude=review)
    if since > review.meeting_date:
        raise ValidationError({"since": ["The period cannot start after the meeting."]})
    review.inputs = gather_inputs(since, review=review)
    review.inputs["trend"] = trend(
        review.inputs, previous_review(review.meeting_date, exclude=review)
    )
    review.inputs_gathered_at = timezone.now()


@transaction.atomic
def review_create(
    *,
    actor,
    title: str,
    meeting_date: date,
    chair,
    attendees: Iterable = (),
    since: date | None = None,
) -> ManagementReview:
    """Plan a review and take the first snapshot of its inputs."""
    _require(actor, "audits.add_managementreview")
    review = ManagementReview(title=title, meeting_date=meeting_date, chair=chair)
    _gather(review, since)
    _save(review, actor=actor, reason="Management review planned; inputs gathered")
    review.attendees.set(list(attendees))
    return review


@transaction.atomic
def review_update(*, actor, review: ManagementReview, data: dict[str, Any]) -> ManagementReview:
    _require(actor, "audits.change_managementreview")
    unknown = set(data) - set(REVIEW_FIELDS)
    if unknown:
        raise BusinessRuleError(f"Unknown fields: {', '.join(sorted(unknown))}", code="invalid")
    review = _locked(review)
    _require_status(review, (Status.PLANNED,), "Editing the plan")
    data = dict(data)
    attendees = data.pop("attendees", None)
    for field, value in data.items():
        setattr(review, field, value)
    _save(review, actor=actor, reason=f"Plan edited: {', '.join(sorted(data)) or 'attendees'}")
    if attendees is not None:
        review.attendees.set(list(attendees))
    return review


@transaction.atomic
def review_refresh_inputs(
    *, actor, review: ManagementReview, since: date | None = None
) -> ManagementReview:
    """Take a fresh snapshot of the inputs (until the meeting is held)."""
    _require(actor, "audits.change_managementreview")
    review = _locked(review)
    _require_status(review, (Status.PLANNED,), "Refreshing the inputs")
    _gather(review, since)
    _save(review, actor=actor, reason="Inputs refreshed from live data")
    return review


@transaction.atomic
def review_record(
    *,
    actor,
    review: ManagementReview,
    decisions: str,
    minutes: str = "",
    input_notes: str = "",
    attendees: Iterable | None = None,
) -> ManagementReview:
    """Record the meeting: discussion of the inputs, decisions (the outputs), minutes."""
    _require(actor, "audits.change_managementreview")
    review = _locked(review)
    _require_status(review, (Status.PLANNED, Status.HELD), "Recording the outcome")
    if not decisions.strip():
        raise ValidationError(
            {"decisions": ["Record the decisions taken (improvements, changes, resources)."]}
        )
    if review.meeting_date > timezone.localdate():
        raise ValidationError(
            {"decisions": [f"The meeting is planned for {review.meeting_date:%d %b %Y}: record "
                           "its outcome once it has taken place."]}
        )  # fmt: skip
    first = review.status == Status.PLANNED
    review.decisions = decisions.strip()
    review.minutes = minutes.strip()
    review.input_notes = input_notes.strip()
    review.status = Status.HELD
    _save(review, actor=actor, reason="Meeting held: outcome recorded" if first else "Edited")
    if attendees is not None:
        review.attendees.set(list(attendees))
    return review


@transaction.atomic
def review_close(*, actor, review: ManagementReview) -> ManagementReview:
    """Close a held review; its actions stay tracked until the next review reports them."""
    _require(actor, "audits.change_managementreview")
    review = _locked(review)
    _require_status(review, (Status.HELD,), "Closing")
    review.status = Status.CLOSED
    _save(review, actor=actor, reason="Review closed")
    return review


def _check_action_dates(due_date: date | None, review: ManagementReview) -> None:
    if due_date is not None and due_date < review.meeting_date:
        raise ValidationError({"due_date": ["An action cannot be due before the meeting."]})


@transaction.atomic
def review_action_add(
    *, actor, review: ManagementReview, description: str, owner, due_date: date
) -> ReviewAction:
    """An action decided at the review, with its owner and due date."""
    _require(actor, "audits.add_reviewaction")
    review = _locked(review)
    _require_status(review, (Status.HELD,), "Adding actions")
    _check_action_dates(due_date, review)
    action = ReviewAction(review=review, description=description, owner=owner, due_date=due_date)
    _save(action, actor=actor, reason=f"Action decided at {review.reference}")
    return action


@transaction.atomic
def review_action_update(*, actor, action: ReviewAction, data: dict[str, Any]) -> ReviewAction:
    """Edit an action or report its status (done, dropped). The status stays reportable after
    the review closes; the wording, owner and date are fixed once it is closed."""
    _require(actor, "audits.change_reviewaction")
    unknown = set(data) - set(ACTION_FIELDS)
    if unknown:
        raise BusinessRuleError(f"Unknown fields: {', '.join(sorted(unknown))}", code="invalid")
    action = ReviewAction.objects.select_for_update().select_related("review").get(pk=action.pk)
    changed = [f for f, v in data.items() if getattr(action, f) != v]
    if action.review.status == Status.CLOSED and set(changed) - {"status"}:
        raise TransitionNotAllowed(
            "The review is closed: only the action's status can still be reported.",
            code="review_closed",
        )
    for field, value in data.items():
        setattr(action, field, value)
    if "due_date" in changed:
        _check_action_dates(action.due_date, action.review)
    if not changed:
        return action
    reason = (
        f"Status: {action.get_status_display()}"
        if changed == ["status"]
        else f"Edited: {', '.join(changed)}"
    )
    _save(action, actor=actor, reason=reason)
    return action


# --- Trends against the previous review -----------------------------------------------------


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
