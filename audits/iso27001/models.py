"""The organisation's ISO/IEC 27001:2022 Annex A controls and their reviewed mappings to the
ISO/IEC 42001 catalogue (imported by audits.models, so the app label stays "audits").

- :class:`SecurityControl`: one row per Annex A control of ISO/IEC 27001. Its identifier,
  short title and theme are reference data (``audits/iso27001/data.py``, loaded after every
  migrate); applicability, implementation, owner, notes and evidence are the organisation's.
- :class:`ControlMapping`: "this 27001 control supports that 42001 requirement or control",
  with the rationale and where it comes from. Only a *reviewed* mapping lets the control's
  evidence count for the 42001 item's readiness (``audits.iso27001.selectors``).
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from aims.models import TimeStampedModel


class SecurityControl(TimeStampedModel):
    class Theme(models.TextChoices):
        ORGANISATIONAL = "organisational", "Organisational (5)"
        PEOPLE = "people", "People (6)"
        PHYSICAL = "physical", "Physical (7)"
        TECHNOLOGICAL = "technological", "Technological (8)"

    class Implementation(models.TextChoices):
        NOT_IMPLEMENTED = "not_implemented", "Not implemented"
        PARTIAL = "partial", "Partly implemented"
        IMPLEMENTED = "implemented", "Implemented"

    code = models.CharField(max_length=10, unique=True, editable=False)  # "8.15"
    title = models.CharField(max_length=200, editable=False)
    theme = models.CharField(max_length=20, choices=Theme.choices, editable=False, db_index=True)
    sort_key = models.CharField(max_length=20, editable=False, db_index=True)
    applicable = models.BooleanField(default=True)
    implementation_status = models.CharField(
        max_length=20,
        choices=Implementation.choices,
        default=Implementation.NOT_IMPLEMENTED,
        db_index=True,
    )
    implementation_notes = models.TextField("how it is implemented", blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="security_controls",
    )
    last_reviewed = models.DateField(
        null=True, blank=True, help_text="When the organisation last checked this control."
    )
    evidence = GenericRelation(
        "aims.Evidence", content_type_field="target_type", object_id_field="target_id"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["sort_key"]
        verbose_name = "ISO/IEC 27001 control"

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("iso27001:control_detail", args=[self.pk])

    @property
    def supplies_evidence(self) -> bool:
        """Applicable and at least partly implemented: its evidence may support 42001 items."""
        return self.applicable and self.implementation_status in SUPPLYING


SUPPLYING = (
    SecurityControl.Implementation.PARTIAL,
    SecurityControl.Implementation.IMPLEMENTED,
)


class ControlMapping(TimeStampedModel):
    class Source(models.TextChoices):
        SUGGESTED = "suggested", "Suggested by AIMS"
        OWN_ANALYSIS = "own_analysis", "Organisation's own analysis"
        DOCUMENT = "document", "A document (named below)"
        ADVISER = "adviser", "External adviser or auditor"

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        REVIEWED = "reviewed", "Reviewed"
        REJECTED = "rejected", "Rejected"

    security_control = models.ForeignKey(
        SecurityControl, on_delete=models.PROTECT, related_name="mappings"
    )
    item = models.ForeignKey(
        "audits.CatalogueItem",
        on_delete=models.PROTECT,
        related_name="security_mappings",
        verbose_name="ISO/IEC 42001 item",
    )
    rationale = models.TextField(help_text="Why the 27001 control supports the 42001 item.")
    source = models.CharField(max_length=20, choices=Source.choices)
    source_detail = models.CharField(
        max_length=200,
        blank=True,
        help_text="The document, analysis or person the mapping comes from.",
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PROPOSED, editable=False
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text="Empty for the suggestions AIMS ships.",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True, editable=False)
    decision_note = models.TextField(blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["security_control__sort_key", "item__sort_key", "id"]
        verbose_name = "ISO/IEC 27001 mapping"
        permissions = [("review_controlmapping", "Can review or reject a 27001 mapping")]
        constraints = [
            models.UniqueConstraint(
                fields=["security_control", "item"],
                condition=~Q(status="rejected"),
                name="one_live_mapping_per_pair",
            )
        ]

    def __str__(self) -> str:
        return f"27001 {self.security_control.code} -> 42001 {self.item.code}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("iso27001:mapping_detail", args=[self.pk])

    def clean(self) -> None:
        errors = {}
        if self.source == self.Source.DOCUMENT and not self.source_detail.strip():
            errors["source_detail"] = "Name the document the mapping comes from."
        if self.item_id and self.item.is_heading:
            errors["item"] = (
                f"{self.item.code} is a heading; map to one of its requirements or controls."
            )
        if errors:
            raise ValidationError(errors)
