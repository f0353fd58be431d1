from django.db import models


class OutboxMessage(models.Model):
    """A task to send to the broker, recorded with the change that asked for it. Sent once
    (``sent_at``); while the broker refuses it, kept with the reason and sent again by
    :func:`aims.outbox.services.deliver_pending`. Infrastructure, not a record of the AIMS:
    no history."""

    task = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    #: What the task is for ("audits.evidencepack:12"), so a page can say its work waits.
    key = models.CharField(max_length=100, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["sent_at", "created_at"], name="outbox_pending_idx")]

    def __str__(self) -> str:
        state = "sent" if self.sent_at else f"waiting ({self.attempts} attempts)"
        return f"{self.task}{self.args} for {self.key}: {state}"
