"""Shapes of the shared primitives in the API: the acting user, notifications, evidence and
history entries. Input shape only: the rules live in aims.services."""

from django.urls import reverse
from rest_framework import serializers

from aims.models import Evidence, Notification, format_reference


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True)


class CapabilitiesSerializer(serializers.Serializer):
    submit_intake = serializers.BooleanField()
    triage = serializers.BooleanField()
    decide_gates = serializers.BooleanField()
    configure_gates = serializers.BooleanField()
    add_evidence = serializers.BooleanField()
    read_only = serializers.BooleanField()


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.CharField()
    email = serializers.EmailField()
    roles = serializers.ListField(child=serializers.CharField())
    capabilities = CapabilitiesSerializer()
    unread_notifications = serializers.IntegerField()


class NotificationReadSerializer(serializers.ModelSerializer):
    is_read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "title", "body", "link", "created_at", "read_at", "is_read"]
        read_only_fields = fields

    def get_is_read(self, obj: Notification) -> bool:
        return obj.read_at is not None


class NotificationMarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        allow_empty=True,
        max_length=1000,
        help_text="Notifications to mark read; leave out to mark all of them read.",
    )


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many notifications were unread.")


class EvidenceReadSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    owner_username = serializers.CharField(source="owner.username", read_only=True)
    target_type = serializers.SerializerMethodField()
    target_reference = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = [
            "id",
            "reference",
            "title",
            "description",
            "kind",
            "kind_display",
            "original_filename",
            "size_bytes",
            "sha256",
            "url",
            "download_url",
            "owner",
            "owner_username",
            "valid_from",
            "valid_until",
            "target_type",
            "target_id",
            "target_reference",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    # target_type is select_related and model_class() reads the app registry: no query.
    def get_target_type(self, obj: Evidence) -> str:
        return f"{obj.target_type.app_label}.{obj.target_type.model}"

    def get_target_reference(self, obj: Evidence) -> str:
        model = obj.target_type.model_class()
        prefix = getattr(model, "REFERENCE_PREFIX", "")
        return format_reference(prefix, obj.target_id) if prefix else str(obj.target_id)

    def get_download_url(self, obj: Evidence) -> str | None:
        if obj.kind != Evidence.Kind.FILE:
            return None
        path = reverse("api:evidence-download", args=[obj.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class EvidenceWriteSerializer(serializers.Serializer):
    """Attach a file (multipart) or a link to a record. ``target_type`` is "app_label.model"
    of a record type the API accepts evidence on (the view passes them as ``target_types``)."""

    target_type = serializers.ChoiceField(choices=[])
    target_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    file = serializers.FileField(required=False, allow_empty_file=False)
    url = serializers.URLField(required=False, allow_blank=True, max_length=500)
    valid_from = serializers.DateField(required=False, allow_null=True)
    valid_until = serializers.DateField(required=False, allow_null=True)

    def __init__(self, *args, target_types: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_type"].choices = target_types or []


class HistoryChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField()
    old = serializers.JSONField(allow_null=True)
    new = serializers.JSONField(allow_null=True)
    # Only on relation (many-to-many) changes; absent from field changes.
    added = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="Relations only: the records this change linked, by reference or name.",
    )
    removed = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="Relations only: the records this change unlinked, by reference or name.",
    )
    summary = serializers.CharField(
        required=False, help_text="Relations only: the change in one line, as people read it."
    )


class HistoryEntrySerializer(serializers.Serializer):
    """One row of aims.history_diff.history_entries."""

    model = serializers.CharField()
    model_name = serializers.CharField()
    object_id = serializers.IntegerField()
    object_reference = serializers.CharField()
    object_repr = serializers.CharField()
    history_id = serializers.IntegerField()
    history_type = serializers.ChoiceField(choices=["+", "~", "-"])
    history_type_display = serializers.CharField()
    history_date = serializers.DateTimeField()
    history_user_id = serializers.IntegerField(allow_null=True)
    history_user = serializers.CharField(allow_null=True)
    history_change_reason = serializers.CharField()
    changes = HistoryChangeSerializer(many=True)


class HistoryPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = HistoryEntrySerializer(many=True)
