"""One permission rule for the browser and the API.

An action is allowed when the user holds the model permission through a role that acts on the
whole AIMS (officer, approver, auditor), or holds it on the object itself through
django-guardian (a system owner on their own system). Records under a system (components,
datasets, validation records, evidence...) are governed by the system: they name it through
``permission_parent``.
"""

from django.db.models import Model

from .errors import Code, RuleForbidden
from .read_once import in_read_once, remember

DEFAULT_REFUSAL = "You do not have permission to do this."


def _object_perm(user, perm: str, obj: Model) -> bool:
    """``user.has_perm(perm, obj)`` (guardian), each user's permissions on a record read once
    in a read-only request (aims.read_once): a page asks about the same system many times."""
    from guardian.core import ObjectPermissionChecker

    if not in_read_once():
        return user.has_perm(perm, obj)
    checker = remember(("object-permissions", user.pk), lambda: ObjectPermissionChecker(user))
    return checker.has_perm(perm, obj)


def root_object(obj: Model) -> Model:
    """Follow ``permission_parent`` up to the record that carries object permissions."""
    seen = 0
    while hasattr(obj, "permission_parent") and seen < 10:
        parent = obj.permission_parent
        if parent is None:
            break
        obj, seen = parent, seen + 1
    return obj


def has_perm(user, perm: str, obj: Model | None = None) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.has_perm(perm):
        return True
    return obj is not None and _object_perm(user, perm, obj)


def has_global_perm(user, perm: str) -> bool:
    return user.is_authenticated and user.is_active and user.has_perm(perm)


def can_view_record(user, obj: Model) -> bool:
    """Whether ``user`` may see ``obj``: the rule of ``aims.visibility`` (the same one lists
    apply in SQL), checked on the record in hand."""
    from .visibility import can

    return can(user, "view", obj)


def can_change_record(user, obj: Model) -> bool:
    from .visibility import can

    return can(user, "change", obj)


def require(
    user,
    perm: str,
    obj: Model | None = None,
    message: str = "",
    *,
    code: str = Code.PERMISSION_DENIED,
) -> None:
    """Refuse (RuleForbidden, HTTP 403, with ``code``) unless ``user`` holds ``perm``, through a
    role or, when ``obj`` is given, on that record. The one way a service checks a permission,
    so the browser and the API refuse with the same code and message."""
    if not has_perm(user, perm, obj):
        raise RuleForbidden(message or DEFAULT_REFUSAL, code=code)


def require_global(
    user, perm: str, message: str = "", *, code: str = Code.PERMISSION_DENIED
) -> None:
    """As :func:`require`, but only a role's permission counts (no object permission)."""
    if not has_global_perm(user, perm):
        raise RuleForbidden(message or DEFAULT_REFUSAL, code=code)
