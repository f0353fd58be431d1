import hashlib
import re

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .visibility import RestrictedManager, owner_or_parent_rule


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    # ``Model.objects.restrict(user, action)``: the records a user may see or change.
    objects = RestrictedManager()

    class Meta:
        abstract = True


class ReferencedModel(models.Model):
    """A register entry with a human reference such as ``AIS-0007`` derived from its id."""

    REFERENCE_PREFIX = ""

    class Meta:
        abstract = True

    def __str__(self) -> str:
        label = getattr(self, "name", None) or getattr(self, "title", None) or ""
        return f"{self.reference} {label}".strip()

    @property
    def reference(self) -> str:
        return format_reference(self.REFERENCE_PREFIX, self.pk)


def format_reference(prefix: str, pk: int | None) -> str:
    return f"{prefix}-{pk:04d}" if pk else f"{prefix}-new"


#: A record number as typed: ASCII digits only (``str.isdigit`` also accepts "²", which
#: ``int`` refuses), and short enough for any database's integer key.
RECORD_NUMBER = re.compile(r"[0-9]{1,18}")


def record_number(text: str) -> int | None:
    """``"0012"`` -> 12; anything that is not a plain record number -> None."""
    return int(text) if RECORD_NUMBER.fullmatch(text) else None


def parse_reference(prefix: str, text: str) -> int | None:
    """``AIS-0012`` or ``ais-12`` -> 12; anything else -> None."""
    text = text.strip().upper()
    if text.startswith(prefix + "-"):
        return record_number(text[len(prefix) + 1 :])
    return None


def evidence_upload_to(instance: "Evidence", filename: str) -> str:
    return f"evidence/{instance.sha256[:2]}/{instance.sha256}/{filename}"


class Evidence(ReferencedModel, TimeStampedModel):
    """A file or a link that proves something, attached to any record."""

    REFERENCE_PREFIX = "EVD"

    class Kind(models.TextChoices):
        FILE = "file", "Uploaded file"
        LINK = "link", "Link"

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, editable=False)
    file = models.FileField(upload_to=evidence_upload_to, blank=True, max_length=300)
    original_filename = models.CharField(max_length=255, blank=True)
    size_bytes = models.PositiveBigIntegerField(null=True, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    url = models.URLField("link", max_length=500, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="evidence_owned"
    )
    valid_from = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    # A replaced file is a new version: the new row points at the one it replaces, which is
    # kept (and marked superseded) so earlier audits can still see what they relied on.
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        editable=False,
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    superseded_at = models.DateTimeField(null=True, blank=True, editable=False, db_index=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "evidence"
        indexes = [models.Index(fields=["target_type", "target_id"])]

    @property
    def permission_parent(self):
        # Evidence is as visible, and as changeable, as the record it proves.
        return self.target

    @staticmethod
    def hash_file(uploaded) -> str:
        digest = hashlib.sha256()
        for chunk in uploaded.chunks():
            digest.update(chunk)
        uploaded.seek(0)
        return digest.hexdigest()


class Notification(models.Model):
    """An in-app message to one user; emailed after commit. Not a domain record: no history."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # Set by the reminder sweep ("<kind>:<label>:<pk>:<due date>") so a second run on the
    # same day, or the next day for the same due date, notifies nobody twice.
    dedupe_key = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            # What the daily digest still has to send: small, so the digest stays fast as the
            # table grows over the years.
            models.Index(
                fields=["recipient"],
                name="notification_digest_pending",
                condition=models.Q(emailed_at__isnull=True, read_at__isnull=True)
                & ~models.Q(dedupe_key=""),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="one_notification_per_reminder",
            )
        ]

    def __str__(self) -> str:
        return self.title


class CorrectiveAction(ReferencedModel, TimeStampedModel):
    """A corrective action (CAPA) on a nonconformity, linked to its source record (an incident
    today; audit findings, reviews and risks later) through one generic link.

    Rights follow the source (``permission_parent``): whoever may change the source may work on
    its corrective actions. Effectiveness is verified by someone other than the owner, with
    evidence, before the action can close.
    """

    REFERENCE_PREFIX = "CAPA"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        IMPLEMENTED = "implemented", "Implemented, awaiting verification"
        VERIFIED = "verified", "Verified effective"
        CLOSED = "closed", "Closed"

    title = models.CharField(max_length=200)
    nonconformity = models.TextField("nonconformity", help_text="What went wrong, and where.")
    root_cause = models.TextField(blank=True)
    action_plan = models.TextField(help_text="What will be done to remove the cause.")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="corrective_actions"
    )
    due_date = models.DateField()
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.OPEN, editable=False, db_index=True
    )
    source_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, editable=False)
    source_id = models.PositiveBigIntegerField(editable=False)
    source = GenericForeignKey("source_type", "source_id")
    implemented_at = models.DateTimeField(null=True, blank=True, editable=False)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    verified_at = models.DateTimeField(null=True, blank=True, editable=False)
    verification_notes = models.TextField(blank=True, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    evidence = GenericRelation(
        "aims.Evidence", content_type_field="target_type", object_id_field="target_id"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "corrective action"
        permissions = [("verify_correctiveaction", "Can verify the effectiveness of CAPAs")]
        indexes = [models.Index(fields=["source_type", "source_id"])]

    @property
    def permission_parent(self):
        return self.source

    @classmethod
    def visibility_rule(cls, user, action: str, prefix: str):
        return owner_or_parent_rule(cls, user, action, prefix)

    @classmethod
    def done_statuses(cls) -> tuple[str, ...]:
        """Verified effective or closed: nothing is left to do (no reminder, not overdue)."""
        return (cls.Status.VERIFIED, cls.Status.CLOSED)

    @classmethod
    def overdue_q(cls, today) -> models.Q:
        """Past their due date and not done: the one rule of "overdue" for the register's
        filter and badge, the reminders and the trends."""
        return models.Q(due_date__lt=today) & ~models.Q(status__in=cls.done_statuses())

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.due_date < today and self.status not in self.done_statuses()

    @property
    def overdue(self) -> bool:  # for templates
        return self.is_overdue()


# --- Reminders (issue 7) ---------------------------------------------------------------------


class ReminderRule(TimeStampedModel):
    """How far ahead the daily sweep warns about one kind of due date. Officers edit these."""

    kind = models.CharField(max_length=40, unique=True)
    label = models.CharField(max_length=200)
    lead_days = models.PositiveSmallIntegerField(default=14)
    enabled = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["label"]

    def __str__(self) -> str:
        return self.label


class DigestLog(models.Model):
    """The one digest email a user gets per day; its existence makes the sweep idempotent."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField()
    item_count = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "day"], name="one_digest_per_day")
        ]

    def __str__(self) -> str:
        return f"Digest for {self.recipient} on {self.day}"


# The management-system and competence records live with their domains (aims/ms/models.py,
# aims/competence/models.py); imported here so Django finds them in the app's models module
# and ``from aims.models import Policy`` keeps working.
from .accounts.models import ApiToken, ServiceAccount, TokenEvent, UserSession  # noqa: E402, F401
from .comments.models import Comment  # noqa: E402, F401
from .competence.models import (  # noqa: E402, F401
    Course,
    Responsibility,
    ResponsibilityAssignment,
    TrainingRecord,
)
from .imports.models import ImportJob  # noqa: E402, F401
from .mfa.models import MFAReset  # noqa: E402, F401
from .ms.models import (  # noqa: E402, F401
    AIMSScope,
    ContextIssue,
    InterestedParty,
    Objective,
    ObjectiveUpdate,
    OrganisationProfile,
    PartyFeedback,
    Policy,
    PolicyAcknowledgement,
    PolicyVersion,
)
from .outbox.models import OutboxMessage  # noqa: E402, F401
from .scim.models import ScimClient, ScimEvent, ScimGroup, ScimIdentity  # noqa: E402, F401
from .signins.models import SignInEvent  # noqa: E402, F401
from .sso.models import RoleMapping  # noqa: E402, F401
from .trends.models import DailySnapshot  # noqa: E402, F401
from .webhooks.models import (  # noqa: E402, F401
    WebhookAttempt,
    WebhookDelivery,
    WebhookEventMark,
    WebhookSubscription,
)
