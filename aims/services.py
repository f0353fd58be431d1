"""Writes of the shared primitives: notifications and evidence."""

import os
from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model

from .errors import BusinessRuleError, RuleForbidden
from .history import stamp
from .models import Evidence, Notification
from .permissions import can_change_record, has_perm

User = get_user_model()


def notify(*, recipients: Iterable, title: str, body: str = "", link: str = "") -> list[int]:
    """Create in-app notifications; email them once the transaction has committed."""
    unique = {user.pk: user for user in recipients if user is not None and user.is_active}
    notes = Notification.objects.bulk_create(
        Notification(recipient=user, title=title[:200], body=body, link=link)
        for user in unique.values()
    )
    ids = [n.pk for n in notes]
    if ids:
        from .tasks import email_notifications

        transaction.on_commit(lambda: email_notifications.delay(ids))
    return ids


def users_in_role(role: str):
    return User.objects.filter(groups__name=role, is_active=True).distinct()


def notification_mark_read(*, user, notification_ids: Iterable[int] | None = None) -> int:
    from django.utils import timezone

    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=list(notification_ids))
    return unread.update(read_at=timezone.now())


def _validate_upload(uploaded) -> None:
    errors = {}
    limit = settings.EVIDENCE_MAX_UPLOAD_BYTES
    if uploaded.size > limit:
        errors["file"] = [
            f"The file is {uploaded.size / 1_048_576:.1f} MiB; the limit is "
            f"{limit / 1_048_576:.0f} MiB."
        ]
    extension = os.path.splitext(uploaded.name)[1].lower().lstrip(".")
    if extension not in settings.EVIDENCE_ALLOWED_EXTENSIONS:
        allowed = ", ".join(settings.EVIDENCE_ALLOWED_EXTENSIONS)
        errors.setdefault("file", []).append(
            f"Files of type '.{extension or '?'}' are not accepted. Allowed: {allowed}."
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def evidence_create(
    *,
    actor,
    target: Model,
    title: str,
    file=None,
    url: str = "",
    description: str = "",
    valid_from: date | None = None,
    valid_until: date | None = None,
) -> Evidence:
    """Attach a file (hashed with SHA-256) or a link to any record the actor may change."""
    if not has_perm(actor, "aims.add_evidence") or not can_change_record(actor, target):
        raise RuleForbidden("You may not attach evidence to this record.", code="permission_denied")
    if bool(file) == bool(url):
        raise ValidationError({"file": ["Give either a file or a link, not both or neither."]})
    evidence = Evidence(
        title=title,
        description=description,
        owner=actor,
        url=url or "",
        valid_from=valid_from,
        valid_until=valid_until,
        target_type=ContentType.objects.get_for_model(target),
        target_id=target.pk,
        kind=Evidence.Kind.FILE if file else Evidence.Kind.LINK,
    )
    if file:
        _validate_upload(file)
        evidence.sha256 = Evidence.hash_file(file)
        evidence.size_bytes = file.size
        evidence.original_filename = os.path.basename(file.name)[:255]
        evidence.file.save(evidence.original_filename, file, save=False)
    evidence.full_clean()
    stamp(evidence, actor=actor, reason=f"Evidence attached to {target}")
    evidence.save()
    return evidence


def require(condition: bool, message: str, *, code: str) -> None:
    if not condition:
        raise BusinessRuleError(message, code=code)
