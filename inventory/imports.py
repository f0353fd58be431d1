"""AI systems imported from a spreadsheet (aims.imports): the columns of the systems export
(a file exported can be imported back, unchanged), each row planned against the rules the
forms follow and written through the same services (intake, edit, owner change).

A row names its system by Reference (AIS-0007) or by External id (the organisation's own
identifier); a row naming neither is refused, so importing a file twice never adds copies.
A blank cell leaves the field as it is. The lifecycle stage and the risk tier are in the
export but are never set by an import: they move through triage, the gates and the risk
classification, so a row that changes them is refused."""

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q, TextChoices

from aims.imports.kinds import Column, Kind, Plan, RowError
from aims.imports.reading import Row
from aims.models import parse_reference
from aims.permissions import has_global_perm

from . import services
from .models import (
    AISystem,
    AITechnique,
    BusinessUnit,
    Component,
    DecisionImpact,
    DeploymentType,
    HumanOversight,
    LifecycleStage,
    PersonalData,
    RiskTier,
)

Parser = Callable[[Any], Any]


def choice(enum: type[TextChoices]) -> Parser:
    """A choice by its label (as the export writes it) or its stored value, any case."""
    known = {}
    for value, label in enum.choices:
        known[str(label).casefold()] = value
        known[value.casefold()] = value

    def parse(cell: Any) -> str:
        found = known.get(str(cell).strip().casefold())
        if found is None:
            labels = "; ".join(str(label) for _, label in enum.choices)
            raise ValueError(f"'{cell}' is not one of: {labels}")
        return found

    return parse


YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0"}


def yes_no(cell: Any) -> bool:
    if isinstance(cell, bool):
        return cell
    text = str(cell).strip().casefold()
    if text in YES or text in NO:
        return text in YES
    raise ValueError(f"'{cell}' is not yes or no")


def a_date(cell: Any) -> date:
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    try:
        return date.fromisoformat(str(cell).strip())
    except ValueError:
        raise ValueError(f"'{cell}' is not a date (write it as YYYY-MM-DD)") from None


def text(cell: Any) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def whole_number(cell: Any) -> int:
    try:
        number = float(cell)
    except (TypeError, ValueError):
        number = None
    if number is None or not number.is_integer():
        raise ValueError(f"'{cell}' is not a whole number")
    return int(number)


REFERENCE, EXTERNAL_ID, OWNER = "Reference", "External id", "Owner"
STAGE, TIER = "Lifecycle stage", "Risk tier"

#: (heading, field, parser): the fields an import may set, in the export's order first.
SYSTEM_FIELDS: tuple[tuple[str, str, Parser], ...] = (
    ("Name", "name", text),
    ("Business unit", "business_unit", choice(BusinessUnit)),
    ("Deployment type", "deployment_type", choice(DeploymentType)),
    ("AI technique", "ai_technique", choice(AITechnique)),
    ("Decision impact", "decision_impact", choice(DecisionImpact)),
    ("Human oversight", "human_oversight", choice(HumanOversight)),
    ("Personal data", "personal_data", choice(PersonalData)),
    ("User facing", "user_facing", yes_no),
    ("Used in the EU", "used_in_eu", yes_no),
    ("Next review", "next_review_date", a_date),
    ("Purpose", "purpose", text),
    (EXTERNAL_ID, "external_id", text),
    ("Expected benefit", "expected_benefit", text),
    ("Who uses it", "intended_users", text),
    ("Affected groups", "affected_groups", text),
    ("Data used", "data_description", text),
    ("Known risks", "known_risks", text),
    ("Review cadence (months)", "review_cadence_months", whole_number),
    ("In the AIMS scope", "in_aims_scope", yes_no),
)
HEADING_OF = {f: h for h, f, _ in SYSTEM_FIELDS}
STAGE_OF = choice(LifecycleStage)
TIER_OF = choice(RiskTier)

#: The export's columns (inventory.views.CSV_COLUMNS) in its order: the template's columns.
EXPORT_HEADINGS = (
    "Reference", "Name", "Business unit", "Owner", "Lifecycle stage", "Risk tier",
    "Deployment type", "AI technique", "Decision impact", "Human oversight", "Personal data",
    "User facing", "Used in the EU", "Next review", "Purpose", "External id",
)  # fmt: skip
EXTRA_HEADINGS = tuple(h for h, _, _ in SYSTEM_FIELDS if h not in EXPORT_HEADINGS)
SYSTEM_COLUMNS = (
    *(Column(h, required=h == "Name") for h in EXPORT_HEADINGS),
    *(Column(h) for h in EXTRA_HEADINGS),
)


def may_import_systems(user) -> bool:
    return has_global_perm(user, "inventory.add_aisystem")


def plan_systems(actor, rows: list[Row], seen: dict) -> list[Plan]:
    """Plan a chunk of system rows: one query for the systems they name, one for those the
    actor may change, one for the owners they name."""
    ids = {r.number: parse_reference(AISystem.REFERENCE_PREFIX, r.text(REFERENCE)) for r in rows}
    externals = {r.text(EXTERNAL_ID) for r in rows} - {""}
    found = list(
        AISystem.objects.filter(
            Q(pk__in={i for i in ids.values() if i}) | Q(external_id__in=externals)
        ).select_related("owner")
    )
    by_pk = {s.pk: s for s in found}
    by_external = {s.external_id: s for s in found if s.external_id}
    pks = [s.pk for s in found]
    visible = set(
        AISystem.objects.restrict(actor, "view").filter(pk__in=pks).values_list("pk", flat=True)
    )
    changeable = set(
        AISystem.objects.restrict(actor, "change").filter(pk__in=pks).values_list("pk", flat=True)
    )
    names = {r.text(OWNER) for r in rows} - {""}
    users = {
        u.username: u for u in get_user_model().objects.filter(username__in=names, is_active=True)
    }
    context = {
        "by_pk": by_pk, "by_external": by_external, "visible": visible,
        "changeable": changeable, "users": users, "seen": seen,
        "triage": has_global_perm(actor, services.TRIAGE_PERMISSION),
        "add": has_global_perm(actor, "inventory.add_aisystem"),
    }  # fmt: skip
    # A row with a cell refused as it was read (a formula) is not planned further: its
    # other columns would only add errors that follow from the first.
    return [
        Plan("create") if row.problems else _plan_system(actor, row, ids[row.number], context)
        for row in rows
    ]


def _plan_system(actor, row: Row, pk: int | None, ctx: dict) -> Plan:
    errors: list[RowError] = []
    values = _values(row, errors)
    reference = row.text(REFERENCE)
    external = values.get("external_id", "")
    if reference and pk is None:
        errors.append(
            RowError(REFERENCE, f"'{reference}' is not an AI system reference (AIS-0001).")
        )
    if not reference and not external:
        why = "so importing the file again updates this row"
        errors.append(RowError(EXTERNAL_ID, f"Give an External id or a Reference, {why}."))
    if errors:
        return Plan("create", errors=errors)
    system = ctx["by_pk"].get(pk) if pk else ctx["by_external"].get(external)
    if pk and (system is None or system.pk not in ctx["visible"]):
        return _refused(REFERENCE, f"There is no AI system {reference} that you can see.")
    for key in (("pk", pk), ("external", external)):
        if key[1]:
            if key in ctx["seen"]:
                return _refused(REFERENCE if key[0] == "pk" else EXTERNAL_ID,
                                f"The same system as row {ctx['seen'][key]}.")  # fmt: skip
            ctx["seen"][key] = row.number
    if system is not None and system.pk not in ctx["visible"]:
        return _refused(EXTERNAL_ID, f"External id '{external}' belongs to an AI system you "
                        "cannot see; an import may not take it over.")  # fmt: skip
    clash = ctx["by_external"].get(external) if external else None
    if system is not None and clash is not None and clash.pk != system.pk:
        return _refused(
            EXTERNAL_ID, f"External id '{external}' is already used by {clash.reference}."
        )
    owner = _owner(row, ctx, errors)
    if system is None:
        return _plan_create(actor, row, values, owner, ctx, errors)
    return _plan_update(actor, row, system, values, owner, ctx, errors)


def _refused(column: str, message: str) -> Plan:
    return Plan("create", errors=[RowError(column, message)])


def _values(row: Row, errors: list[RowError], fields=None) -> dict[str, Any]:
    """The row's cells parsed into field values (system fields unless ``fields`` is given);
    a cell that does not parse is a row error naming its column."""
    values = {}
    for heading, field, parse in fields if fields is not None else SYSTEM_FIELDS:
        if heading in row.cells:
            try:
                values[field] = parse(row.cells[heading])
            except ValueError as error:
                errors.append(RowError(heading, f"{error}."))
    return values


def _owner(row: Row, ctx: dict, errors: list[RowError]):
    name = row.text(OWNER)
    if not name:
        return None
    user = ctx["users"].get(name)
    if user is None:
        errors.append(RowError(OWNER, f"There is no active user '{name}'."))
    return user


def _fixed(row: Row, heading: str, parse: Parser, current: str, errors, why: str) -> None:
    """A stage or tier column: read for the round trip, refused when it would change."""
    if heading not in row.cells:
        return
    try:
        value = parse(row.cells[heading])
    except ValueError as error:
        errors.append(RowError(heading, f"{error}."))
        return
    if value != current:
        errors.append(RowError(heading, f"cannot be changed by an import: {why}."))


STAGE_WHY = "the stage moves through triage, the gates and the lifecycle actions"
TIER_WHY = "the risk tier is set by the risk classification"


def _plan_create(actor, row, values, owner, ctx, errors) -> Plan:
    if not ctx["add"]:
        errors.append(RowError(REFERENCE, "You may not register AI systems."))
    if owner is not None and owner != actor and not ctx["triage"]:
        errors.append(RowError(OWNER, "Only a governance officer can register a system for "
                               "another owner."))  # fmt: skip
    _fixed(row, STAGE, STAGE_OF, LifecycleStage.INTAKE_SUBMITTED, errors, STAGE_WHY)
    _fixed(row, TIER, TIER_OF, RiskTier.UNCLASSIFIED, errors, TIER_WHY)
    candidate = AISystem(**values, owner=owner or actor)
    _validate(candidate, errors)
    if errors:
        return Plan("create", errors=errors)

    def apply():
        intake = {
            f: v for f, v in values.items() if f in services.INTAKE_FIELDS or f == "external_id"
        }
        later = {f: v for f, v in values.items() if f not in intake}
        system = services.system_submit_intake(
            actor=actor, data=intake, owner=owner if owner not in (None, actor) else None
        )
        if later:
            services.system_edit(actor=actor, system=system, data=later)

    return Plan("create", apply=apply)


def _plan_update(actor, row, system, values, owner, ctx, errors) -> Plan:
    _fixed(row, STAGE, STAGE_OF, system.lifecycle_stage, errors, STAGE_WHY)
    _fixed(row, TIER, TIER_OF, system.risk_tier, errors, TIER_WHY)
    diff = {f: v for f, v in values.items() if getattr(system, f) != v}
    new_owner = owner if owner is not None and owner.pk != system.owner_id else None
    if not diff and new_owner is None:
        return Plan("unchanged", errors=errors)
    if system.pk not in ctx["changeable"]:
        errors.append(RowError(REFERENCE, f"You may not change {system.reference}."))
    elif new_owner is not None and not ctx["triage"]:
        errors.append(RowError(OWNER, "Only a governance officer can change owners."))
    if system.lifecycle_stage in (LifecycleStage.RETIRED, LifecycleStage.REJECTED):
        errors.append(RowError(REFERENCE, f"{system.reference} is "
                               f"{system.get_lifecycle_stage_display().lower()}; it is kept as "
                               "it was and cannot be changed."))  # fmt: skip
    candidate = AISystem(**{**_field_values(system), **diff})
    _validate(candidate, errors)
    if errors:
        return Plan("update", errors=errors)

    def apply():
        if diff:
            services.system_edit(actor=actor, system=system, data=diff)
        if new_owner is not None:
            services.system_set_owner(actor=actor, system=system, owner=new_owner)

    return Plan("update", apply=apply)


def _field_values(system: AISystem) -> dict[str, Any]:
    return {f.attname: getattr(system, f.attname) for f in AISystem._meta.concrete_fields}


def _validate(candidate: AISystem, errors: list[RowError]) -> None:
    """The model's own checks (choices, lengths, required fields), as the service's
    full_clean will run them; uniqueness of the external id is checked on the chunk."""
    try:
        candidate.clean_fields(exclude=["owner", "oversight_person", "submitted_by",
                                        "triage_assignee"])  # fmt: skip
        candidate.clean()
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            heading = HEADING_OF.get(field, field.replace("_", " ").capitalize())
            errors.append(RowError(heading, " ".join(messages)))


SYSTEMS = Kind(
    name="systems",
    label="AI systems",
    columns=SYSTEM_COLUMNS,
    plan_rows=plan_systems,
    may_import=may_import_systems,
    example={
        "External id": "HR-CV-01", "Name": "CV screening assistant",
        "Business unit": "Human resources", "Deployment type": "Third-party API",
        "AI technique": "Generative AI / LLM", "Decision impact": "Assists a human",
        "Human oversight": "Human in the loop (approves each output)",
        "Personal data": "Personal data", "User facing": "no", "Used in the EU": "yes",
        "Purpose": "Ranks applications for a recruiter to read first.",
    },
)  # fmt: skip


# --- Components ------------------------------------------------------------------------------
# A component row names its system (by reference or the system's external id) and itself by
# Reference (CMP-0003) or by its own External id. It is written through child_edit, as the
# component form is: from "approved for development" on, adding one or changing a material
# fact opens a change request instead.

SYSTEM = "System"
COMPONENT_FIELDS: tuple[tuple[str, str, Parser], ...] = (
    ("Kind", "kind", choice(Component.Kind)),
    ("Name", "name", text),
    ("Version", "version", text),
    ("Provider", "provider", text),
    ("Model identifier", "model_identifier", text),
    ("Notes", "notes", text),
    (EXTERNAL_ID, "external_id", text),
)
COMPONENT_HEADING_OF = {f: h for h, f, _ in COMPONENT_FIELDS}
COMPONENT_COLUMNS = (
    Column(SYSTEM, required=True),
    Column(REFERENCE),
    *(Column(h, required=h == "Name") for h, _, _ in COMPONENT_FIELDS),
)


def may_import_components(user) -> bool:
    return has_global_perm(user, "inventory.add_component")


def plan_components(actor, rows: list[Row], seen: dict) -> list[Plan]:
    """Plan a chunk of component rows: one query each for the systems, the components and
    the systems the actor may change."""
    system_keys = {r.text(SYSTEM) for r in rows} - {""}
    system_ids = {parse_reference(AISystem.REFERENCE_PREFIX, k) for k in system_keys} - {None}
    systems = list(AISystem.objects.filter(Q(pk__in=system_ids) | Q(external_id__in=system_keys)))
    visible = set(
        AISystem.objects.restrict(actor, "view")
        .filter(pk__in=[s.pk for s in systems])
        .values_list("pk", flat=True)
    )
    by_key = {}
    for s in systems:
        if s.pk in visible:
            by_key[s.reference] = s
            if s.external_id:
                by_key[s.external_id] = s
    changeable = set(
        AISystem.objects.restrict(actor, "change")
        .filter(pk__in=list(visible))
        .values_list("pk", flat=True)
    )
    refs = {parse_reference(Component.REFERENCE_PREFIX, r.text(REFERENCE)) for r in rows} - {None}
    externals = {r.text(EXTERNAL_ID) for r in rows} - {""}
    components = list(Component.objects.filter(Q(pk__in=refs) | Q(external_id__in=externals)))
    context = {
        "systems": by_key, "changeable": changeable, "seen": seen,
        "by_pk": {c.pk: c for c in components},
        "by_external": {c.external_id: c for c in components if c.external_id},
    }  # fmt: skip
    return [
        Plan("create") if row.problems else _plan_component(actor, row, context) for row in rows
    ]


def _plan_component(actor, row: Row, ctx: dict) -> Plan:
    errors: list[RowError] = []
    values = _values(row, errors, COMPONENT_FIELDS)
    key = row.text(SYSTEM)
    number = parse_reference(AISystem.REFERENCE_PREFIX, key)
    system = ctx["systems"].get(AISystem(pk=number).reference if number else key)
    if system is None:
        errors.append(RowError(SYSTEM, f"There is no AI system '{row.text(SYSTEM)}' that you "
                               "can see (give its reference or its external id)."))  # fmt: skip
        return Plan("create", errors=errors)
    reference, external = row.text(REFERENCE), values.get("external_id", "")
    pk = parse_reference(Component.REFERENCE_PREFIX, reference) if reference else None
    if reference and pk is None:
        errors.append(RowError(REFERENCE, f"'{reference}' is not a component reference."))
    if not reference and not external:
        why = "so importing the file again updates this row"
        errors.append(RowError(EXTERNAL_ID, f"Give an External id or a Reference, {why}."))
    if errors:
        return Plan("create", errors=errors)
    component = ctx["by_pk"].get(pk) if pk else ctx["by_external"].get(external)
    if component is not None and component.system_id != system.pk:
        column = REFERENCE if pk else EXTERNAL_ID
        return _refused(column, f"{component.reference} belongs to another AI system.")
    if pk and component is None:
        return _refused(REFERENCE, f"There is no component {reference} of {system.reference}.")
    for seen_key in (("component", pk), ("component-external", external)):
        if seen_key[1]:
            if seen_key in ctx["seen"]:
                return _refused(SYSTEM, f"The same component as row {ctx['seen'][seen_key]}.")
            ctx["seen"][seen_key] = row.number
    if system.pk not in ctx["changeable"]:
        errors.append(RowError(SYSTEM, f"You may not change the records of {system.reference}."))
    if component is None:
        candidate = Component(system=system, **values)
        action, diff = "create", values
    else:
        diff = {f: v for f, v in values.items() if getattr(component, f) != v}
        if not diff:
            return Plan("unchanged")
        candidate = Component(**{**_fields(component), **diff})
        action = "update"
    if system.lifecycle_stage in (LifecycleStage.RETIRED, LifecycleStage.REJECTED):
        errors.append(RowError(SYSTEM, f"{system.reference} is closed: its records are kept "
                               "as they were."))  # fmt: skip
    try:
        candidate.clean_fields(exclude=["system", "supplier"])
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.append(RowError(COMPONENT_HEADING_OF.get(field, field), " ".join(messages)))
    if errors:
        return Plan(action, errors=errors)

    def apply():
        record = component if component is not None else Component(system=system)
        services.child_save(actor=actor, record=record, data=diff)

    return Plan(action, apply=apply)


def _fields(record) -> dict[str, Any]:
    return {f.attname: getattr(record, f.attname) for f in type(record)._meta.concrete_fields}


COMPONENTS = Kind(
    name="components",
    label="Components of AI systems",
    columns=COMPONENT_COLUMNS,
    plan_rows=plan_components,
    may_import=may_import_components,
    example={
        "System": "HR-CV-01", "External id": "HR-CV-01-LLM", "Kind": "Hosted model API",
        "Name": "Screening model", "Version": "2025-01", "Provider": "Example AI Ltd",
    },
)  # fmt: skip
KINDS = [SYSTEMS, COMPONENTS]
