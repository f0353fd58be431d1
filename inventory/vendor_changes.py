"""The inventory's side of vendor changes: which AI systems depend on a supplier, and what a
vendor change notice does to them.

The suppliers app is below the inventory and never imports it. It asks the provider
registered here (see ``register_supplier_dependencies``, called from InventoryConfig.ready)
to list a supplier's dependents, to fan a notice out and to apply an owner's assessment.
The entry point for a change an integration *detects* on a component lives here too
(``component_report_identifier``), since it starts from an inventory record.
"""

import contextvars
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.urls import reverse

from aims.errors import BusinessRuleError, TransitionNotAllowed
from aims.notifications.services import notify
from aims.permissions import require
from suppliers import services as supplier_services
from suppliers.dependencies import Dependent, SystemFacts, register_provider
from suppliers.models import ChangeKind, Supplier, VendorChangeImpact, VendorChangeNotice

from . import selectors
from .errors import Code
from .models import AISystem, ChangeRequest, Component, LifecycleStage, RiskTier

# This module is imported by inventory.services (change_request_create asks
# ``change_request_refusal``), so it imports the services package lazily, where used.

# Systems whose records are closed are not flagged: nothing of theirs can change any more.
CLOSED = (LifecycleStage.RETIRED, LifecycleStage.REJECTED)
# "A deployed system of high tier is marked 'change under review'."
REVIEW_TIERS = (RiskTier.HIGH,)


def _system_type() -> ContentType:
    return ContentType.objects.get_for_model(AISystem)


def dependent_components(supplier: Supplier) -> QuerySet[Component]:
    return (
        Component.objects.filter(supplier=supplier)
        .exclude(system__lifecycle_stage__in=CLOSED)
        .select_related("system", "system__owner")
        .order_by("system_id", "name", "id")
    )


# --- Fan-out and assessment -----------------------------------------------------------------


def vendor_change_fan_out(*, actor, notice: VendorChangeNotice) -> list[VendorChangeImpact]:
    """Flag every system that depends on the notice's supplier and is not flagged by this
    notice yet: one impact per system and notice, however many of its components use the
    supplier and however often the change is seen (safe to call again).

    Each system gets an impact for its owner to assess. No change request is opened here:
    the impact is what waits for assessment (a high-tier deployed system waits with it, see
    ``waiting_impacts``); an assessment that asks for the release gate opens the one change
    request of this notice and system (``vendor_change_apply_assessment``). Runs inside the
    notice's transaction.
    """
    by_system: dict[int, list[Component]] = {}
    systems: dict[int, AISystem] = {}
    for component in dependent_components(notice.supplier):
        by_system.setdefault(component.system_id, []).append(component)
        systems[component.system_id] = component.system
    flagged = set(
        VendorChangeImpact.objects.filter(
            notice=notice, system_type=_system_type(), system_id__in=list(systems)
        ).values_list("system_id", flat=True)
    )
    impacts = []
    for system_id, components in by_system.items():
        if system_id in flagged:
            continue
        system = systems[system_id]
        deployed = system.lifecycle_stage == LifecycleStage.DEPLOYED
        impact = supplier_services.impact_create(
            actor=actor,
            notice=notice,
            system=system,
            label=f"{system.reference} {system.name}",
            components=", ".join(f"{c.reference} {c.name}" for c in components),
            under_review=deployed and system.risk_tier in REVIEW_TIERS,
        )
        if impact is None:
            continue
        impacts.append(impact)
        notify(
            recipients=[system.owner],
            title=f"Vendor change {notice.reference} affects {system.reference} {system.name}",
            body=f"{notice.supplier.name}: {notice.title}. Record your assessment.",
            link=reverse("suppliers:notice_detail", args=[notice.pk]),
        )
    return impacts


# Set while an assessment opens its change request: the change request that carries a vendor
# change through the release gate is how the system stops waiting, so it never waits itself.
_opening_for_assessment: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "vendor_change_assessment", default=None
)


def vendor_change_apply_assessment(*, actor, impact: VendorChangeImpact) -> None:
    """A re-validation or re-approval of a deployed system reopens its release gate through
    a material change request (the release gate then asks for new validation records): the
    one change request of this notice and system."""
    from . import services

    if impact.assessment not in VendorChangeImpact.NEEDS_RELEASE or impact.change_reference:
        return
    system = AISystem.objects.get(pk=impact.system_id)
    if system.lifecycle_stage != LifecycleStage.DEPLOYED:
        return  # not in production: the release gate is still ahead of it anyway
    label = impact.get_assessment_display().lower()
    token = _opening_for_assessment.set(impact.pk)
    try:
        change = services.change_request_create(
            actor=actor,
            system=system,
            kind=ChangeRequest.Kind.VENDOR_CHANGE,
            title=f"{impact.notice.reference}: {label} after the vendor change"[:200],
            description=impact.rationale,
            is_material=True,
        )
    finally:
        _opening_for_assessment.reset(token)
    supplier_services.impact_set_change_reference(
        actor=actor, impact=impact, reference=change.reference
    )


# --- What waits while a vendor change is unassessed -----------------------------------------
#
# A high-tier system that is (or was) in production and has a vendor change not assessed yet
# -- pending, or an owner's "no impact" awaiting an officer's confirmation -- waits: the
# inventory list and the system page show it, its gates refuse approval (a gate check), its
# change requests other than emergency fixes are refused (``change_request_refusal``) and
# reminders run (suppliers.reminders). One rule, ``waiting_impacts``, serves them all.


def _waiting_systems() -> QuerySet[AISystem]:
    return AISystem.objects.filter(risk_tier__in=REVIEW_TIERS).exclude(lifecycle_stage__in=CLOSED)


def waiting_impacts(queryset: QuerySet | None = None) -> QuerySet[VendorChangeImpact]:
    """The unassessed impacts that keep a high-tier system waiting: the system is deployed
    (or back at the release gate after a change to its deployed version), or was flagged
    while deployed and has not left the high tier."""
    queryset = VendorChangeImpact.objects.all() if queryset is None else queryset
    high = _waiting_systems()
    live = high.filter(Q(lifecycle_stage=LifecycleStage.DEPLOYED) | Q(release_round__gt=1))
    return queryset.filter(
        system_type=_system_type(), assessment__in=VendorChangeImpact.UNASSESSED
    ).filter(
        Q(system_id__in=live.values("pk")) | Q(under_review=True, system_id__in=high.values("pk"))
    )


def unassessed_vendor_changes(system: AISystem) -> QuerySet[VendorChangeImpact]:
    """The vendor changes keeping ``system`` waiting, oldest first, with their notices."""
    return (
        waiting_impacts()
        .filter(system_id=system.pk)
        .select_related("notice__supplier")
        .order_by("created_at", "id")
    )


def systems_waiting_on_vendor_change(system_ids: Iterable[int]) -> set[int]:
    """Which of ``system_ids`` wait on a vendor change (one query, for a page of a list)."""
    return set(
        waiting_impacts()
        .filter(system_id__in=list(system_ids))
        .values_list("system_id", flat=True)
        .distinct()
    )


def describe(impact: VendorChangeImpact) -> str:
    notice = impact.notice
    state = (
        "awaits an officer's confirmation of the owner's 'no impact'"
        if impact.assessment == VendorChangeImpact.Assessment.NO_IMPACT_PROPOSED
        else "is not assessed yet"
    )
    return f"Vendor change {notice.reference} ({notice.supplier.name}: {notice.title}) {state}."


def vendor_change_gate_check(system: AISystem, gate: str) -> list[str]:
    """Registered with the gates: no gate of a waiting system is approved."""
    return [describe(i) for i in unassessed_vendor_changes(system)]


def change_request_refusal(*, system: AISystem, kind: str) -> BusinessRuleError | None:
    """Why a change request of ``kind`` on ``system`` waits, or None: while a vendor change
    keeps a high-tier system waiting, only an emergency fix (security or safety) is taken.
    inventory.services.records.change_request_create asks this."""
    if kind == ChangeRequest.Kind.EMERGENCY_FIX or _opening_for_assessment.get() is not None:
        return None
    waiting = [describe(i) for i in unassessed_vendor_changes(system)]
    if not waiting:
        return None
    return TransitionNotAllowed(
        "Changes to this system wait until its vendor changes are assessed (an emergency "
        "fix may still be recorded): " + " ".join(waiting),
        code=Code.VENDOR_CHANGE_UNASSESSED,
        extra={"missing": waiting},
    )


def waiting_impacts_with_owner(queryset: QuerySet) -> QuerySet:
    owner = AISystem.objects.filter(pk=OuterRef("system_id")).values("owner_id")[:1]
    return waiting_impacts(queryset).annotate(system_owner_id=Subquery(owner))


def system_facts(impact: VendorChangeImpact) -> SystemFacts:
    row = (
        AISystem.objects.filter(pk=impact.system_id).values("owner_id", "risk_tier").first()
        if impact.system_type_id == _system_type().pk
        else None
    )
    if row is None:
        return SystemFacts(owner_id=None, high_tier=False)
    return SystemFacts(owner_id=row["owner_id"], high_tier=row["risk_tier"] in REVIEW_TIERS)


# --- Detection by an integration ------------------------------------------------------------


@transaction.atomic
def component_report_identifier(
    *,
    actor,
    component: Component,
    identifier: str,
    previous: str | None = None,
    detection_key: str = "",
) -> tuple[VendorChangeNotice | None, bool]:
    """An integration reports the model identifier it observes for a component.

    The same identifier as recorded: nothing happens (None, False). A different one is a
    change of the supplier's model from the recorded identifier to the observed one: the
    first component on which it is seen creates the "detected" notice (notice, True); the
    same change seen on another component is added to that notice as a sighting (notice,
    False), and a repeated report changes nothing (notice, False).

    An integration that keeps its own state (the model registry sync, inventory.registry)
    names the identifier it saw before (``previous``, instead of the recorded one) and the
    key of its sighting (``detection_key``), so each change it sees is one sighting.
    """
    require(actor, "suppliers.add_vendorchangenotice", message="You may not report vendor changes.")
    identifier = identifier.strip()
    if not identifier:
        from django.core.exceptions import ValidationError

        raise ValidationError({"model_identifier": ["Report the identifier you observe."]})
    component = Component.objects.select_related("system", "supplier").get(pk=component.pk)
    if identifier == component.model_identifier:
        return None, False
    if component.supplier is None:
        raise BusinessRuleError(
            f"{component.reference} has no supplier: link it to one before reporting changes.",
            code=Code.NO_SUPPLIER,
        )
    before = component.model_identifier if previous is None else previous
    recorded = before or "(none recorded)"
    model = component.model_identifier or identifier
    key = detection_key or f"component:{component.pk}:{component.model_identifier}->{identifier}"
    label = f"{component.reference} {component.name} of {component.system.reference}"
    seen = "the inventory records" if previous is None else "it saw before"
    return supplier_services.vendor_change_detect(
        actor=actor,
        supplier=component.supplier,
        detection_key=key[:300],
        previous=before,
        observed=identifier,
        target=component,
        target_label=label,
        data={
            "affected_service": model[:200],
            "kind": ChangeKind.NEW_MODEL_VERSION,
            "title": f"Model changed: {recorded} -> {identifier}"[:200],
            "description": (
                f"An integration observed '{identifier}' for {label}; {seen} "
                f"'{recorded}'. Every component on which the change is seen is listed on "
                "this notice."
            ),
        },
    )


def model_identity(*, identifier: str, version: str, name: str) -> str:
    """How a BOM names the model a component is: its identifier (or name), at its version."""
    base = identifier or name
    return f"{base}@{version}" if version else base


@transaction.atomic
def component_report_bom_change(
    *, actor, component: Component, identifier: str, version: str
) -> tuple[VendorChangeNotice | None, bool]:
    """An imported bill of materials states another model identifier or version for a
    component of a deployed system: the same observation as an integration's, once. The
    detection key is the component and the identity the BOM states, so the same BOM
    imported again (or twice at once) adds nothing: (notice, False)."""
    component = Component.objects.select_related("system", "supplier").get(pk=component.pk)
    previous = model_identity(
        identifier=component.model_identifier, version=component.version, name=component.name
    )
    observed = model_identity(
        identifier=identifier or component.model_identifier, version=version, name=component.name
    )
    if observed == previous:
        return None, False
    if component.supplier is None:
        raise BusinessRuleError(
            f"{component.reference} has no supplier: link it to one before reporting changes.",
            code=Code.NO_SUPPLIER,
        )
    label = f"{component.reference} {component.name} of {component.system.reference}"
    return supplier_services.vendor_change_detect(
        actor=actor,
        supplier=component.supplier,
        detection_key=f"bom:component:{component.pk}:{observed}"[:300],
        previous=previous,
        observed=observed,
        target=component,
        target_label=label,
        data={
            "affected_service": (component.model_identifier or component.name)[:200],
            "kind": ChangeKind.NEW_MODEL_VERSION,
            "title": f"Model changed: {previous} -> {observed}"[:200],
            "description": (
                f"An imported bill of materials states '{observed}' for {label}; the "
                f"inventory records '{previous}'. Every component on which the change is "
                "seen is listed on this notice."
            ),
        },
    )


# --- Reads ----------------------------------------------------------------------------------


def impacts_on_systems(queryset: QuerySet, systems: QuerySet[AISystem]) -> QuerySet:
    return queryset.filter(system_type=_system_type(), system_id__in=systems.values("pk"))


def still_under_review(*, queryset: QuerySet[VendorChangeImpact]) -> QuerySet:
    """Waiting for assessment (``waiting_impacts``), or assessed as needing the release gate
    of a deployed high-tier system, which has not been passed again."""
    releasing = ChangeRequest.objects.filter(
        kind=ChangeRequest.Kind.VENDOR_CHANGE, status=ChangeRequest.Status.IN_RELEASE_REVIEW
    ).values("system_id")
    return queryset.filter(
        Q(pk__in=waiting_impacts(queryset).values("pk"))
        | Q(
            under_review=True,
            assessment__in=VendorChangeImpact.NEEDS_RELEASE,
            system_id__in=releasing,
        )
    )


def systems_under_vendor_review(*, user) -> QuerySet[AISystem]:
    """The systems the user may see that are "change under review" because of a vendor."""
    impacts = still_under_review(
        queryset=VendorChangeImpact.objects.filter(system_type=_system_type())
    )
    return selectors.restrict_systems(
        AISystem.objects.filter(pk__in=impacts.values("system_id")).select_related("owner"), user
    )


class InventoryDependencies:
    """The provider the suppliers app asks about AI systems (see suppliers.dependencies)."""

    def dependents(self, *, user, supplier: Supplier) -> list[Dependent]:
        visible = selectors.restrict_systems(AISystem.objects.all(), user).values("pk")
        found: dict[int, Dependent] = {}
        for c in dependent_components(supplier).filter(system__in=visible):
            system = c.system
            if system.pk not in found:
                found[system.pk] = Dependent(
                    system_id=system.pk,
                    reference=system.reference,
                    name=system.name,
                    stage=system.get_lifecycle_stage_display(),
                    tier=system.get_risk_tier_display(),
                    url=reverse("inventory:system_detail", args=[system.pk]),
                )
            found[system.pk].components.append(
                {
                    "id": c.pk,
                    "reference": c.reference,
                    "name": c.name,
                    "model_identifier": c.model_identifier,
                }
            )
        return list(found.values())

    def fan_out(self, *, actor, notice) -> None:
        vendor_change_fan_out(actor=actor, notice=notice)

    def after_assessment(self, *, actor, impact) -> None:
        vendor_change_apply_assessment(actor=actor, impact=impact)

    def restrict_impacts(self, *, user, queryset: QuerySet, codename: str) -> QuerySet:
        systems = selectors.restrict_systems(AISystem.objects.all(), user, codename)
        return impacts_on_systems(queryset, systems)

    def still_under_review(self, *, queryset: QuerySet) -> QuerySet:
        return still_under_review(queryset=queryset)

    def system_facts(self, *, impact) -> SystemFacts:
        return system_facts(impact)

    def waiting_impacts(self, *, queryset: QuerySet) -> QuerySet:
        return waiting_impacts_with_owner(queryset)


PROVIDER = InventoryDependencies()


def register_supplier_dependencies() -> None:
    """Tell the suppliers app how to reach AI systems, and the gates to wait while a vendor
    change is unassessed. Idempotent."""
    from .services.gates import register_gate_check

    register_provider(PROVIDER)
    register_gate_check(vendor_change_gate_check)


# --- Demo data ------------------------------------------------------------------------------

DEMO_NOTICE_TITLE = "GPT-4o snapshot 2024-08-06 retired; GPT-4.1 recommended"


def load_demo(*, stdout) -> None:
    """Link the demo systems' components to the demo suppliers (by provider name) and record
    one vendor change, through the services. Idempotent; run after suppliers.demo.load."""
    from django.contrib.auth import get_user_model

    from . import services

    officer = get_user_model().objects.filter(username="officer").first()
    if officer is None:
        return
    suppliers = {s.name: s for s in Supplier.objects.all()}
    linked = 0
    for component in Component.objects.filter(supplier__isnull=True, provider__in=suppliers):
        if component.system.lifecycle_stage in CLOSED:
            continue
        services.child_save(
            actor=officer, record=component, data={"supplier": suppliers[component.provider]}
        )
        linked += 1
    openai = suppliers.get("OpenAI")
    if openai and not VendorChangeNotice.objects.filter(title=DEMO_NOTICE_TITLE).exists():
        supplier_services.vendor_change_record(
            actor=officer,
            supplier=openai,
            data={
                "affected_service": "GPT-4o (pinned snapshot)",
                "kind": ChangeKind.DEPRECATION,
                "source": "vendor_notice",
                "title": DEMO_NOTICE_TITLE,
                "description": "The vendor retires the pinned snapshot; calls move to the "
                "current model unless a newer snapshot is pinned.",
            },
        )
    stdout.write(f"Vendor dependencies: {linked} component(s) linked to suppliers.")
