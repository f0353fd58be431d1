"""Reads of the evidence library (EVD-): every file or link the user may see, one piece with
its version chain, and the records the pieces prove. The one evidence engine: the browser
pages (aims.evidence.views), the downloads, the API (aims.evidence.api.views and the
``/evidence/`` viewset) and the packs all read evidence through :func:`visible_evidence`.

Evidence is as visible as the record it is attached to, by that record type's rule in
aims.visibility, evaluated in SQL for the whole list: one query lists the record types in
use, one per record type whose parent is generic (corrective actions), then the page and its
count.
"""

from collections.abc import Iterable
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from aims.evidence.registry import attachable_labels, attachable_model
from aims.models import Evidence, ReferencedModel, parse_reference
from aims.visibility import can

EXPIRING_DAYS = 30
VALIDITY_CHOICES = [
    ("valid", "Valid today"),
    ("expiring", f"Expiring within {EXPIRING_DAYS} days"),
    ("expired", "Expired"),
]


def evidence_target_types() -> list[ContentType]:
    """The record types that carry evidence, plus those registered as attachable."""
    models = [m for m in map(attachable_model, attachable_labels()) if m is not None]
    registered = ContentType.objects.get_for_models(*models).values()  # one query, then cached
    used = set(Evidence.objects.order_by().values_list("target_type_id", flat=True).distinct())
    types = [ContentType.objects.get_for_id(pk) for pk in used]
    known = {ct.pk for ct in types}
    for ct in registered:
        if ct.pk not in known:
            types.append(ct)
            known.add(ct.pk)
    return sorted(types, key=lambda ct: (ct.app_label, ct.model))


def visible_evidence(user) -> QuerySet[Evidence]:
    """All evidence (every version) the user may see, filtered in SQL: each piece is as
    visible as its target (``Evidence.permission_parent``), by the target type's rule."""
    return Evidence.objects.select_related("owner", "target_type", "replaces").restrict(user)


def evidence_on(record: Model, *, user, current_only: bool = False) -> QuerySet[Evidence]:
    """The evidence on one record, for its page: visible when the record is (the same rule as
    :func:`visible_evidence`, checked on the record in hand, so a detail page costs one query).
    """
    if not can(user, "view", record):
        return Evidence.objects.none()
    qs = Evidence.objects.filter(
        target_type=ContentType.objects.get_for_model(record), target_id=record.pk
    ).select_related("owner")
    return qs.filter(superseded_at__isnull=True) if current_only else qs


def evidence_library_list(*, user, filters: dict | None = None) -> QuerySet[Evidence]:
    """The library: current versions by default, newest first, with the filters applied."""
    filters = filters or {}
    qs = visible_evidence(user)
    search = (filters.get("q") or "").strip()
    if search:
        pk = parse_reference(Evidence.REFERENCE_PREFIX, search)
        qs = qs.filter(
            Q(pk=pk)
            if pk
            else Q(title__icontains=search)
            | Q(description__icontains=search)
            | Q(original_filename__icontains=search)
        )
    target_type = filters.get("target_type") or ""
    if target_type:
        app_label, _, model = target_type.lower().partition(".")
        qs = qs.filter(target_type__app_label=app_label, target_type__model=model)
    if filters.get("target_id"):
        qs = qs.filter(target_id=filters["target_id"])
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("owner"):
        qs = qs.filter(owner_id=getattr(filters["owner"], "pk", filters["owner"]))
    today = timezone.localdate()
    validity = filters.get("validity")
    if validity == "valid":
        qs = qs.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=today),
            Q(valid_until__isnull=True) | Q(valid_until__gte=today),
        )
    elif validity == "expiring":
        qs = qs.filter(valid_until__gte=today, valid_until__lte=today + timedelta(EXPIRING_DAYS))
    elif validity == "expired":
        qs = qs.filter(valid_until__lt=today)
    if not filters.get("all_versions"):
        qs = qs.filter(superseded_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def evidence_library_get(*, user, pk: int) -> Evidence:
    """One piece of evidence the user may see (old versions too), or Evidence.DoesNotExist."""
    return visible_evidence(user).get(pk=pk)


def version_chain(evidence: Evidence) -> list[Evidence]:
    """Every version of ``evidence``, oldest first (one query per version; chains are short)."""
    first = evidence
    while first.replaces_id is not None:
        first = Evidence.objects.select_related("owner").get(pk=first.replaces_id)
    chain = [first]
    while len(chain) < 1000:
        nxt = Evidence.objects.select_related("owner").filter(replaces=chain[-1]).first()
        if nxt is None:
            break
        chain.append(nxt)
    return chain


def record_names(keys: Iterable[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """How each record is named in an export, by (content type id, record id): its reference
    ("RSK-0003"), else its text; a removed record is missing. For what evidence is attached
    to, and what a corrective action was opened on. One query per record
    type among them, reading ids alone where the reference is the id's."""
    by_type: dict[int, set[int]] = {}
    for type_id, pk in keys:
        by_type.setdefault(type_id, set()).add(pk)
    names: dict[tuple[int, int], str] = {}
    for type_id, ids in by_type.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is None:
            continue
        found = model._base_manager.filter(pk__in=ids)
        if issubclass(model, ReferencedModel) and model.reference is ReferencedModel.reference:
            for pk in found.values_list("pk", flat=True):
                names[(type_id, pk)] = model(pk=pk).reference
        else:
            for obj in found:
                names[(type_id, obj.pk)] = str(getattr(obj, "reference", obj))
    return names


def evidence_targets(items: Iterable[Evidence]) -> dict[tuple[int, int], Model]:
    """The records ``items`` are attached to, by (content type id, record id): one query per
    record type among them."""
    by_type: dict[int, set[int]] = {}
    for e in items:
        by_type.setdefault(e.target_type_id, set()).add(e.target_id)
    targets: dict[tuple[int, int], Model] = {}
    for type_id, ids in by_type.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is None:
            continue
        for obj in model._base_manager.filter(pk__in=ids):
            targets[(type_id, obj.pk)] = obj
    return targets
