from django.db import models


class ChainLink(models.Model):
    """One history row sealed into the audit-trail hash chain.

    ``row_hash`` fingerprints the historical row's content; ``chain_hash`` is
    sha256(previous chain_hash + row_hash), so changing or deleting any sealed row, or any
    link, breaks every hash after it. The chain is the trail's own evidence: it has no
    history of its own and is never edited (on PostgreSQL a trigger refuses it).
    """

    table = models.CharField(max_length=100)  # the historical model's label, e.g.
    # "inventory.HistoricalAISystem"
    history_id = models.BigIntegerField()
    row_hash = models.CharField(max_length=64)
    prev_hash = models.CharField(max_length=64)
    chain_hash = models.CharField(max_length=64, unique=True)
    sealed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["table", "history_id"], name="one_link_per_row")
        ]

    def __str__(self) -> str:
        return f"{self.table}#{self.history_id}"


class ChainHead(models.Model):
    """The single row holding the latest chain hash. Sealing locks it, so two transactions
    never chain onto the same predecessor."""

    last_hash = models.CharField(max_length=64, default="0" * 64)
    length = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = "audit-trail chain head"

    def __str__(self) -> str:
        return f"{self.length} links, head {self.last_hash[:12]}"
