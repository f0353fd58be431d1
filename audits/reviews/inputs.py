"""Management review (ISO/IEC 42001 9.3): the inputs gathered from live data.

``gather_inputs(since)`` reads each register once (one query per table, whatever its size)
and returns plain JSON-ready figures: the snapshot a review stores with the time it was taken,
so the minutes show what top management actually looked at. The writes of a review are in
:mod:`audits.reviews.services`, the comparison with the previous review in
:mod:`audits.reviews.trends`.
"""

from collections import Counter
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from aims.models import (
    ContextIssue,
    CorrectiveAction,
    InterestedParty,
    Objective,
    PartyFeedback,
)
from incidents.models import Alert, Incident
from inventory.models import ChangeRequest
from risk.models import Risk
from suppliers.models import VendorChangeNotice

from ..models import (
    ChecklistItem,
    Finding,
    InternalAudit,
    ManagementReview,
    ReviewAction,
)

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
