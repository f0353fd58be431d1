"""Reads of corrective actions, restricted to the user in SQL.

aims cannot know the source records of higher apps: each app registers its source model with
the selector that restricts it to a user (``register_source``), so an owner sees the
corrective actions of the records they can see, plus the ones they own.
"""

from collections.abc import Callable

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q, QuerySet

from aims.models import CorrectiveAction
from aims.permissions import has_global_perm

_sources: dict[type[Model], Callable[..., QuerySet]] = {}


def register_source(model: type[Model], scope: Callable[..., QuerySet]) -> None:
    """``scope(user)`` -> the records of ``model`` the user may view."""
    _sources[model] = scope


def capa_list(*, user, filters: dict | None = None) -> QuerySet[CorrectiveAction]:
    filters = filters or {}
    qs = CorrectiveAction.objects.select_related("owner", "verified_by", "source_type")
    if not user.is_authenticated:
        return qs.none()
    if not has_global_perm(user, "aims.view_correctiveaction"):
        visible = Q(owner=user)
        for model, scope in _sources.items():
            content_type = ContentType.objects.get_for_model(model)
            visible |= Q(source_type=content_type, source_id__in=scope(user).values("pk"))
        qs = qs.filter(visible)
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("source"):
        model, pk = filters["source"]
        qs = qs.filter(source_type=ContentType.objects.get_for_model(model), source_id=pk)
    return qs


def capa_get(*, user, pk: int) -> CorrectiveAction:
    """One corrective action the user may see, or CorrectiveAction.DoesNotExist (a 404)."""
    return capa_list(user=user).get(pk=pk)


def capas_of(*, source: Model) -> QuerySet[CorrectiveAction]:
    return CorrectiveAction.objects.filter(
        source_type=ContentType.objects.get_for_model(source), source_id=source.pk
    ).select_related("owner")
