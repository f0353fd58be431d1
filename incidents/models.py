"""Incidents on AI systems, their event timeline, and the monitoring that detects them.

An incident names one primary system (``system``, which governs who may change it, through
``permission_parent``) and may affect others (``systems``, always including the primary one);
everyone who can see any affected system can see the incident.
"""

import math
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from aims.history import HistoryWithRelations
from aims.models import ReferencedModel, TimeStampedModel
from inventory.models import AISystem


class Severity(models.TextChoices):
    SEV1 = "sev1", "SEV1 — critical"
    SEV2 = "sev2", "SEV2 — major"
    SEV3 = "sev3", "SEV3 — moderate"
    SEV4 = "sev4", "SEV4 — minor"


# What each level means, shown beside the severity field (our own wording).
SEVERITY_DEFINITIONS = {
    Severity.SEV1: "People are harmed or at immediate risk, rights are infringed at scale, or a "
    "critical service is down. All hands, now.",
    Severity.SEV2: "Serious harm is likely or affects many people, or a key control failed; "
    "the system may have to be stopped or restricted.",
    Severity.SEV3: "Limited harm or a contained failure affecting few people; a workaround exists.",
    Severity.SEV4: "A near miss or a minor defect with no real harm; fix in the normal course.",
}
SEVERITY_RANK = {Severity.SEV1: 1, Severity.SEV2: 2, Severity.SEV3: 3, Severity.SEV4: 4}
ESCALATE_TO_APPROVERS = (Severity.SEV1, Severity.SEV2)
NEEDS_CORRECTIVE_ACTION = (Severity.SEV1, Severity.SEV2)

# Hours from report to acknowledge (triage), contain and resolve: the built-in seed of the
# IncidentTimeTarget records. The INCIDENT_TIME_TARGETS setting ({"sev1": {"acknowledge": 1,
# ...}, ...}) overrides them: the data migration seeds the records from both, and
# ``time_targets`` falls back to both for a severity without a record. Officers then change
# the records (Settings > Incident time targets); the setting no longer changes a seeded one.
DEFAULT_TIME_TARGETS = {
    "sev1": {"acknowledge": 1, "contain": 4, "resolve": 72},
    "sev2": {"acknowledge": 4, "contain": 24, "resolve": 168},
    "sev3": {"acknowledge": 24, "contain": 72, "resolve": 336},
    "sev4": {"acknowledge": 72, "contain": 168, "resolve": 720},
}
TARGET_STAGES = ("acknowledge", "contain", "resolve")
MAX_TARGET_HOURS = 8760  # one year

# The merged targets are cached (the default cache, shared by the processes when it is Redis)
# for at most a minute; the service that saves a record clears them. Bump the version when
# the cached shape changes, so no process reads an old shape.
TIME_TARGETS_CACHE_KEY = "incidents:time-targets"
TIME_TARGETS_CACHE_VERSION = 1
TIME_TARGETS_CACHE_SECONDS = 60


def configured_time_targets() -> dict[str, dict[str, int]]:
    """The built-in targets merged with the INCIDENT_TIME_TARGETS setting: the seed of the
    records, and the fallback of a severity that has none."""
    configured = getattr(settings, "INCIDENT_TIME_TARGETS", None) or {}
    return {
        sev: {**DEFAULT_TIME_TARGETS[sev], **configured.get(sev, {})}
        for sev in DEFAULT_TIME_TARGETS
    }


def time_targets() -> dict[str, dict[str, int]]:
    """Hours from report to each stage, per severity: {"sev1": {"acknowledge": 1, ...}}.

    Read from the IncidentTimeTarget records (one query, then the cache for up to
    TIME_TARGETS_CACHE_SECONDS), so a page that asks once per incident costs no query more.
    """
    cached = cache.get(TIME_TARGETS_CACHE_KEY, version=TIME_TARGETS_CACHE_VERSION)
    if cached is not None:
        return cached
    targets = configured_time_targets()
    rows = IncidentTimeTarget.objects.values_list(
        "severity", "acknowledge_hours", "contain_hours", "resolve_hours"
    )
    for severity, acknowledge, contain, resolve in rows:
        if severity in targets:
            targets[severity] = {"acknowledge": acknowledge, "contain": contain, "resolve": resolve}
    cache.set(
        TIME_TARGETS_CACHE_KEY,
        targets,
        TIME_TARGETS_CACHE_SECONDS,
        version=TIME_TARGETS_CACHE_VERSION,
    )
    return targets


def clear_time_targets_cache() -> None:
    cache.delete(TIME_TARGETS_CACHE_KEY, version=TIME_TARGETS_CACHE_VERSION)


class IncidentTimeTarget(TimeStampedModel):
    """How many hours, counted from when an incident is recorded, the organisation allows
    itself to acknowledge, contain and resolve an incident of one severity. One record per
    severity, seeded by a migration and changed only by governance officers."""

    severity = models.CharField(max_length=4, choices=Severity.choices, unique=True)
    acknowledge_hours = models.PositiveIntegerField(
        "hours to acknowledge",
        validators=[MinValueValidator(1), MaxValueValidator(MAX_TARGET_HOURS)],
        help_text="Until someone has triaged the incident.",
    )
    contain_hours = models.PositiveIntegerField(
        "hours to contain",
        validators=[MinValueValidator(1), MaxValueValidator(MAX_TARGET_HOURS)],
        help_text="Until the harm has stopped spreading.",
    )
    resolve_hours = models.PositiveIntegerField(
        "hours to resolve",
        validators=[MinValueValidator(1), MaxValueValidator(MAX_TARGET_HOURS)],
        help_text="Until the cause is fixed.",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["severity"]
        constraints = [
            models.CheckConstraint(
                condition=Q(acknowledge_hours__gte=1)
                & Q(acknowledge_hours__lte=F("contain_hours"))
                & Q(contain_hours__lte=F("resolve_hours"))
                & Q(resolve_hours__lte=MAX_TARGET_HOURS),
                name="incident_time_target_in_order",
                violation_error_message="Give whole hours from 1 to 8760, with acknowledge no "
                "later than contain and contain no later than resolve.",
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_severity_display()}: {self.acknowledge_hours} / "
            f"{self.contain_hours} / {self.resolve_hours} h"
        )

    def hours(self, stage: str) -> int:
        return getattr(self, f"{stage}_hours")

    def clean(self) -> None:
        def usable(value) -> bool:
            return isinstance(value, int) and 1 <= value <= MAX_TARGET_HOURS

        acknowledge, contain, resolve = (self.hours(stage) for stage in TARGET_STAGES)
        errors = {}
        if usable(acknowledge) and usable(contain) and contain < acknowledge:
            errors["contain_hours"] = [
                f"Containing cannot be due before acknowledging: give at least {acknowledge} hours."
            ]
        if usable(contain) and usable(resolve) and resolve < contain:
            errors["resolve_hours"] = [
                f"Resolving cannot be due before containing: give at least {contain} hours."
            ]
        if errors:
            raise ValidationError(errors)


class Status(models.TextChoices):
    REPORTED = "reported", "Reported"
    TRIAGED = "triaged", "Triaged"
    INVESTIGATING = "investigating", "Investigating"
    CONTAINED = "contained", "Contained"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"


class DetectionChannel(models.TextChoices):
    MONITORING = "monitoring", "Monitoring alert"
    USER_COMPLAINT = "user_complaint", "User complaint"
    EMPLOYEE = "employee", "Employee report"
    VENDOR = "vendor", "Vendor notice"
    AUDIT = "audit", "Audit"


class Category(models.TextChoices):
    HARMFUL_OUTPUT = "harmful_output", "Harmful or unsafe output"
    BIAS = "bias", "Bias or discrimination"
    PRIVACY = "privacy", "Privacy breach"
    SECURITY = "security", "Security"
    INACCURATE = "inaccurate", "Inaccurate output causing harm"
    MISUSE = "misuse", "Misuse"
    VENDOR = "vendor", "Vendor outage or change"
    LEGAL = "legal", "Legal or regulatory"
    OTHER = "other", "Other"


class SeriousCase(models.TextChoices):
    """The cases of EU AI Act Article 73 and the days each allows from awareness."""

    GENERAL = "general", "Serious incident — general rule (Art. 73(2))"
    WIDESPREAD = "widespread", "Widespread infringement (Art. 73(3))"
    CRITICAL_INFRASTRUCTURE = (
        "critical_infrastructure",
        "Serious disruption of critical infrastructure (Art. 73(3))",
    )
    DEATH = "death", "Death of a person (Art. 73(4))"


REPORTING_DAYS = {
    SeriousCase.GENERAL: 15,
    SeriousCase.WIDESPREAD: 2,
    SeriousCase.CRITICAL_INFRASTRUCTURE: 2,
    SeriousCase.DEATH: 10,
}
# The clock runs in hours from the moment of awareness: "2 days" is 48 hours, not "the day
# after tomorrow", so no case gains the rest of the day it started on.
REPORTING_HOURS = {case: days * 24 for case, days in REPORTING_DAYS.items()}


class ReportKind(models.TextChoices):
    """Article 73(5): an initial report, possibly incomplete, may come first so the deadline
    is met; the complete report follows. A complete report alone fulfils both."""

    INITIAL = "initial", "Initial report (may be incomplete)"
    COMPLETE = "complete", "Complete report"


def hours_between(start, end) -> int:
    """Whole hours from ``start`` to ``end``, a started hour counting as one (0 if none)."""
    seconds = (end - start).total_seconds()
    return max(0, math.ceil(seconds / 3600))


def moment_in_zone(value) -> str:
    """A deadline as people read it: local date and time in the configured zone, the zone
    named ("6 Dec 2026, 14:30 CET (Europe/Berlin)"; "6 Dec 2026, 14:30 UTC")."""
    from django.utils import dateformat

    local = timezone.localtime(value)
    name = timezone.get_current_timezone_name()
    abbreviation = local.tzname() or name
    zone = abbreviation if abbreviation == name else f"{abbreviation} ({name})"
    return f"{dateformat.format(local, 'j M Y, H:i')} {zone}"


def hours_phrase(hours: int) -> str:
    return f"{hours} hour{'' if hours == 1 else 's'}"


class Incident(ReferencedModel, TimeStampedModel):
    REFERENCE_PREFIX = "INC"
    # The incident's owner may not verify the effectiveness of its corrective actions
    # (aims.capa.services.verification_refusal): someone independent must.
    CAPA_VERIFIED_INDEPENDENTLY_OF_OWNER = True

    title = models.CharField(max_length=200)
    description = models.TextField(help_text="What happened, as far as it is known.")
    # Systems are retired, never deleted in the application; like every record under a
    # system, its incidents go with it (their history rows stay).
    system = models.ForeignKey(
        AISystem,
        on_delete=models.CASCADE,
        related_name="primary_incidents",
        verbose_name="primary AI system",
        help_text="Its owner and the officers handle the incident.",
    )
    systems = models.ManyToManyField(
        AISystem, related_name="incidents", verbose_name="affected AI systems", blank=True
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="incidents_owned"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="incidents_reported",
        editable=False,
    )
    detection_channel = models.CharField(
        "how detected", max_length=20, choices=DetectionChannel.choices
    )
    category = models.CharField(max_length=20, choices=Category.choices)
    severity = models.CharField(max_length=4, choices=Severity.choices, db_index=True)
    status = models.CharField(
        max_length=20,
        choices=Status.choices,
        default=Status.REPORTED,
        editable=False,
        db_index=True,
    )
    aware_at = models.DateTimeField(
        "became aware at",
        default=timezone.now,
        help_text="When the organisation became aware; regulatory clocks start here.",
    )
    # Once the incident is serious, awareness changes only by an officer's correction, with a
    # reason (services.incident_correct_awareness); the first value recorded stays here.
    aware_at_original = models.DateTimeField(
        "awareness originally recorded", null=True, blank=True, editable=False
    )
    aware_at_corrected_at = models.DateTimeField(null=True, blank=True, editable=False)
    aware_at_corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    aware_at_correction_reason = models.TextField(blank=True, editable=False)
    people_affected = models.PositiveIntegerField(null=True, blank=True)
    impact = models.TextField(blank=True)
    containment = models.TextField(blank=True)
    root_cause = models.TextField(blank=True)
    lessons_learned = models.TextField(blank=True)
    flagged_high_risk = models.BooleanField(
        "treat as high-risk system",
        default=False,
        help_text="Apply the EU AI Act serious-incident clock although the system is not "
        "classified high-risk (yet).",
    )
    serious_case = models.CharField(
        max_length=30, choices=SeriousCase.choices, blank=True, editable=False
    )
    # The due moment, ``aware_at`` plus the case's hours; ``reporting_deadline`` is its day
    # (kept for the readers of a date: reminders, older API clients).
    report_due_at = models.DateTimeField(
        "report due at", null=True, blank=True, editable=False, db_index=True
    )
    reporting_deadline = models.DateField(null=True, blank=True, editable=False)
    initial_report_at = models.DateTimeField(
        "initial report submitted at", null=True, blank=True, editable=False
    )
    initial_report_reference = models.CharField(max_length=200, blank=True, editable=False)
    # The complete report (the only one when no initial report came first).
    report_submitted_at = models.DateTimeField(
        "complete report submitted at", null=True, blank=True, editable=False
    )
    report_reference = models.CharField(max_length=200, blank=True, editable=False)
    report_hours_late = models.PositiveIntegerField(
        "report hours late",
        null=True,
        blank=True,
        editable=False,
        help_text="Hours between the due moment and the first report (initial or complete), "
        "a started hour counting as one; empty when on time or not reported yet.",
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True, editable=False)
    contained_at = models.DateTimeField(null=True, blank=True, editable=False)
    resolved_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    evidence = GenericRelation(
        "aims.Evidence", content_type_field="target_type", object_id_field="target_id"
    )
    history = HistoryWithRelations(m2m_fields=["systems"])

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("report_serious_incident", "Can mark incidents serious and record reports")]
        # The dashboard's panels: open incidents newest first, late reports, and the gap
        # list's serious incidents oldest first read an index, not the whole table.
        indexes = [
            models.Index(fields=["status", "severity"]),
            models.Index(fields=["created_at", "id"], name="incident_created_idx"),
            models.Index(fields=["report_hours_late"], name="incident_report_late_idx"),
        ]

    @property
    def permission_parent(self) -> AISystem:
        return self.system

    @classmethod
    def visibility_rule(cls, user, action: str, prefix: str):
        """An incident, with its evidence and corrective actions, is seen by the owners of
        every system it affects (each owner must know of incidents touching their system);
        changing it stays with the primary system's owner, through ``permission_parent``."""
        from aims.visibility import ALL, NONE, rule_for

        if action != "view":
            return None
        if user.has_perm("incidents.view_incident"):
            return ALL
        systems = rule_for(user, AISystem, "view")
        if systems is NONE or systems is ALL:
            return systems
        affected = cls.systems.through.objects.filter(
            aisystem_id__in=AISystem._base_manager.filter(systems).values("pk")
        )
        return Q(**{f"{prefix}pk__in": affected.values("incident_id")})

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("incidents:incident_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status != Status.CLOSED

    @property
    def severity_definition(self) -> str:
        return SEVERITY_DEFINITIONS.get(self.severity, "")

    def due_at(self, stage: str):
        hours = time_targets()[self.severity][stage]
        return self.created_at + timedelta(hours=hours)

    def overdue_stages(self, now=None) -> list[str]:
        """Stages whose target passed without being reached: acknowledge, contain, resolve."""
        if not self.created_at or self.status == Status.CLOSED:
            return []
        now = now or timezone.now()
        reached = {
            "acknowledge": self.acknowledged_at,
            "contain": self.contained_at,
            "resolve": self.resolved_at,
        }
        return [s for s in TARGET_STAGES if reached[s] is None and self.due_at(s) < now]

    @property
    def first_report_at(self):
        """When the authority first heard: the initial report, or the complete one alone."""
        return self.initial_report_at or self.report_submitted_at

    @property
    def awaiting_report(self) -> bool:
        return bool(self.report_due_at) and self.first_report_at is None

    def reporting_days_left(self, today=None) -> int | None:
        if not self.reporting_deadline or self.first_report_at:
            return None
        today = today or timezone.localdate()
        return (self.reporting_deadline - today).days

    def reporting_hours_overdue(self, now=None) -> int | None:
        """Hours the report is overdue now (a started hour counts); None unless overdue."""
        if not self.awaiting_report:
            return None
        now = now or timezone.now()
        return hours_between(self.report_due_at, now) if now > self.report_due_at else None

    def lateness(self, now=None) -> str:
        """How late the serious-incident report is, in one line for pages, lists and packs:
        "Reported 5 h late", "Report overdue by 3 hours", or "" (on time, not serious, not
        due)."""
        if self.report_hours_late:
            return f"Reported {self.report_hours_late} h late"
        overdue = self.reporting_hours_overdue(now)
        return f"Report overdue by {hours_phrase(overdue)}" if overdue else ""

    @property
    def report_due_text(self) -> str:
        """The Art. 73 due moment in the configured zone, the zone named; "" if none."""
        return moment_in_zone(self.report_due_at) if self.report_due_at else ""

    @property
    def awareness_corrected(self) -> bool:
        return self.aware_at_original is not None


def overdue_q(now=None) -> Q:
    """Open incidents with at least one time target missed, as one SQL condition."""
    now = now or timezone.now()
    condition = Q(pk__in=[])
    for sev, targets in time_targets().items():
        for stage, field in (
            ("acknowledge", "acknowledged_at"),
            ("contain", "contained_at"),
            ("resolve", "resolved_at"),
        ):
            condition |= Q(
                severity=sev,
                **{f"{field}__isnull": True},
                created_at__lt=now - timedelta(hours=targets[stage]),
            )
    return condition & ~Q(status=Status.CLOSED)


class IncidentEvent(models.Model):
    """The incident's timeline: an append-only business-event log ("contained by X: ..."),
    written only by incidents.services._common._event. Not a domain record (no history): rows are
    never edited or deleted."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=40)
    message = models.TextField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.kind}: {self.message[:50]}"


# --- Monitoring -----------------------------------------------------------------------------


class Direction(models.TextChoices):
    HIGHER_IS_WORSE = "higher_is_worse", "Higher is worse"
    LOWER_IS_WORSE = "lower_is_worse", "Lower is worse"


class Metric(TimeStampedModel):
    """What is measured on a system, and where the warning and breach lines lie."""

    system = models.ForeignKey(AISystem, on_delete=models.CASCADE, related_name="metrics")
    name = models.CharField(max_length=100)
    unit = models.CharField(max_length=30, blank=True)
    direction = models.CharField(max_length=20, choices=Direction.choices)
    warning_threshold = models.FloatField(null=True, blank=True)
    breach_threshold = models.FloatField()
    expected_interval_minutes = models.PositiveIntegerField(
        default=60,
        validators=[MinValueValidator(1)],
        help_text="A metric without an observation for longer than this raises a staleness alert.",
    )
    auto_incident_severity = models.CharField(
        "open an incident on breach",
        max_length=4,
        choices=Severity.choices,
        blank=True,
        help_text="Leave empty to raise alerts only. One incident per open breach.",
    )
    last_observed_at = models.DateTimeField(null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["system_id", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["system", "name"], name="one_metric_name_per_system")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})" if self.unit else self.name

    @property
    def permission_parent(self) -> AISystem:
        return self.system

    def clean(self) -> None:
        if self.warning_threshold is None or self.breach_threshold is None:
            return
        worse = self.direction == Direction.HIGHER_IS_WORSE
        if (worse and self.warning_threshold > self.breach_threshold) or (
            not worse and self.warning_threshold < self.breach_threshold
        ):
            raise ValidationError(
                {"warning_threshold": ["The warning line must come before the breach line."]}
            )

    def level(self, value: float) -> str:
        """ "breach", "warning" or "ok" for one observed value."""
        worse = self.direction == Direction.HIGHER_IS_WORSE

        def crosses(threshold) -> bool:
            return threshold is not None and (value >= threshold if worse else value <= threshold)

        if crosses(self.breach_threshold):
            return "breach"
        if crosses(self.warning_threshold):
            return "warning"
        return "ok"


class Observation(models.Model):
    """One measurement. Not a record but a data point: no history (measurements are never
    edited) and bulk-inserted; unique per metric and timestamp so re-sending is harmless."""

    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="observations")
    observed_at = models.DateTimeField()
    value = models.FloatField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["metric_id", "observed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["metric", "observed_at"], name="one_observation_per_metric_time"
            )
        ]

    def __str__(self) -> str:
        return f"{self.metric_id}@{self.observed_at:%Y-%m-%d %H:%M}: {self.value}"


class Alert(models.Model):
    """A breach, warning or staleness of a metric, opened and resolved by the monitoring
    services (machine events, like notifications: no history). At most one open alert per
    metric and kind."""

    class Kind(models.TextChoices):
        WARNING = "warning", "Warning"
        BREACH = "breach", "Breach"
        STALE = "stale", "No recent observation"

    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    opened_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    value = models.FloatField(null=True, blank=True)
    message = models.CharField(max_length=300)
    incident = models.ForeignKey(
        Incident, on_delete=models.SET_NULL, null=True, blank=True, related_name="alerts"
    )

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["metric", "kind"],
                condition=Q(resolved_at__isnull=True),
                name="one_open_alert_per_metric_kind",
            )
        ]

    def __str__(self) -> str:
        return self.message

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None
