from rest_framework import exceptions, serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer

from aims.api.serializer_bases import AimsModelSerializer
from aims.people import display_name
from aims.signins import lockout
from aims.signins.models import SignInEvent
from aims.text_limits import TextLimitSerializerMixin


class LockedOut(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "locked_out"
    default_detail = (
        "Too many failed sign-ins: this account is locked out for now. Try again later, or ask "
        "a governance officer to unlock it."
    )

    def __init__(self):
        super().__init__()
        self.wait = lockout.lockout_seconds()  # sent as Retry-After


class SignInEventReadSerializer(AimsModelSerializer):
    user_name = serializers.SerializerMethodField()
    actor_name = serializers.SerializerMethodField()

    class Meta:
        model = SignInEvent
        fields = [
            "id", "created_at", "kind", "channel", "username", "user", "user_name",
            "actor", "actor_name", "client_address", "user_agent",
        ]  # fmt: skip
        read_only_fields = fields

    def get_user_name(self, event) -> str:
        return display_name(event.user) if event.user_id else ""

    def get_actor_name(self, event) -> str:
        return display_name(event.actor) if event.actor_id else ""


class TokenRequestSerializer(TextLimitSerializerMixin, AuthTokenSerializer):
    """DRF's username-and-password exchange, inside the lockout: a locked-out account is
    refused with 429 ``locked_out`` (the right password too), and a token issued is an event of
    the sign-in audit (the endpoint signs no session in, so Django sends no signal)."""

    def validate(self, attrs):
        from axes.handlers.proxy import AxesProxyHandler

        from aims.signins.services import sign_in_event_record

        request = self.context["request"]
        try:
            attrs = super().validate(attrs)
        except serializers.ValidationError:
            if getattr(request, "axes_locked_out", False):
                raise LockedOut() from None
            raise
        AxesProxyHandler.user_logged_in(self.__class__, request, attrs["user"])
        sign_in_event_record(request=request, kind=SignInEvent.Kind.SIGNED_IN, user=attrs["user"])
        return attrs
