"""Pieces the feature APIs (management system, competence, internal audits) share, so each
viewset names only its selector, serializers and permissions. Permission gates live in
aims.api.permissions."""

from django.db.models import Model, QuerySet
from rest_framework.exceptions import NotFound


def object_or_404(queryset: QuerySet, pk: int | str) -> Model:
    """The record ``pk`` among ``queryset`` (what the user may read), else a 404: a record out
    of reach answers as if it did not exist."""
    try:
        return queryset.get(pk=int(pk))
    except queryset.model.DoesNotExist:
        raise NotFound() from None
