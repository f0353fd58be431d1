"""The API's coarse permission gate. The services make the precise decision on each object;
this only keeps read-only users (auditors, users without a role) out of every write with a 403,
whatever their payload, before any input is parsed."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from aims.permissions import has_global_perm


class WritePermission(BasePermission):
    """A write needs at least one of the view's ``write_permissions`` through a role.

    An empty ``write_permissions`` means any authenticated user may write (e.g. marking their
    own notifications read).
    """

    message = "You have read-only access here."

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        perms = getattr(view, "write_permissions", ())
        return not perms or any(has_global_perm(request.user, perm) for perm in perms)


class RoleReadPermission(BasePermission):
    """A read needs the view's ``read_permission`` through a role (empty: any user). Writes
    are left to WritePermission, so the two gates compose."""

    message = "Your role does not give access to these records."

    def has_permission(self, request, view) -> bool:
        if request.method not in SAFE_METHODS:
            return True
        perm = getattr(view, "read_permission", "")
        return not perm or has_global_perm(request.user, perm)
