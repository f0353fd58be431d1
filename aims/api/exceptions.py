"""Every API error in one shape: {"message": ..., "code": ..., "extra": {...}}."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from aims.errors import BusinessRuleError


def _field_errors(detail) -> dict:
    if isinstance(detail, dict):
        return {key: _field_errors(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [
            str(item) if not isinstance(item, dict | list) else _field_errors(item)
            for item in detail
        ]
    return str(detail)


def exception_handler(exc, context):
    if isinstance(exc, BusinessRuleError):
        return Response(
            {"message": exc.message, "code": exc.code, "extra": exc.extra},
            status=exc.status_code,
        )
    if isinstance(exc, DjangoValidationError):
        fields = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        exc = exceptions.ValidationError(fields)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        body = {
            "message": "The request has invalid fields.",
            "code": "invalid",
            "extra": {"fields": _field_errors(exc.detail)},
        }
    else:
        detail = getattr(exc, "detail", "")
        code = exc.get_codes() if hasattr(exc, "get_codes") else "error"
        body = {
            "message": str(detail),
            "code": code if isinstance(code, str) else "error",
            "extra": {},
        }
    if response.status_code == status.HTTP_401_UNAUTHORIZED and "WWW-Authenticate" not in response:
        response["WWW-Authenticate"] = "Token"
    response.data = body
    return response
