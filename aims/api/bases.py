"""Bases of the API viewsets every app builds on.

A register's API reads through its app's selector, the same function the browser list uses,
so the page and the API show each user the same records (aims.visibility decides which):

    class ComponentViewSet(SelectorViewSet):
        selector = staticmethod(selectors.component_list)  # (*, user) -> QuerySet
        read_serializer_class = ComponentReadSerializer

``list`` paginates the filtered selector; ``retrieve`` answers 404 for a record the selector
does not return (nothing leaks). Writes are the subclass's: one service call each, through
``AIMSViewSetMixin.validated_input`` and ``read_response``.
"""

from django.db.models import QuerySet
from django_filters import rest_framework as filters
from rest_framework import viewsets

from .views import AIMSViewSetMixin


class SelectorViewSet(AIMSViewSetMixin, viewsets.GenericViewSet):
    """List and retrieve the records the app's ``selector(user=...)`` lets the user see."""

    selector = None  # staticmethod(selectors.<model>_list)
    filter_backends = [filters.DjangoFilterBackend]

    def get_queryset(self) -> QuerySet:
        return type(self).selector(user=self.request.user)

    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return self.read_response(self.get_object())
