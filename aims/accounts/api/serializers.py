"""Shapes of tokens and service accounts in the API."""

from django.contrib.auth import get_user_model
from rest_framework import serializers

from aims.accounts import scopes
from aims.accounts.models import ApiToken, ServiceAccount
from aims.accounts.services import SERVICE_ACCOUNT_ROLES
from aims.api.serializer_bases import AimsModelSerializer, AimsSerializer
from aims.roles import role_names

User = get_user_model()


def scopes_field(**kwargs):
    return serializers.DictField(
        child=serializers.ChoiceField(choices=scopes.LEVELS),
        help_text="Area → read or write. Areas: " + ", ".join(scopes.AREAS) + ".",
        **kwargs,
    )


class TokenReadSerializer(AimsModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    status = serializers.ChoiceField(choices=ApiToken.Status.choices, read_only=True)
    scopes = scopes_field(read_only=True)
    revoked_by = serializers.CharField(
        source="revoked_by.username", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "user",
            "username",
            "name",
            "prefix",
            "scopes",
            "status",
            "created_at",
            "expires_at",
            "last_used_at",
            "last_used_ip",
            "revoked_at",
            "revoked_by",
            "revoked_reason",
        ]
        read_only_fields = fields


class TokenCreatedSerializer(TokenReadSerializer):
    secret = serializers.CharField(
        read_only=True,
        help_text="Shown once: only its hash is stored. Send it as 'Token <secret>'.",
    )

    class Meta(TokenReadSerializer.Meta):
        fields = [*TokenReadSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class TokenWriteSerializer(AimsSerializer):
    name = serializers.CharField(max_length=100)
    scopes = scopes_field(required=False)
    expires_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text="Default: AIMS_TOKEN_DEFAULT_DAYS from now; null: no expiry (only if allowed).",
    )
    user = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(),
        required=False,
        help_text="A service account's user id (officers); default: yourself.",
    )

    def validate_scopes(self, value):
        try:
            return scopes.clean_scopes(value)
        except ValueError as error:
            raise serializers.ValidationError(str(error)) from error


class TokenFilterSerializer(AimsSerializer):
    user = serializers.IntegerField(
        required=False, min_value=1, help_text="User id (officers; others see their own)."
    )


class ServiceAccountReadSerializer(AimsModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    user_id = serializers.IntegerField(source="user.pk", read_only=True)
    is_active = serializers.BooleanField(source="user.is_active", read_only=True)
    roles = serializers.SerializerMethodField()

    class Meta:
        model = ServiceAccount
        fields = [
            "id",
            "name",
            "description",
            "owner",
            "user_id",
            "username",
            "roles",
            "is_active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_roles(self, account) -> list[str]:
        return role_names(account.user)


class ServiceAccountWriteSerializer(AimsSerializer):
    name = serializers.CharField(max_length=100)
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True, service_account__isnull=True),
        help_text="The responsible person.",
    )
    roles = serializers.ListField(
        child=serializers.ChoiceField(choices=SERVICE_ACCOUNT_ROLES), required=False
    )
    is_active = serializers.BooleanField(required=False, default=True)

    def validate_name(self, value):
        clash = ServiceAccount.objects.filter(name__iexact=value.strip())
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise serializers.ValidationError("A service account has this name already.")
        return value.strip()
