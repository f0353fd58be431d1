"""Reads of the evidence library (EVD-): every file or link the user may see, one piece with
its version chain, and the records the pieces prove. Shared by the browser pages
(aims.evidence_views) and the API (aims.api.evidence_views).

Visibility follows the rule of aims.views._visible_evidence — evidence is as visible as the
record it is attached to — evaluated in SQL for the whole list: for each record type that
carries evidence, the type's ``permission_parent`` chain is followed (by introspection) up to
the record that carries permissions; a role permission on that root shows every record of the
type, otherwise the user's django-guardian object permissions on the root do. The query count
is fixed: one query lists the record types in use, one per record type whose parent is
generic (corrective actions), then the page and its count.
"""

import inspect
from collections.abc import Iterable
from datetime import timedelta

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db.models import BigIntegerField, Model, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone
from guardian.utils import get_group_obj_perms_model, get_user_obj_perms_model

from .evidence import attachable_labels, attachable_model
from .models import Evidence, parse_reference
from .permissions import has_global_perm

EXPIRING_DAYS = 30
VALIDITY_CHOICES = [
    ("valid", "Valid today"),
    ("expiring", f"Expiring within {EXPIRING_DAYS} days"),
    ("expired", "Expired"),
]
ALL = True  # a record type the user sees in full
NONE = False  # a record type the user sees nothing of


class _Recorder:
    """Stands in for a record to learn which attribute its ``permission_parent`` reads."""

    def __init__(self):
        self.names: list[str] = []

    def __getattr__(self, name: str):
        self.names.append(name)
        return None


def parent_field(model: type[Model]) -> str | None:
    """The field ``model.permission_parent`` follows (e.g. "system"), or None."""
    prop = inspect.getattr_static(model, "permission_parent", None)
    if not isinstance(prop, property):
        return None
    recorder = _Recorder()
    try:
        prop.fget(recorder)
    except Exception:  # noqa: BLE001 - a parent that needs more than one attribute
        return None
    return recorder.names[0] if len(recorder.names) == 1 else None


def _or(a, b):
    if a is ALL or b is ALL:
        return ALL
    if a is NONE:
        return b
    if b is NONE:
        return a
    return a | b


def _guarded(user, model: type[Model], prefix: str):
    """Rows of ``model`` on which the user (or one of their groups) holds the view permission
    as a django-guardian object permission."""
    meta = model._meta
    content_type = ContentType.objects.get_for_model(model)
    codename = f"view_{meta.model_name}"
    q = NONE
    for perm_model, who in (
        (get_user_obj_perms_model(model), {"user": user}),
        (get_group_obj_perms_model(model), {"group__user": user}),
    ):
        rows = perm_model.objects.filter(
            permission__codename=codename, permission__content_type=content_type, **who
        )
        if perm_model.objects.is_generic():
            ids = (
                rows.filter(content_type=content_type)
                .annotate(obj_id=Cast("object_pk", BigIntegerField()))
                .values("obj_id")
            )
        else:
            ids = rows.values("content_object_id")
        q = _or(q, Q(**{f"{prefix}pk__in": ids}))
    return q


def _own(user, model: type[Model], prefix: str):
    meta = model._meta
    if has_global_perm(user, f"{meta.app_label}.view_{meta.model_name}"):
        return ALL
    return _guarded(user, model, prefix)


def visible_q(user, model: type[Model], prefix: str = "", depth: int = 0):
    """ALL, NONE or a Q over ``model`` (lookups under ``prefix``): the rows whose permission
    root (aims.permissions.root_object) the user may view."""
    name = parent_field(model) if depth < 10 else None
    if name is None:
        return _own(user, model, prefix)
    field = model._meta.get_field(name)
    if isinstance(field, GenericForeignKey):
        return _generic_parent_q(user, model, field, prefix, depth)
    if not (field.is_relation and field.many_to_one):
        return _own(user, model, prefix)
    q = visible_q(user, field.related_model, f"{prefix}{name}__", depth + 1)
    if field.null:  # no parent: the record is its own root
        own = _own(user, model, prefix)
        if own is not NONE:
            orphan = Q(**{f"{prefix}{name}__isnull": True})
            q = _or(q, orphan if own is ALL else orphan & own)
    return q


def _generic_parent_q(user, model, field: GenericForeignKey, prefix: str, depth: int):
    ct_field = model._meta.get_field(field.ct_field)
    type_ids = model.objects.order_by().values_list(ct_field.attname, flat=True).distinct()
    q = NONE
    for type_id in type_ids:
        parent = ContentType.objects.get_for_id(type_id).model_class()
        if parent is None:
            continue
        sub = visible_q(user, parent, "", depth + 1)
        if sub is NONE:
            continue
        of_type = Q(**{f"{prefix}{field.ct_field}_id": type_id})
        if sub is not ALL:
            ids = parent.objects.filter(sub).values("pk")
            of_type &= Q(**{f"{prefix}{field.fk_field}__in": ids})
        q = _or(q, of_type)
    return q


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
    """All evidence (every version) the user may see, filtered in SQL."""
    qs = Evidence.objects.select_related("owner", "target_type", "replaces")
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    visible = NONE
    used = Evidence.objects.order_by().values_list("target_type_id", flat=True).distinct()
    for type_id in used:
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is None:
            continue
        sub = visible_q(user, model)
        if sub is NONE:
            continue
        of_type = Q(target_type_id=type_id)
        if sub is not ALL:
            of_type &= Q(target_id__in=model.objects.filter(sub).values("pk"))
        visible = _or(visible, of_type)
    if visible is NONE:
        return qs.none()
    return qs if visible is ALL else qs.filter(visible)


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
