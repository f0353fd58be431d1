"""A comment on a record. Its visibility is the record's (``permission_parent``): whoever may
see the record reads its comments, through the one rule of aims.visibility."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from simple_history.models import HistoricalRecords

from aims.visibility import RestrictedManager


class Comment(models.Model):
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, editable=False)
    target_id = models.PositiveBigIntegerField(editable=False)
    target = GenericForeignKey("target_type", "target_id")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments"
    )
    body = models.TextField(max_length=5000)
    mentions = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="mentioned_in_comments"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # Set when the author edits: the thread says so, and the history keeps every earlier text.
    edited_at = models.DateTimeField(null=True, blank=True, editable=False)
    history = HistoricalRecords()

    objects = RestrictedManager()

    class Meta:
        app_label = "aims"
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"Comment by {self.author} on {self.target_type.model} {self.target_id}"

    @property
    def permission_parent(self):
        return self.target
