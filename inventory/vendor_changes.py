"""The inventory's side of vendor changes: which AI systems depend on a supplier, and what a
vendor change notice does to them.

The suppliers app is below the inventory and never imports it. It asks the provider
registered here (see ``register_supplier_dependencies``, called from InventoryConfig.ready)
to list a supplier's dependents, to fan a notice out and to apply an owner's assessment.
The entry point for a change an integration *detects* on a component lives here too
(``component_report_identifier``), since it starts from an inventory record.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse

from aims.errors import BusinessRuleError
from aims.history import save_with_history
from aims.notifications.services import notify
from aims.permissions import require
from suppliers import services as supplier_services
from suppliers.dependencies import Dependent, register_provider
from suppliers.models import ChangeKind, Supplier, VendorChangeImpact, VendorChangeNotice

from . import selectors, services
from .errors import Code
from .models import AISystem, ChangeRequest, Component, LifecycleStage, RiskTier

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
    """Flag every system that depends on the notice's supplier.

    Each system gets an impact for its owner to assess; a deployed system also gets a
    (not yet material) change request to review, and if its tier is high it stays "change
    under review" until the owner has assessed the change and, where the assessment asks
    for it, the release gate has been passed again. Runs inside the notice's transaction.
    """
    by_system: dict[int, list[Component]] = {}
    systems: dict[int, AISystem] = {}
    for component in dependent_components(notice.supplier):
        by_system.setdefault(component.system_id, []).append(component)
        systems[component.system_id] = component.system
    impacts = []
    for system_id, components in by_system.items():
        system = systems[system_id]
        deployed = system.lifecycle_stage == LifecycleStage.DEPLOYED
        change_reference = ""
        if deployed:
            change = ChangeRequest(
                system=system,
                kind=ChangeRequest.Kind.VENDOR_CHANGE,
                title=f"{notice.reference}: {notice.title}"[:200],
                description=(
                    f"{notice.supplier.name} reported or was seen to change "
                    f"'{notice.affected_service}' ({notice.get_kind_display().lower()}). "
                    "Review it and record your assessment.\n\n" + notice.description
                ).strip(),
                is_material=False,
                status=ChangeRequest.Status.RECORDED,
                requested_by=actor,
            )
            save_with_history(
                change, actor=actor, reason=f"Vendor change {notice.reference} to review"
            )
            change_reference = change.reference
        impact = supplier_services.impact_create(
            actor=actor,
            notice=notice,
            system=system,
            label=f"{system.reference} {system.name}",
            components=", ".join(f"{c.reference} {c.name}" for c in components),
            under_review=deployed and system.risk_tier in REVIEW_TIERS,
            change_reference=change_reference,
        )
        impacts.append(impact)
        notify(
            recipients=[system.owner],
            title=f"Vendor change {notice.reference} affects {system.reference} {system.name}",
            body=f"{notice.supplier.name}: {notice.title}. Record your assessment.",
            link=reverse("suppliers:notice_detail", args=[notice.pk]),
        )
    return impacts


def vendor_change_apply_assessment(*, actor, impact: VendorChangeImpact) -> None:
    """A re-validation or re-approval of a deployed system reopens its release gate through
    a material change request (the release gate then asks for new validation records)."""
    if impact.assessment not in VendorChangeImpact.NEEDS_RELEASE:
        return
    system = AISystem.objects.get(pk=impact.system_id)
    if system.lifecycle_stage != LifecycleStage.DEPLOYED:
        return  # not in production: the release gate is still ahead of it anyway
    label = impact.get_assessment_display().lower()
    change = services.change_request_create(
        actor=actor,
        system=system,
        kind=ChangeRequest.Kind.VENDOR_CHANGE,
        title=f"{impact.notice.reference}: {label} after the vendor change"[:200],
        description=impact.rationale,
        is_material=True,
    )
    supplier_services.impact_set_change_reference(
        actor=actor, impact=impact, reference=change.reference
    )


# --- Detection by an integration ------------------------------------------------------------


@transaction.atomic
def component_report_identifier(
    *, actor, component: Component, identifier: str
) -> tuple[VendorChangeNotice | None, bool]:
    """An integration reports the model identifier it observes for a component.

    The same identifier as recorded: nothing happens (None, False). A different one creates
    a vendor change notice marked "detected" exactly once, however often it is reported;
    later reports answer the same notice (notice, False).
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
    recorded = component.model_identifier or "(none recorded)"
    key = f"component:{component.pk}:{component.model_identifier}->{identifier}"[:300]
    return supplier_services.vendor_change_detect(
        actor=actor,
        supplier=component.supplier,
        detection_key=key,
        previous=component.model_identifier,
        observed=identifier,
        data={
            "affected_service": component.name[:200],
            "kind": ChangeKind.NEW_MODEL_VERSION,
            "title": f"{component.name}: model identifier changed"[:200],
            "description": (
                f"An integration observed '{identifier}' for {component.reference} "
                f"{component.name} of {component.system.reference}; the inventory records "
                f"'{recorded}'."
            ),
        },
    )


# --- Reads ----------------------------------------------------------------------------------


def impacts_on_systems(queryset: QuerySet, systems: QuerySet[AISystem]) -> QuerySet:
    return queryset.filter(system_type=_system_type(), system_id__in=systems.values("pk"))


def still_under_review(*, queryset: QuerySet[VendorChangeImpact]) -> QuerySet:
    releasing = ChangeRequest.objects.filter(
        kind=ChangeRequest.Kind.VENDOR_CHANGE, status=ChangeRequest.Status.IN_RELEASE_REVIEW
    ).values("system_id")
    return queryset.filter(under_review=True).filter(
        Q(assessment=VendorChangeImpact.Assessment.PENDING)
        | Q(assessment__in=VendorChangeImpact.NEEDS_RELEASE, system_id__in=releasing)
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


PROVIDER = InventoryDependencies()


def register_supplier_dependencies() -> None:
    """Tell the suppliers app how to reach AI systems. Idempotent."""
    register_provider(PROVIDER)


# --- Demo data ------------------------------------------------------------------------------

DEMO_NOTICE_TITLE = "GPT-4o snapshot 2024-08-06 retired; GPT-4.1 recommended"


def load_demo(*, stdout) -> None:
    """Link the demo systems' components to the demo suppliers (by provider name) and record
    one vendor change, through the services. Idempotent; run after suppliers.demo.load."""
    from django.contrib.auth import get_user_model

    from suppliers import services as supplier_services

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
