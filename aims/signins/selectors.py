"""Reads of the sign-in audit: governance officers and administrators only."""

from datetime import datetime, time

from django.db.models import Q, QuerySet
from django.utils import timezone

from aims.permissions import has_global_perm
from aims.signins.models import SignInEvent

VIEW_PERMISSION = "aims.view_signinevent"


def may_read_sign_ins(user) -> bool:
    return has_global_perm(user, VIEW_PERMISSION)


def sign_in_event_list(*, user, filters: dict | None = None) -> QuerySet[SignInEvent]:
    """The events ``user`` may read (none for others), filtered by the cleaned ``filters`` of
    SignInEventFilterForm, newest first."""
    events = SignInEvent.objects.select_related("user", "actor")
    if not may_read_sign_ins(user):
        return events.none()
    filters = filters or {}
    if filters.get("q"):
        q = filters["q"]
        events = events.filter(
            Q(username__icontains=q) | Q(client_address__contains=q) | Q(user_agent__icontains=q)
        )
    if filters.get("user"):
        events = events.filter(username=filters["user"])
    if filters.get("kind"):
        events = events.filter(kind=filters["kind"])
    if filters.get("channel"):
        events = events.filter(channel=filters["channel"])
    zone = timezone.get_current_timezone()
    if filters.get("date_from"):
        events = events.filter(
            created_at__gte=datetime.combine(filters["date_from"], time.min, tzinfo=zone)
        )
    if filters.get("date_to"):
        events = events.filter(
            created_at__lte=datetime.combine(filters["date_to"], time.max, tzinfo=zone)
        )
    return events
