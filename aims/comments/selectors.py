"""Reads of comments: the thread of one record, and the record a ``type:REF`` names."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet

from aims.models import parse_reference, record_number
from aims.visibility import can, restrict

from .models import Comment
from .registry import commentable


class TargetError(Exception):
    """``type:reference`` names no record type that takes comments, or is malformed."""


def comments_on(*, user, record: Model) -> QuerySet[Comment]:
    """The comments on ``record`` (none unless ``user`` may see it): two queries, whatever
    their number (the comments with their authors, and the people they mention)."""
    if not can(user, "view", record):
        return Comment.objects.none()
    return (
        Comment.objects.filter(
            target_type=ContentType.objects.get_for_model(record), target_id=record.pk
        )
        .select_related("author")
        .prefetch_related("mentions")
    )


def visible_comments(*, user) -> QuerySet[Comment]:
    return Comment.objects.restrict(user).select_related("author").prefetch_related("mentions")


def resolve_target(*, user, key: str, identifier: str) -> Model:
    """The record ``identifier`` (a reference such as RSK-0002, or an id) of type ``key``,
    read through the type's visibility rule: ``Model.DoesNotExist`` when the user may not see
    it (a 404: nothing leaks), TargetError when the type or identifier makes no sense."""
    entry = commentable(key)
    if entry is None:
        raise TargetError(f"Unknown record type “{key}”.")
    model = entry.model
    identifier = identifier.strip()
    pk = parse_reference(getattr(model, "REFERENCE_PREFIX", "") or "\0", identifier)
    if pk is None:
        pk = record_number(identifier)
    if pk is None:
        raise TargetError(f"“{identifier}” is not a reference of this type.")
    return restrict(model._default_manager.all(), user).get(pk=pk)


def parse_target(text: str) -> tuple[str, str]:
    key, sep, identifier = (text or "").partition(":")
    if not sep or not key or not identifier:
        raise TargetError("Name the record as <type>:<reference>, e.g. risk:RSK-0002.")
    return key.strip().lower(), identifier
