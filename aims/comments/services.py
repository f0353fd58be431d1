"""Writes of comments and the predicates the views, API and templates share.

Rules:
- who may comment: anyone who may see the record, except auditors (read-only) —
  :func:`can_comment`;
- a comment is never changed silently: only its author edits it, every edit keeps the earlier
  text in the history and marks the comment "edited" — :func:`can_edit_comment`;
- deletion by its author or a governance officer; the history keeps the deleted comment —
  :func:`can_delete_comment`;
- ``@username`` mentions that person. A mention of someone who cannot see the record is
  refused (the comment is not saved, the message names the person), so the author knows
  that person would not be told and the record is never shown to them: a silent drop would
  leave the author believing they had asked someone who never hears of it. Unknown names are
  plain text.
"""

import re
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from aims.errors import Code, RuleForbidden
from aims.history import save_with_history, stamp
from aims.notifications.services import notify
from aims.people import choice_label, display_name
from aims.roles import OFFICER, READ_ONLY_ROLES, role_names
from aims.visibility import can

from .models import Comment
from .registry import commentable_for

User = get_user_model()
# "@" not preceded by a word character or "@" (so e-mail addresses are not mentions), then a
# username as Django allows it (letters, digits, @ . + - _), without a trailing full stop.
MENTION = re.compile(r"(?<![\w@])@([\w.+-]+[\w+-]|[\w])")


def _roles(user) -> set[str]:
    return set(role_names(user)) if user.is_authenticated else set()


def is_read_only(user) -> bool:
    """An auditor or a certification auditor (and no role that writes): reads everything in
    scope, writes nothing."""
    roles = _roles(user)
    return bool(roles) and roles <= READ_ONLY_ROLES


@dataclass(frozen=True)
class Rights:
    """What ``user`` may do on the comments of one record (computed once for a thread)."""

    sees: bool
    comments: bool
    moderates: bool  # deletes anyone's comment


def rights_on(user, record: Model) -> Rights:
    sees = commentable_for(type(record)) is not None and can(user, "view", record)
    writes = sees and not is_read_only(user)
    return Rights(sees, writes, writes and OFFICER in _roles(user))


def can_comment(user, record: Model) -> bool:
    return rights_on(user, record).comments


def can_edit_comment(user, comment: Comment, rights: Rights | None = None) -> bool:
    rights = rights or rights_on(user, comment.target)
    return rights.comments and comment.author_id == user.pk


def can_delete_comment(user, comment: Comment, rights: Rights | None = None) -> bool:
    rights = rights or rights_on(user, comment.target)
    return rights.comments and (comment.author_id == user.pk or rights.moderates)


def mentioned_usernames(body: str) -> list[str]:
    return list(dict.fromkeys(MENTION.findall(body or "")))


def resolve_mentions(body: str, record: Model) -> list:
    """The people ``body`` mentions; a ValidationError on ``body`` names those who may not
    see ``record``."""
    names = mentioned_usernames(body)
    if not names:
        return []
    people = list(User.objects.filter(username__in=names, is_active=True))
    blind = [p for p in people if not can(p, "view", record)]
    if blind:
        who = ", ".join(choice_label(p) for p in blind)
        raise ValidationError(
            {
                "body": (
                    f"{who} cannot see this record, so they cannot be mentioned here. "
                    "Remove the mention, or ask an officer to give them access first."
                )
            }
        )
    return people


def _refuse_unless(allowed: bool, message: str) -> None:
    if not allowed:
        raise RuleForbidden(message, code=Code.PERMISSION_DENIED)


def _notify_mentioned(comment: Comment, people, record: Model, actor) -> None:
    entry = commentable_for(type(record))
    link = f"{entry.url_of(record)}#comments" if entry else ""
    label = str(record)
    notify(
        recipients=[p for p in people if p.pk != actor.pk],
        title=f"{display_name(actor)} mentioned you on {label}",
        body=comment.body[:500],
        link=link,
    )


@transaction.atomic
def comment_create(*, actor, record: Model, body: str) -> Comment:
    _refuse_unless(can_comment(actor, record), "You may read this record but not comment on it.")
    body = (body or "").strip()
    people = resolve_mentions(body, record)
    comment = Comment(
        target_type=ContentType.objects.get_for_model(record),
        target_id=record.pk,
        author=actor,
        body=body,
    )
    save_with_history(comment, actor=actor, reason="Comment added")
    comment.mentions.set(people)
    _notify_mentioned(comment, people, record, actor)
    return comment


@transaction.atomic
def comment_edit(*, actor, comment: Comment, body: str) -> Comment:
    _refuse_unless(can_edit_comment(actor, comment), "Only its author may edit a comment.")
    body = (body or "").strip()
    record = comment.target
    people = resolve_mentions(body, record)
    if body == comment.body:
        return comment
    before = set(comment.mentions.values_list("pk", flat=True))
    comment.body = body
    comment.edited_at = timezone.now()
    save_with_history(comment, actor=actor, reason="Comment edited")
    comment.mentions.set(people)
    _notify_mentioned(comment, [p for p in people if p.pk not in before], record, actor)
    return comment


@transaction.atomic
def comment_delete(*, actor, comment: Comment) -> None:
    _refuse_unless(
        can_delete_comment(actor, comment),
        "Only its author or a governance officer may delete a comment.",
    )
    stamp(comment, actor=actor, reason="Comment deleted")
    comment.delete()
