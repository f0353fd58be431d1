"""Turn a management review's stored inputs (plain JSON figures) into readable sections:
a few headline figures and a table per section, each row linking to its record when that
page exists. Presentation only; the figures come from management_review.gather_inputs."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import NoReverseMatch, reverse

from aims.models import CorrectiveAction, InterestedParty, Objective
from incidents.models import Alert, Severity
from incidents.models import Status as IncidentStatus
from inventory.models import ChangeRequest
from risk.models import Level
from suppliers.models import VendorChangeNotice

from ..models import (
    ChecklistItem,
    Finding,
    InternalAudit,
    ReviewAction,
)
from .inputs import SECTIONS


def link(name: str, pk: Any) -> str:
    """The URL of a record's page, or "" when that page is not mounted."""
    if pk is None:
        return ""
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return ""


def page(name: str) -> str:
    """The URL of a list page, or "" when it is not mounted."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


def _first_link(names: tuple[str, ...], pk: Any) -> str:
    for name in names:
        url = link(name, pk)
        if url:
            return url
    return ""


def _label(choices, value: str) -> str:
    return dict(choices).get(value, value)


def _record(item: dict, url: str) -> tuple[str, str]:
    """A cell naming a record by its reference and title, linked to ``url``."""
    return (f"{item['reference']} {item['title']}", url)


def _status(choices, item: dict) -> tuple[str, str]:
    """A status cell, marked overdue when the stored figures say so."""
    status = _label(choices, item["status"])
    return (f"{status} — overdue" if item["overdue"] else status, "")


def _figures(counts: dict, choices, skip_zero: bool = False) -> list[tuple[str, Any]]:
    labels = dict(choices)
    return [
        (labels.get(key, key.replace("_", " ").capitalize()), value)
        for key, value in counts.items()
        if not (skip_zero and not value)
    ]


@dataclass
class Section:
    key: str
    title: str
    figures: list[tuple[str, Any]] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    rows: list[list[tuple[str, str]]] = field(default_factory=list)  # (text, url) per cell
    total: int = 0
    empty: str = "Nothing to report for this period."
    note: str = ""


def _previous_actions(data: dict) -> Section:
    s = Section("previous_actions", "")
    s.figures = _figures(data["counts"], [*ReviewAction.Status.choices, ("overdue", "Overdue")])
    s.columns = ["Review", "Action", "Owner", "Due", "Status"]
    for i in data["items"]:
        s.rows.append(
            [
                (i["review"], link("internal_audits:review_detail", i["review_id"])),
                (i["description"], ""),
                (i["owner"], ""),
                (i["due_date"], ""),
                _status(ReviewAction.Status.choices, i),
            ]
        )
    s.empty = "No action from an earlier review is open or changed in this period."
    return s


def _audits(data: dict) -> Section:
    s = Section("audits", "")
    s.figures = _figures(data["counts"], InternalAudit.Status.choices) + [
        (f"Checklist: {label.lower()}", data["checklist_results"].get(value, 0))
        for value, label in ChecklistItem.Result.choices
        if value != ChecklistItem.Result.NOT_ASSESSED
    ]
    s.columns = ["Audit", "Status", "Planned start", "Conforming", "Nonconforming", "Closed"]
    for i in data["items"]:
        s.rows.append(
            [
                _record(i, link("internal_audits:audit_detail", i["id"])),
                (_label(InternalAudit.Status.choices, i["status"]), ""),
                (i["planned_start"] or "—", ""),
                (str(i["checklist"].get("conforming", 0)), ""),
                (str(i["checklist"].get("nonconforming", 0)), ""),
                ((i["closed_at"] or "—")[:10], ""),
            ]
        )
    s.empty = "No audit was running, planned or closed in this period."
    return s


def _findings(data: dict) -> Section:
    s = Section("findings", "")
    for kind, label in Finding.Kind.choices:
        counts = data["by_kind"].get(kind, {})
        s.figures.append((label, f"{counts.get('open', 0)} open, {counts.get('closed', 0)} closed"))
    s.columns = ["Finding", "Kind", "Audit", "Raised"]
    for i in data["items"]:
        s.rows.append(
            [
                _record(i, link("internal_audits:finding_detail", i["id"])),
                (_label(Finding.Kind.choices, i["kind"]), ""),
                (i["audit"], link("internal_audits:audit_detail", i["audit_id"])),
                (i["raised"], ""),
            ]
        )
    s.empty = "No open finding."
    s.note = "The table lists the findings still open."
    return s


def _corrective_actions(data: dict) -> Section:
    s = Section("corrective_actions", "")
    s.figures = _figures(data["counts"], [*CorrectiveAction.Status.choices, ("overdue", "Overdue")])
    s.columns = ["Action", "Source", "Owner", "Due", "Status"]
    for i in data["items"]:
        s.rows.append(
            [
                _record(i, link("capa:capa_detail", i["id"])),
                (i["source"], ""),
                (i["owner"], ""),
                (i["due_date"], ""),
                _status(CorrectiveAction.Status.choices, i),
            ]
        )
    s.empty = "No corrective action is open."
    s.note = "The table lists the corrective actions not yet verified effective."
    return s


def _incidents(data: dict) -> Section:
    s = Section("incidents", "")
    s.figures = [("Reported in the period", data["reported_since"]), ("Open now", data["open"])]
    s.figures += [
        (f"Reported: {label}", data["by_severity"].get(value, 0))
        for value, label in Severity.choices
    ]
    s.columns = ["Incident", "Severity", "Status", "AI system", "Reported"]
    for i in data["items"]:
        s.rows.append(
            [
                _record(i, link("incidents:incident_detail", i["id"])),
                (_label(Severity.choices, i["severity"]), ""),
                (_label(IncidentStatus.choices, i["status"]), ""),
                (i["system"], ""),
                (i["reported"], ""),
            ]
        )
    s.empty = "No incident was reported or open in this period."
    return s


def _objectives(data: dict) -> Section:
    s = Section("objectives", "")
    s.figures = _figures(data["counts"], [*Objective.Status.choices, ("overdue", "Overdue")])
    s.columns = ["Objective", "Status", "Current", "Target", "Due"]
    for i in data["items"]:
        s.rows.append(
            [
                _record(i, _first_link(("ms:objective_detail", "aims:objective_detail"), i["id"])),
                _status(Objective.Status.choices, i),
                (i["current"] or "—", ""),
                (i["target"], ""),
                (i["due_date"], ""),
            ]
        )
    s.empty = "No AI objective is set."
    return s


def _monitoring(data: dict) -> Section:
    s = Section("monitoring", "")
    s.figures = [
        (f"{label} alerts in the period", data["since"].get(value, 0))
        for value, label in Alert.Kind.choices
    ] + [
        (f"{label} alerts open now", data["open"].get(value, 0))
        for value, label in Alert.Kind.choices
    ]
    s.columns = ["Alert", "Kind", "AI system", "Opened", "Resolved"]
    for i in data["items"]:
        s.rows.append(
            [
                (i["message"], link("incidents:monitoring", i["system_id"])),
                (_label(Alert.Kind.choices, i["kind"]), ""),
                (i["system"], link("inventory:system_detail", i["system_id"])),
                ((i["opened"] or "")[:10], ""),
                ((i["resolved"] or "open")[:10], ""),
            ]
        )
    s.empty = "No breach and no open alert."
    s.note = "The table lists threshold breaches of the period and alerts still open."
    return s


def _changes(data: dict) -> Section:
    s = Section("changes", "")
    changes, notices = data["change_requests"], data["vendor_notices"]
    s.figures = [
        ("Change requests", changes["total"]),
        ("Material changes", changes["material"]),
        ("Vendor change notices", notices["total"]),
        ("Vendor notices not yet reviewed", notices["by_status"].get("open", 0)),
    ]
    s.columns = ["Change", "Kind", "Where", "Status"]
    for c in changes["items"]:
        s.rows.append(
            [
                _record(c, link("inventory:system_detail", c["system_id"])),
                (_label(ChangeRequest.Kind.choices, c["kind"]), ""),
                (c["system"], link("inventory:system_detail", c["system_id"])),
                (_label(ChangeRequest.Status.choices, c["status"]), ""),
            ]
        )
    for n in notices["items"]:
        s.rows.append(
            [
                _record(n, link("suppliers:notice_detail", n["id"])),
                ("Vendor change notice", ""),
                (n["supplier"], link("suppliers:supplier_detail", n["supplier_id"])),
                (_label(VendorChangeNotice.Status.choices, n["status"]), ""),
            ]
        )
    s.empty = "No change to AI systems or supplied services in this period."
    return s


def _risks(data: dict) -> Section:
    s = Section("risks", "")
    s.figures = [
        (f"Residual {label.lower()}", data["by_residual_level"].get(value, 0))
        for value, label in Level.choices
    ] + [("Awaiting acceptance above appetite", data["pending_acceptance"])]
    s.columns = ["Risk", "Residual level", "AI system", "Acceptance"]
    for r in data["items"]:
        s.rows.append(
            [
                _record(r, link("risk:risk_detail", r["id"])),
                (_label(Level.choices, r["level"]), ""),
                (r["system"], link("inventory:system_detail", r["system_id"])),
                ("Pending" if r["pending_acceptance"] else "—", ""),
            ]
        )
    s.empty = "No high or critical risk, and none awaiting acceptance."
    s.note = "The table lists high and critical risks and those awaiting acceptance."
    return s


def _context(data: dict) -> Section:
    s = Section("context", "")
    s.figures = [
        ("Context issues new or changed", data["issues_changed"]),
        ("Interested parties new or changed", data["parties_changed"]),
    ]
    s.columns = ["Record", "Type", "Change", "Updated"]
    for i in data["items"]:
        is_issue = i["type"] == "issue"
        s.rows.append(
            [
                (i["title"], page("ms:issue_list" if is_issue else "ms:party_list")),
                ("Context issue" if is_issue else "Interested party", ""),
                (i["change"], ""),
                (i["updated"], ""),
            ]
        )
    s.empty = "No change in the organisation's context or interested parties."
    return s


def _feedback(data: dict) -> Section:
    s = Section("feedback", "")
    s.figures = [("Received in the period", data["received_since"]),
                 ("From parties", data["parties"])]  # fmt: skip
    s.figures += _figures(data["by_category"], InterestedParty.Category.choices, skip_zero=True)
    s.columns = ["Received", "From", "Summary", "Received by"]
    for i in data["items"]:
        s.rows.append([(i["received"], ""), (i["party"], page("ms:feedback_list")),
                       (i["summary"], ""), (i["received_by"], "")])  # fmt: skip
    s.empty = "No feedback from interested parties was recorded in this period."
    return s


def _improvement(data: dict) -> Section:
    s = Section("improvement", "")
    s.figures = [
        (f"Open: {label.lower()}", data["open_findings"].get(value, 0))
        for value, label in Finding.Kind.choices
        if value in data["open_findings"]
    ]
    s.figures += [("Lessons learned from incidents closed in the period",
                   data["lessons_learned"])]  # fmt: skip
    s.columns = ["Source", "Kind", "What could improve", "Date"]
    for i in data["items"]:
        is_finding = i["source"] == "finding"
        url = link("internal_audits:finding_detail" if is_finding
                   else "incidents:incident_detail", i["id"])  # fmt: skip
        kind = _label(Finding.Kind.choices, i["kind"]) if is_finding else "Lessons learned"
        s.rows.append([_record(i, url), (kind, ""), (i["detail"], ""), (i["date"], "")])
    s.empty = "No open opportunity for improvement and no lessons learned in this period."
    return s


ARROWS = {"up": "↑ up", "down": "↓ down", "same": "= no change", "new": "no earlier figure"}


@dataclass
class TrendRow:
    label: str
    value: int | None
    previous: int | None
    delta: int | None
    direction: str

    @property
    def change(self) -> str:
        """The change in words and an arrow (never colour alone): "↑ up 2", "= no change"."""
        words = ARROWS.get(self.direction, "")
        return f"{words} {abs(self.delta)}" if self.delta else words


def trend_rows(inputs: dict) -> tuple[dict | None, list[TrendRow]]:
    """The stored comparison with the previous review: (that review, one row per figure)."""
    stored = inputs.get("trend")
    if not isinstance(stored, dict):
        return None, []
    rows = [
        TrendRow(r.get("label", ""), r.get("value"), r.get("previous"), r.get("delta"),
                 r.get("direction", "new"))
        for r in stored.get("rows", []) if isinstance(r, dict)
    ]  # fmt: skip
    return stored.get("previous_review"), rows


BUILDERS: dict[str, Callable[[dict], Section]] = {
    "previous_actions": _previous_actions,
    "audits": _audits,
    "findings": _findings,
    "corrective_actions": _corrective_actions,
    "incidents": _incidents,
    "objectives": _objectives,
    "monitoring": _monitoring,
    "changes": _changes,
    "risks": _risks,
    "context": _context,
    "feedback": _feedback,
    "improvement": _improvement,
}


def input_sections(inputs: dict) -> list[Section]:
    """The readable sections of stored inputs (sections missing from an old snapshot are
    skipped, never an error)."""
    sections = []
    for key, title in SECTIONS:
        data = inputs.get(key)
        if not isinstance(data, dict):
            continue
        try:
            section = BUILDERS[key](data)
        except (KeyError, TypeError, AttributeError):
            section = Section(key, "", note="These figures were stored in an older format.")
        section.title = title
        section.total = data.get("total", len(section.rows))
        sections.append(section)
    return sections
