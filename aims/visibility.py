"""Who may see (or change) which records: one rule per record type, evaluated in SQL.

Every read of a register goes through here, whatever asks: a browser list, an API viewset,
the evidence library and its downloads, exports, packs, notifications. Nothing else decides
visibility, so a list and the detail it links to, or the page and the API, cannot disagree.

The rule, for ``action`` in "view", "change", ... (the permission codename's verb):

- a user who holds ``<app>.<action>_<model>`` through a role (officer, approver, auditor)
  acts on every record of the type;
- otherwise, a record that names a parent through ``permission_parent`` (a component names
  its system, a corrective action its source record) is governed by that parent, followed up
  to the record that carries object permissions;
- on that root, the user's (or their groups') django-guardian object permissions decide:
  a system owner sees their own systems and everything under them.

A record type whose rule differs says so with a classmethod ``visibility_rule(user, action,
prefix)`` returning a ``Q`` over the type (lookups under ``prefix``), ``ALL``, ``NONE``, or
``None`` to fall back to the rule above. Incidents use it: an incident (and its evidence) is
visible to the owners of every system it affects, while changing it stays with the owner of
its primary system.

Use it as ``Model.objects.restrict(user, action)`` (models built on ``aims.models``'
``TimeStampedModel`` carry the manager) or ``restrict(queryset, user, action)`` for any
queryset, and :func:`can` for one record already in hand. The permission tables are read
through uncorrelated ``IN`` subqueries, so a page costs the same queries whatever its size.
"""

import inspect

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db.models import BigIntegerField, Manager, Model, Q, QuerySet
from django.db.models.functions import Cast
from guardian.utils import get_group_obj_perms_model, get_user_obj_perms_model

from .permissions import has_global_perm, has_perm

ALL = True  # the user acts on every record of the type
NONE = False  # the user acts on none of them
MAX_DEPTH = 10
Rule = Q | bool


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


def either(a: Rule, b: Rule) -> Rule:
    """The records either rule lets through."""
    if a is ALL or b is ALL:
        return ALL
    if a is NONE:
        return b
    if b is NONE:
        return a
    return a | b


def _codename(model: type[Model], action: str) -> str:
    return f"{action}_{model._meta.model_name}"


def _guarded(user, model: type[Model], action: str, prefix: str) -> Rule:
    """Rows of ``model`` on which the user, or one of their groups, holds the permission as a
    django-guardian object permission."""
    content_type = ContentType.objects.get_for_model(model)
    codename = _codename(model, action)
    rule: Rule = NONE
    for perm_model, who in (
        (get_user_obj_perms_model(model), {"user": user}),
        (get_group_obj_perms_model(model), {"group__user": user}),
    ):
        # Guardian's table is per model (direct) or filtered by content type below (generic),
        # so the codename names the permission: no join on its content type is needed.
        rows = perm_model.objects.filter(permission__codename=codename, **who)
        if perm_model.objects.is_generic():
            ids = (
                rows.filter(content_type=content_type)
                .annotate(obj_id=Cast("object_pk", BigIntegerField()))
                .values("obj_id")
            )
        else:
            ids = rows.values("content_object_id")
        rule = either(rule, Q(**{f"{prefix}pk__in": ids}))
    return rule


def _role_grants(user, model: type[Model], action: str) -> bool:
    """Whether a role gives ``user`` the model permission for ``action`` on every record."""
    return has_global_perm(user, f"{model._meta.app_label}.{_codename(model, action)}")


def _own(user, model: type[Model], action: str, prefix: str) -> Rule:
    if _role_grants(user, model, action):
        return ALL
    return _guarded(user, model, action, prefix)


def rule_for(
    user, model: type[Model], action: str = "view", prefix: str = "", depth: int = 0
) -> Rule:
    """``ALL``, ``NONE`` or a ``Q`` over ``model`` (lookups under ``prefix``): the records the
    user may ``action``."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NONE
    custom = getattr(model, "visibility_rule", None)
    if custom is not None:
        rule = custom(user, action, prefix)
        if rule is not None:
            return rule
    return default_rule(user, model, action, prefix, depth)


def default_rule(
    user, model: type[Model], action: str = "view", prefix: str = "", depth: int = 0
) -> Rule:
    """The rule every type has unless it says otherwise: a role's permission, else the
    parent's rule up to the record with object permissions (see the module docstring)."""
    name = parent_field(model) if depth < MAX_DEPTH else None
    if name is None:
        return _own(user, model, action, prefix)
    field = model._meta.get_field(name)
    if isinstance(field, GenericForeignKey):
        return _generic_parent_rule(user, model, field, action, prefix, depth)
    if not (field.is_relation and (field.many_to_one or field.one_to_one) and field.concrete):
        return _own(user, model, action, prefix)
    rule = rule_for(user, field.related_model, action, f"{prefix}{name}__", depth + 1)
    if field.null:  # no parent: the record is its own root
        own = _own(user, model, action, prefix)
        if own is not NONE:
            orphan = Q(**{f"{prefix}{name}__isnull": True})
            rule = either(rule, orphan if own is ALL else orphan & own)
    return rule


def _generic_parent_rule(
    user, model, field: GenericForeignKey, action: str, prefix: str, depth: int
) -> Rule:
    """A parent of any type (a corrective action's source): one branch per parent type in
    use, each restricted by that type's own rule."""
    ct_field = model._meta.get_field(field.ct_field)
    type_ids = model._base_manager.order_by().values_list(ct_field.attname, flat=True).distinct()
    rule: Rule = NONE
    for type_id in type_ids:
        parent = ContentType.objects.get_for_id(type_id).model_class()
        if parent is None:
            continue
        sub = rule_for(user, parent, action, "", depth + 1)
        if sub is NONE:
            continue
        of_type = Q(**{f"{prefix}{field.ct_field}_id": type_id})
        if sub is not ALL:
            ids = parent._base_manager.filter(sub).values("pk")
            of_type &= Q(**{f"{prefix}{field.fk_field}__in": ids})
        rule = either(rule, of_type)
    return rule


def own_records_rule(model: type[Model], user, action: str, prefix: str) -> Rule | None:
    """A record about a person (``user`` field): they see their own, a role's view permission
    shows everyone's. Other actions follow the default rule."""
    if action != "view":
        return None
    if _role_grants(user, model, action):
        return ALL
    return Q(**{f"{prefix}user": user})


def role_rule(model: type[Model], user, action: str, prefix: str) -> Rule | None:
    """A register read by role alone: the type's own view permission through a role shows
    every record, and nothing else does (not the parent's permission, not an object
    permission). Other actions follow the default rule."""
    if action != "view":
        return None
    return ALL if _role_grants(user, model, action) else NONE


def owner_or_parent_rule(model: type[Model], user, action: str, prefix: str) -> Rule | None:
    """A record its owner always sees, as does whoever may see its parent (a corrective
    action: its owner, and anyone who sees the incident or finding it corrects)."""
    if action != "view":
        return None
    own = _own(user, model, action, prefix)
    if own is ALL:
        return ALL
    return either(Q(**{f"{prefix}owner": user}), default_rule(user, model, action, prefix))


class ReadByRole:
    """Mixin for a register read by role alone (:func:`role_rule`): audit records, the
    supplier register. Changing follows the default rule."""

    @classmethod
    def visibility_rule(cls, user, action: str, prefix: str) -> Rule | None:
        return role_rule(cls, user, action, prefix)


def apply(queryset: QuerySet, rule: Rule) -> QuerySet:
    if rule is ALL:
        return queryset
    if rule is NONE:
        return queryset.none()
    return queryset.filter(rule)


def restrict(queryset: QuerySet, user, action: str = "view") -> QuerySet:
    """``queryset`` narrowed to the records ``user`` may ``action``."""
    return apply(queryset, rule_for(user, queryset.model, action))


def restricted_ids(model: type[Model], user, action: str = "view") -> QuerySet:
    """A subquery of the ids of ``model`` the user may ``action`` (for ``x__in=``)."""
    return restrict(model._base_manager.all(), user, action).values("pk")


def can(user, action: str, obj: Model) -> bool:
    """Whether ``user`` may ``action`` this one record: the same rule as :func:`restrict`,
    checked on the record in hand (no query unless a record type on the way up has a rule of
    its own, or object permissions must be read)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    node = obj
    for _ in range(MAX_DEPTH):
        model = type(node)
        custom = getattr(model, "visibility_rule", None)
        if custom is not None:
            rule = custom(user, action, "")
            if rule is not None:
                qs = apply(model._base_manager.filter(pk=node.pk), rule)
                return rule is ALL or qs.exists()
        parent = getattr(node, "permission_parent", None)
        if parent is None:
            break
        node = parent
    meta = node._meta
    return has_perm(user, f"{meta.app_label}.{_codename(type(node), action)}", node)


class RestrictedQuerySet(QuerySet):
    def restrict(self, user, action: str = "view") -> "RestrictedQuerySet":
        """The records of this queryset that ``user`` may ``action``."""
        return restrict(self, user, action)


class RestrictedManager(Manager.from_queryset(RestrictedQuerySet)):  # type: ignore[misc]
    """The default manager of AIMS records: ``Model.objects.restrict(user, action)``."""
