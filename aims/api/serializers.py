"""Shapes of the shared primitives in the API: the token, the acting user and history entries.
Notifications and evidence have theirs in aims.notifications.api.serializers and
aims.evidence.api.serializers."""

from rest_framework import serializers

from aims.api.serializer_bases import AimsSerializer


class TokenSerializer(AimsSerializer):
    token = serializers.CharField(read_only=True)


class CapabilitiesSerializer(AimsSerializer):
    submit_intake = serializers.BooleanField()
    triage = serializers.BooleanField()
    decide_gates = serializers.BooleanField()
    configure_gates = serializers.BooleanField()
    add_evidence = serializers.BooleanField()
    read_only = serializers.BooleanField()


class MeSerializer(AimsSerializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.CharField()
    email = serializers.EmailField()
    roles = serializers.ListField(child=serializers.CharField())
    capabilities = CapabilitiesSerializer()
    unread_notifications = serializers.IntegerField()


class HistoryChangeSerializer(AimsSerializer):
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


class HistoryEntrySerializer(AimsSerializer):
    """One row of aims.history_diff.history_entries."""

    model = serializers.CharField()
    model_name = serializers.CharField()
    object_id = serializers.IntegerField()
    object_reference = serializers.CharField(
        allow_blank=True, help_text="The record's reference (RSK-0002); empty if it has none."
    )
    object_repr = serializers.CharField(allow_blank=True)
    object_label = serializers.CharField(
        help_text='The record as people know it: "AIS-0003 Loan scoring", or its kind and '
        'parent ("Classification of AIS-0003 Loan scoring").'
    )
    history_id = serializers.IntegerField()
    history_type = serializers.ChoiceField(choices=["+", "~", "-"])
    history_type_display = serializers.CharField()
    history_date = serializers.DateTimeField()
    history_user_id = serializers.IntegerField(allow_null=True)
    history_user = serializers.CharField(allow_null=True)
    history_change_reason = serializers.CharField()
    changes = HistoryChangeSerializer(many=True)


class HistoryPageSerializer(AimsSerializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = HistoryEntrySerializer(many=True)


# --- No lost updates: the 412 a stale write answers (aims.concurrency.stale) -----------------


class StaleFieldSerializer(AimsSerializer):
    field = serializers.CharField()
    label = serializers.CharField()
    old = serializers.JSONField(allow_null=True)
    new = serializers.JSONField(allow_null=True)


class StaleChangeSerializer(AimsSerializer):
    """One change made since the version the write was loaded at."""

    version = serializers.IntegerField(help_text="The version this change made.")
    type = serializers.CharField(help_text="Created, Changed or Deleted.")
    by = serializers.CharField(allow_null=True)
    at = serializers.DateTimeField()
    reason = serializers.CharField(allow_blank=True)
    fields = StaleFieldSerializer(many=True)


class StaleVersionExtraSerializer(AimsSerializer):
    current_version = serializers.IntegerField(
        help_text="The record's version now: its new ETag, to send after reviewing the changes."
    )
    your_version = serializers.IntegerField(help_text="The version the write said it was at.")
    changed_fields = serializers.ListField(child=serializers.CharField())
    changes = StaleChangeSerializer(many=True)


class StaleVersionErrorSerializer(AimsSerializer):
    """The refusal of a write loaded at an older version: nothing was saved."""

    message = serializers.CharField()
    code = serializers.ChoiceField(choices=["stale_version"])
    extra = StaleVersionExtraSerializer()
