"""Importing a bill of materials into a system: through the same service as the forms.

:func:`bom_plan` reads what an import would do without writing (the preview and the API's
dry run): each BOM component matched to a record of the system (by its bom-ref when that is
one of the system's references, else by name and kind), and whether it is added, updated,
left unchanged or already waiting as a proposed change. :func:`bom_import` carries the plan
out record by record through ``services.child_edit``: before the intake gate records are
added and edited in place; after it, an addition or a change of a material fact opens a
change request, as the form's would. An identical change already proposed is not proposed
again, so the same BOM imported twice writes nothing the second time.

A model version or identifier the BOM changes on a deployed system is also reported as an
observation (``vendor_changes.component_report_bom_change``), whose detection key makes the
vendor change notice once-only. Only who may report vendor changes reports it (as through the
API); for anyone else the change request carries it.

Fields a BOM does not state are left as they are; records the BOM does not list are kept.
"""

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from aims.models import parse_reference
from aims.permissions import has_perm
from suppliers.models import Supplier

from .. import vendor_changes
from ..models import AISystem, ChangeRequest, Component, Dataset, LifecycleStage
from ..services.changes import TARGETS, material_changes
from ..services.records import _require_system_change, child_edit
from .cyclonedx import MODEL_KINDS, BomEntry, read_entries, refuse

IMPORT_REASON = "Imported from a CycloneDX bill of materials"
NO_SOURCE = "Not stated in the imported bill of materials."
REPORT_PERMISSION = "suppliers.add_vendorchangenotice"
# What the import does with a BOM component: "proposed" is an identical change already waiting.
ACTIONS = ("add", "update", "unchanged", "proposed")


@dataclass
class PlanItem:
    """What the import does with one BOM component."""

    entry: BomEntry
    record: Component | Dataset | None
    action: str  # "add", "update", "unchanged" or "proposed" (an identical change waits)
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)  # what child_edit is given
    controlled: bool = False  # goes to change control instead of being saved in place
    report: bool = False  # a deployed model's version or identifier changes

    @property
    def label(self) -> str:
        return self.entry.model._meta.verbose_name

    @property
    def reference(self) -> str:
        return self.record.reference if self.record is not None else ""

    def change_rows(self) -> list[tuple[str, str, str]]:
        meta = self.entry.model._meta
        return [
            (str(meta.get_field(name).verbose_name).capitalize(), _shown(old), _shown(new))
            for name, (old, new) in self.changes.items()
        ]


@dataclass
class BomPlan:
    system: AISystem
    items: list[PlanItem]
    warnings: list[str]
    untouched: list[Component | Dataset]

    def count(self, action: str) -> int:
        return sum(1 for item in self.items if item.action == action)

    @property
    def writes(self) -> bool:
        return any(item.data for item in self.items)


@dataclass
class BomResult:
    plan: BomPlan
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    change_requests: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    def summary(self) -> str:
        plan = self.plan
        parts = [
            f"{len(self.created)} added",
            f"{len(self.updated)} updated",
            f"{plan.count('unchanged')} unchanged",
        ]
        if self.change_requests:
            parts.append(f"change requests opened: {', '.join(self.change_requests)}")
        if plan.count("proposed"):
            parts.append(f"{plan.count('proposed')} already waiting as proposed changes")
        if self.notices:
            parts.append(f"vendor change reported: {', '.join(self.notices)}")
        return f"BOM imported into {plan.system.reference}: " + "; ".join(parts) + "."


def _shown(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, Supplier):
        return f"{value.reference} {value.name}"
    return str(value)


def _supplier(hint: str) -> Supplier | None:
    """The registered supplier a BOM names, by reference or by name (offboarded ones are
    not offered on the form either)."""
    if not hint:
        return None
    suppliers = Supplier.objects.exclude(status="offboarded")
    pk = parse_reference(Supplier.REFERENCE_PREFIX, hint)
    if pk is not None:
        return suppliers.filter(pk=pk).first()
    return suppliers.filter(name__iexact=hint.strip()).first()


def _match(entry: BomEntry, records: list, taken: set[int]):
    prefix = entry.model.REFERENCE_PREFIX
    pk = parse_reference(prefix, entry.bom_ref) if entry.bom_ref else None
    by_ref = [r for r in records if r.pk == pk]
    if by_ref:
        return by_ref[0]
    name = entry.name.strip().lower()
    kind = entry.values.get("kind")
    for record in records:
        if record.pk in taken or record.name.strip().lower() != name:
            continue
        if entry.model is Component and record.kind != kind:
            continue
        return record
    return None


def _stored(record, name: str):
    if name == "supplier":
        return record.supplier
    return getattr(record, name)


def _same(old, new) -> bool:
    if isinstance(old, Supplier) or isinstance(new, Supplier):
        return getattr(old, "pk", None) == getattr(new, "pk", None)
    return (old or "") == (new or "")


def _waiting(system: AISystem, record, item_record, material: dict, action: str) -> bool:
    """Whether the very change is already proposed and undecided (an earlier import)."""
    return ChangeRequest.objects.filter(
        system=system,
        status=ChangeRequest.Status.PROPOSED,
        target=TARGETS[type(record)],
        target_id=item_record.pk if item_record is not None else None,
        target_action=action,
        proposed_values=material,
    ).exists()


def _check(record, data: dict, errors: list[str], label: str) -> None:
    """Refuse in the plan what the save would refuse (a value too long, a wrong choice)."""
    probe = type(record)(**{f.attname: getattr(record, f.attname) for f in record._meta.fields})
    for name, value in data.items():
        setattr(probe, name, value)
    try:
        probe.full_clean(validate_unique=False)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.append(f"{label}: {name}: {' '.join(messages)}")


def _plan_item(system: AISystem, entry: BomEntry, record, warnings, errors) -> PlanItem:
    values = dict(entry.values)
    if entry.supplier:
        supplier = _supplier(entry.supplier)
        if supplier is None:
            warnings.append(
                f"{entry.name}: supplier '{entry.supplier}' is not in the supplier register; "
                "the component is not linked to a supplier."
            )
        else:
            values["supplier"] = supplier
    action = "update" if record is not None else "add"
    if record is None:
        record = entry.model(system=system)
        if entry.model is Dataset and not values.get("source"):
            values["source"] = NO_SOURCE
            warnings.append(f"{entry.name}: the BOM states no source; recorded as not stated.")
    changes = {
        name: (_stored(record, name) if record.pk else None, value)
        for name, value in values.items()
        if not record.pk or not _same(_stored(record, name), value)
    }
    item = PlanItem(entry=entry, record=record if record.pk else None, action=action)
    if not changes:
        item.action = "unchanged"
        return item
    data = {name: new for name, (_old, new) in changes.items()}
    _check(record, data, errors, entry.name or entry.bom_ref)
    verb = "edit" if action == "update" else action
    material = material_changes(record, data, action=verb)
    if material and _waiting(system, record, item.record, material, verb):
        data = {k: v for k, v in data.items() if k not in material}
        item.action = "proposed" if not data else action
    item.changes, item.data, item.controlled = changes, data, bool(material)
    item.report = (
        item.record is not None
        and entry.model is Component
        and system.lifecycle_stage == LifecycleStage.DEPLOYED
        and values.get("kind", item.record.kind) in MODEL_KINDS
        and bool({"version", "model_identifier"} & set(changes))
    )
    return item


def bom_plan(*, actor, system: AISystem, document: dict) -> BomPlan:
    """What importing ``document`` into ``system`` would do, without writing anything. A
    value the records cannot hold refuses the whole import (400, naming each)."""
    records = {
        Component: list(Component.objects.filter(system=system).select_related("supplier")),
        Dataset: list(Dataset.objects.filter(system=system)),
    }
    warnings: list[str] = []
    errors: list[str] = []
    items: list[PlanItem] = []
    taken: dict[type, set[int]] = {Component: set(), Dataset: set()}
    for entry in read_entries(document):
        record = _match(entry, records[entry.model], taken[entry.model])
        if record is not None and record.pk in taken[entry.model]:
            errors.append(f"{record.reference} {record.name} is listed twice in the BOM.")
            continue
        if record is not None:
            taken[entry.model].add(record.pk)
        items.append(_plan_item(system, entry, record, warnings, errors))
    if errors:
        raise refuse("The BOM cannot be imported: " + " ".join(errors[:10]))
    for item in items:
        if item.report and item.record.supplier_id is None:
            warnings.append(
                f"{item.record.reference} {item.record.name}: no supplier is linked, so the "
                "model change is not reported as a vendor change (the change request carries "
                "it)."
            )
    if any(item.report for item in items) and not has_perm(actor, REPORT_PERMISSION):
        warnings.append(
            "A model version or identifier changes on this deployed system: the change "
            "request carries it; a governance officer reports it as a vendor change."
        )
    untouched = [r for model, rows in records.items() for r in rows if r.pk not in taken[model]]
    return BomPlan(system=system, items=items, warnings=warnings, untouched=untouched)


@transaction.atomic
def bom_import(*, actor, system: AISystem, document: dict) -> BomResult:
    """Import a validated CycloneDX document (cyclonedx.load_document) into ``system``: all
    or nothing. The system's row is locked first, so two imports at once run one after the
    other, and the second finds the first's records and proposed changes."""
    system = AISystem.objects.select_for_update().get(pk=system.pk)
    _require_system_change(actor, system, "inventory.change_component")
    plan = bom_plan(actor=actor, system=system, document=document)
    result = BomResult(plan=plan)
    may_report = has_perm(actor, REPORT_PERMISSION)
    for item in plan.items:
        if item.data:
            record = item.record or item.entry.model(system=system)
            edited = child_edit(actor=actor, record=record, data=item.data, reason=IMPORT_REASON)
            if edited.change is not None:
                result.change_requests.append(edited.change.reference)
            if item.record is None and edited.record is not None:
                result.created.append(edited.record.reference)
            elif edited.record is not None and edited.change is None:
                result.updated.append(edited.record.reference)
        if item.report and may_report and item.record.supplier_id is not None:
            notice, _created = vendor_changes.component_report_bom_change(
                actor=actor,
                component=item.record,
                identifier=item.entry.values.get("model_identifier", ""),
                version=item.entry.values.get("version", item.record.version),
            )
            if notice is not None and notice.reference not in result.notices:
                result.notices.append(notice.reference)
    return result
