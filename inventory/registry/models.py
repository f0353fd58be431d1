"""The link of a component to a registered model (history-tracked). What the last sync saw
and when is kept on the link; only the followed version's changes write history."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from aims.models import TimeStampedModel


class ModelRegistryLink(TimeStampedModel):
    """One component followed in one MLflow model registry."""

    class Follow(models.TextChoices):
        LATEST = "latest", "Newest version"
        ALIAS = "alias", "An alias (e.g. champion)"
        STAGE = "stage", "A stage (Staging or Production)"

    component = models.OneToOneField(
        "inventory.Component", on_delete=models.CASCADE, related_name="registry_link"
    )
    tracking_uri = models.URLField(
        "tracking server URL", max_length=500,
        help_text="The MLflow tracking server, e.g. https://mlflow.example.org",
    )  # fmt: skip
    model_name = models.CharField("registered model name", max_length=256)
    follow = models.CharField(max_length=10, choices=Follow.choices, default=Follow.LATEST)
    follow_value = models.CharField(
        "alias or stage", max_length=100, blank=True,
        help_text="The alias (for an alias) or the stage (for a stage); empty for the newest "
        "version.",
    )  # fmt: skip
    #: The version the followed pointer named at the last sync that reached the registry; the
    #: first one is the baseline, recorded without a notice.
    last_seen_version = models.CharField(max_length=50, blank=True, editable=False)
    last_seen_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_synced_at = models.DateTimeField(null=True, blank=True, editable=False)
    #: Why the last sync failed, in words; empty after a sync that worked.
    last_error = models.CharField(max_length=500, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", editable=False,
    )  # fmt: skip
    # Each sync's time and error are operational state, not a change of the link: only a
    # change of what is followed, or of the version seen, is history.
    history = HistoricalRecords(excluded_fields=["last_synced_at", "last_error"])

    class Meta:
        ordering = ["model_name", "pk"]
        verbose_name = "model registry link"

    def __str__(self) -> str:
        return f"{self.model_name} ({self.followed_label})"

    @property
    def permission_parent(self):
        return self.component

    @property
    def followed_label(self) -> str:
        if self.follow == self.Follow.ALIAS:
            return f"alias @{self.follow_value}"
        if self.follow == self.Follow.STAGE:
            return f"stage {self.follow_value}"
        return "newest version"

    def model_uri(self, version: str) -> str:
        """MLflow's own name of one version of the model (``models:/name/3``)."""
        return f"models:/{self.model_name}/{version}"

    @classmethod
    def visibility_rule(cls, user, action: str, prefix: str):
        """Officers (and auditors, to read) act on every link through their role; otherwise
        whoever may change the component's system (its owner) manages its links. Approvers
        and other owners see none."""
        from aims.visibility import ALL, _role_grants, rule_for
        from inventory.models import AISystem

        if _role_grants(user, cls, action):
            return ALL
        return rule_for(user, AISystem, "change", f"{prefix}component__system__")
