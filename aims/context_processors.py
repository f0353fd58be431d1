from .permissions import has_global_perm


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "unread_notifications": user.notifications.filter(read_at__isnull=True).count(),
        "nav": {
            "can_register_system": has_global_perm(user, "inventory.add_aisystem"),
            "can_manage_gates": has_global_perm(user, "inventory.change_gatesetting"),
            "is_staff": user.is_staff,
        },
    }
