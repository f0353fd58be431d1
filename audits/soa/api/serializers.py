"""Serializers of the catalogue, the Statement of Applicability, its versions and
readiness."""

from django.contrib.auth import get_user_model
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from aims.api.serializer_bases import AimsModelSerializer, AimsSerializer
from audits.models import (
    ControlStatement,
    GapAssignment,
    SoAVersion,
)
from inventory.models import AISystem
from risk.models import Risk

from ..gaps import SEVERITIES
from ..readiness import readiness_of
from ..services import current_evidence

User = get_user_model()


class StatementEvidenceSerializer(AimsSerializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    title = serializers.CharField()
    valid_from = serializers.DateField(allow_null=True)
    valid_until = serializers.DateField(allow_null=True)
    in_date = serializers.BooleanField(help_text="Valid today.")


class ReadinessFlagsSerializer(AimsSerializer):
    has_owner = serializers.BooleanField()
    has_evidence = serializers.BooleanField(help_text="At least one current, in-date evidence.")
    implemented = serializers.BooleanField()
    excluded = serializers.BooleanField()
    ready = serializers.BooleanField()
    next_step = serializers.CharField(help_text="What to do next; empty when ready.")
    security_evidence = serializers.ListField(
        child=serializers.CharField(),
        help_text="Where in-date evidence comes from ISO/IEC 27001: one line per reviewed "
        "mapping from an implemented 27001 control with in-date evidence.",
    )


class ControlStatementReadSerializer(AimsModelSerializer):
    """One row of the SoA (Annex A control) or a clause requirement's statement."""

    code = serializers.CharField(source="item.code", read_only=True)
    title = serializers.CharField(source="item.title", read_only=True)
    kind = serializers.CharField(
        source="item.kind", read_only=True, help_text="'clause' (4-10) or 'control' (Annex A)."
    )
    implementation_status_display = serializers.CharField(
        source="get_implementation_status_display", read_only=True
    )
    owner_username = serializers.CharField(source="owner.username", read_only=True, default="")
    systems = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    risks = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    evidence = serializers.SerializerMethodField()
    readiness = serializers.SerializerMethodField()

    class Meta:
        model = ControlStatement
        fields = [
            "id",
            "code",
            "title",
            "kind",
            "applicable",
            "justification",
            "implementation_status",
            "implementation_status_display",
            "implementation_notes",
            "owner",
            "owner_username",
            "systems",
            "risks",
            "evidence",
            "readiness",
            "updated_at",
        ]
        read_only_fields = fields

    def _page(self) -> dict:
        """Readiness and evidence of every statement being serialised, read once (one query
        each) for a whole page rather than per row."""
        cache = self.context.setdefault("_statements", {})
        if not cache:
            many = isinstance(self.parent, serializers.ListSerializer)
            statements = list(self.parent.instance) if many else [self.instance]
            ids = [s.pk for s in statements]
            cache["today"] = timezone.localdate()
            cache["states"] = readiness_of(statements, today=cache["today"])
            evidence: dict[int, list] = {}
            for e in current_evidence(ids):
                evidence.setdefault(e.target_id, []).append(e)
            cache["evidence"] = evidence
        return cache

    def _state(self, obj):
        return self._page()["states"][obj.pk]

    @extend_schema_field(StatementEvidenceSerializer(many=True))
    def get_evidence(self, obj) -> list[dict]:
        today = self._page()["today"]
        rows = self._page()["evidence"].get(obj.pk, [])
        return [
            {
                "id": e.pk,
                "reference": e.reference,
                "title": e.title,
                "valid_from": e.valid_from,
                "valid_until": e.valid_until,
                "in_date": (e.valid_from is None or e.valid_from <= today)
                and (e.valid_until is None or e.valid_until >= today),
            }
            for e in rows
        ]

    @extend_schema_field(ReadinessFlagsSerializer)
    def get_readiness(self, obj) -> dict:
        state = self._state(obj)
        return {
            "has_owner": state.has_owner,
            "has_evidence": state.has_evidence,
            "implemented": state.implemented,
            "excluded": state.excluded,
            "ready": state.ready,
            "next_step": state.next_step,
            "security_evidence": [str(s) for s in state.security_support],
        }


class ControlStatementWriteSerializer(AimsModelSerializer):
    """The fields an officer may change; excluding a control needs a justification (the
    service refuses it otherwise, on the field "justification")."""

    owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), allow_null=True, required=False
    )
    systems = serializers.PrimaryKeyRelatedField(
        queryset=AISystem.objects.all(), many=True, required=False
    )
    risks = serializers.PrimaryKeyRelatedField(
        queryset=Risk.objects.all(), many=True, required=False
    )

    class Meta:
        model = ControlStatement
        fields = [
            "applicable",
            "justification",
            "implementation_status",
            "implementation_notes",
            "owner",
            "systems",
            "risks",
        ]


class SoARowSerializer(AimsSerializer):
    code = serializers.CharField()
    title = serializers.CharField()
    applicable = serializers.BooleanField()
    justification = serializers.CharField(allow_blank=True)
    implementation_status = serializers.CharField()
    implementation_notes = serializers.CharField(allow_blank=True)
    owner = serializers.CharField(allow_blank=True, help_text="Username; empty when none.")
    evidence = serializers.ListField(child=serializers.CharField(), help_text="EVD references.")
    systems = serializers.ListField(child=serializers.CharField(), help_text="AIS references.")
    risks = serializers.ListField(child=serializers.CharField(), help_text="RSK references.")


class SoAVersionReadSerializer(AimsModelSerializer):
    approved_by_username = serializers.CharField(source="approved_by.username", read_only=True)
    rows = SoARowSerializer(many=True, read_only=True)

    class Meta:
        model = SoAVersion
        fields = [
            "id",
            "number",
            "note",
            "approved_by",
            "approved_by_username",
            "approved_at",
            "rows",
        ]
        read_only_fields = fields


class SoAVersionApproveSerializer(AimsSerializer):
    """Approve the live SoA as the next version (its rows are taken from the statements)."""

    note = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class FieldChangeSerializer(AimsSerializer):
    field = serializers.CharField()
    label = serializers.CharField()
    before = serializers.CharField(allow_blank=True)
    after = serializers.CharField(allow_blank=True)


class RowChangeSerializer(AimsSerializer):
    code = serializers.CharField()
    title = serializers.CharField()
    changes = FieldChangeSerializer(many=True)


class ComparisonSerializer(AimsSerializer):
    a = serializers.CharField(help_text="Version number, or 'current' for the live SoA.")
    b = serializers.CharField(help_text="Version number, or 'current' for the live SoA.")
    changed = RowChangeSerializer(many=True)
    added = SoARowSerializer(many=True)
    removed = SoARowSerializer(many=True)


class CompareQuerySerializer(AimsSerializer):
    a = serializers.CharField(help_text="Version number, or 'current'.")
    b = serializers.CharField(help_text="Version number, or 'current'.")


class GroupReadinessSerializer(AimsSerializer):
    code = serializers.CharField()
    title = serializers.CharField()
    total = serializers.IntegerField()
    ready = serializers.IntegerField()
    percent = serializers.IntegerField()
    with_owner = serializers.IntegerField()
    with_evidence = serializers.IntegerField()
    implemented = serializers.IntegerField()
    excluded = serializers.IntegerField()


class GapSerializer(AimsSerializer):
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    severity = serializers.ChoiceField(choices=SEVERITIES)
    record = serializers.CharField(help_text="The code or reference of the record to fix.")
    message = serializers.CharField()
    action = serializers.CharField(help_text="What to do next.")
    url = serializers.CharField(allow_blank=True, help_text="The page of the record to fix.")


class ReadinessSerializer(AimsSerializer):
    date = serializers.DateField(help_text="Evidence validity is judged on this day.")
    percent = serializers.IntegerField()
    ready = serializers.IntegerField()
    total = serializers.IntegerField()
    clauses = GroupReadinessSerializer(many=True)
    annex = GroupReadinessSerializer(many=True)
    gaps = GapSerializer(
        many=True,
        help_text="The first gaps of the gap list, most severe first (at most "
        "`gaps_limit`); the whole list, paginated, is /api/v1/readiness/gaps/.",
    )
    gap_count = serializers.IntegerField(help_text="Gaps in the whole list.")
    gaps_limit = serializers.IntegerField(help_text="The most gaps listed under `gaps`.")
    gaps_complete = serializers.BooleanField(help_text="Whether `gaps` lists every gap.")


# --- Readiness gaps and their assignments ---------------------------------------------------


class GapRowSerializer(AimsSerializer):
    """A readiness gap joined with its assignment (owner, due date, status)."""

    kind = serializers.CharField()
    kind_label = serializers.CharField()
    severity = serializers.ChoiceField(choices=SEVERITIES)
    record = serializers.CharField(help_text="The code or reference of the record to fix.")
    message = serializers.CharField()
    action = serializers.CharField(help_text="What to do next.")
    url = serializers.CharField(allow_blank=True, help_text="The page of the record to fix.")
    owner = serializers.IntegerField(
        source="owner_id", allow_null=True, help_text="The assignee's user id."
    )
    owner_name = serializers.CharField(allow_blank=True, help_text="The assignee, by name.")
    due_date = serializers.DateField(allow_null=True)
    status = serializers.ChoiceField(
        choices=["unassigned", *GapAssignment.Status.values],
        help_text="'unassigned' until an officer assigns the gap.",
    )
    status_label = serializers.CharField()
    overdue = serializers.BooleanField()
    note = serializers.CharField(allow_blank=True)


class GapAssignSerializer(AimsSerializer):
    """An officer assigns a gap: who fixes it and by when."""

    owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    due_date = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class GapStatusSerializer(AimsSerializer):
    """The assignee (or an officer) records how far the work is."""

    status = serializers.ChoiceField(choices=GapAssignment.Status.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000)
