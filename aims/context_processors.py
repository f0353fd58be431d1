from .navigation import nav_bar, nav_for


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "unread_notifications": user.notifications.filter(read_at__isnull=True).count(),
        "nav_items": nav_bar(nav_for(user, getattr(request, "resolver_match", None))),
        "nav": {"is_staff": user.is_staff},
    }
