"""Reads of import jobs: officers and auditors see every import, others their own."""

from django.db.models import QuerySet

from .models import ImportJob


def import_list(*, user) -> QuerySet[ImportJob]:
    return ImportJob.objects.restrict(user, "view").select_related("created_by")


def import_get(*, user, pk: int) -> ImportJob:
    return import_list(user=user).get(pk=pk)
