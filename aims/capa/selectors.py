"""Reads of corrective actions, restricted to the user in SQL by the one visibility rule
(``CorrectiveAction.visibility_rule``): a role's view permission shows every corrective
action; anyone else sees those they own and those of the records they can see (the incident
or finding a corrective action corrects, whatever app it lives in)."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from aims.models import CorrectiveAction, parse_reference

#: The register's sortable columns (URL key -> field).
SORTABLE = {
    "reference": "id",
    "title": "title",
    "source": "source_type__model",
    "owner": "owner__username",
    "due": "due_date",
    "status": "status",
}

#: Statuses after which a due date no longer matters.


def capa_source_types() -> list[ContentType]:
    """The record types corrective actions are opened on (one query, then cached)."""
    ids = CorrectiveAction.objects.order_by().values_list("source_type_id", flat=True).distinct()
    return sorted((ContentType.objects.get_for_id(pk) for pk in ids), key=lambda ct: ct.model)


def capa_list(*, user, filters: dict | None = None) -> QuerySet[CorrectiveAction]:
    filters = filters or {}
    qs = CorrectiveAction.objects.restrict(user).select_related(
        "owner", "verified_by", "source_type"
    )
    search = (filters.get("q") or "").strip()
    if search:
        pk = parse_reference(CorrectiveAction.REFERENCE_PREFIX, search)
        qs = qs.filter(Q(pk=pk) if pk else Q(title__icontains=search))
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("source_type"):
        app_label, _, model = filters["source_type"].partition(".")
        qs = qs.filter(source_type__app_label=app_label, source_type__model=model)
    if filters.get("owner"):
        qs = qs.filter(owner=filters["owner"])
    if filters.get("overdue"):
        qs = qs.filter(CorrectiveAction.overdue_q(timezone.localdate()))
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
