from .navigation import nav_bar, nav_for


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "unread_notifications": user.notifications.filter(read_at__isnull=True).count(),
        "nav_items": nav_bar(nav_for(user, getattr(request, "resolver_match", None))),
        "nav": {"is_staff": user.is_staff},
        **policy_banner(request),
    }


def policy_banner(request) -> dict:
    """The published policies the user has not acknowledged yet, for
    templates/ms/_policy_banner.html. Lazy: one query, only on a page that shows the banner."""
    from django.utils.functional import SimpleLazyObject

    from aims.ms.selectors import pending_acknowledgements

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "policies_to_acknowledge": SimpleLazyObject(
            lambda: list(pending_acknowledgements(user)[:20])
        )
    }
