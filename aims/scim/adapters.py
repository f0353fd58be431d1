"""SCIM JSON <-> AIMS, for django-scim2's views (its USER_ADAPTER / GROUP_ADAPTER hooks).

The adapters only read and translate: every write is a call of aims.scim.services, and every
refusal of a service becomes a SCIM error (400 bad input, 403 refused, 409 taken), never a 500.
PATCH handles what Azure AD / Entra ID and Okta send: ``replace`` of ``active`` (also as the
strings "True"/"False"), of names and e-mails, with or without a path, and ``add`` /
``remove`` / ``replace`` of group members (``members[value eq "42"]`` too). Attributes AIMS
does not keep (title, phone numbers, the enterprise extension...) are ignored, and so is a
password: accounts provisioned by SCIM sign in through single sign-on.
"""

import re
from contextlib import contextmanager
from urllib.parse import urljoin

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_scim import constants, exceptions
from django_scim.adapters import SCIMGroup, SCIMUser
from django_scim.models import SCIMServiceProviderConfig

from aims.client_ip import client_ip
from aims.errors import BusinessRuleError, Code, RuleForbidden

from . import services
from .filters import GroupFilter, UserFilter

User = get_user_model()
MAX_PAGE = 200
USER_URN = constants.SchemaURI.USER + ":"
GROUP_URN = constants.SchemaURI.GROUP + ":"
MEMBER_FILTER = re.compile(r'^members\[\s*value\s+eq\s+"([^"]*)"\s*\]$', re.IGNORECASE)


def base_location(request=None, *args, **kwargs) -> str:
    """The server's root URL for ``location`` and ``$ref`` (BASE_LOCATION_GETTER)."""
    if request is not None:
        return request.build_absolute_uri("/")
    return settings.AIMS_BASE_URL.rstrip("/") + "/"


@contextmanager
def scim_errors():
    """Render the services' refusals in SCIM's error format."""
    try:
        yield
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            detail = "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
        else:
            detail = " ".join(error.messages)
        raise exceptions.BadRequestError(detail, scim_type="invalidValue") from error
    except RuleForbidden as error:
        raise exceptions.SCIMException(error.message, status=403) from error
    except BusinessRuleError as error:
        if error.code in (Code.USERNAME_TAKEN, Code.GROUP_NAME_TAKEN):
            raise exceptions.IntegrityError(error.message, scim_type="uniqueness") from error
        raise exceptions.BadRequestError(error.message) from error


def _bad(detail: str, scim_type: str = "invalidValue"):
    return exceptions.BadRequestError(detail, scim_type=scim_type)


def _bool(value, name: str = "active") -> bool:
    """A boolean, also from the strings Azure AD sends ("True", "False")."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise _bad(f'"{name}" must be true or false; got {value!r}.')


def _str(value, name: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _bad(f'"{name}" must be a string; got {type(value).__name__}.')
    return value


def _email(value) -> str:
    """The primary e-mail of a SCIM ``emails`` value (a list; OneLogin sends one dict)."""
    if value in (None, [], ""):
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(e, dict) for e in value):
        raise _bad('"emails" must be a list of {"value": ..., "primary": ...} objects.')
    ranked = sorted(value, key=lambda e: (not e.get("primary"), str(e.get("value") or "")))
    return _str(ranked[0].get("value"), "emails.value").strip()


def _actor(request) -> services.Actor:
    return services.Actor(client=request.scim_client, ip=client_ip(request) or None)


def _strip_urn(path: str, urn: str) -> str:
    return path[len(urn) :] if path.lower().startswith(urn.lower()) else path


class ServiceProviderConfig(SCIMServiceProviderConfig):
    def to_dict(self):
        d = super().to_dict()
        d.update(
            {
                "documentationUri": None,
                "filter": {"supported": True, "maxResults": MAX_PAGE},
                # Accounts provisioned by SCIM sign in through single sign-on.
                "changePassword": {"supported": False},
                "bulk": {"supported": False, "maxOperations": 0, "maxPayloadSize": 0},
                "authenticationSchemes": [
                    {
                        "type": "oauthbearertoken",
                        "name": "Bearer token",
                        "description": "The token of a SCIM client created by an AIMS "
                        "administrator, in the Authorization header.",
                        "primary": True,
                    }
                ],
            }
        )
        return d


class UserAdapter(SCIMUser):
    id_field = "id"
    ATTR_MAP = UserFilter.attr_map

    def __init__(self, obj, request=None):
        super().__init__(obj, request)
        self.data: services.UserData | None = None

    # --- reading ---

    @property
    def identity(self):
        try:
            return self.obj.scim_identity
        except User.scim_identity.RelatedObjectDoesNotExist:
            return None

    @property
    def emails(self):
        return [{"value": self.obj.email, "primary": True}] if self.obj.email else []

    @property
    def groups(self):
        return [
            {
                "value": str(group.pk),
                "$ref": urljoin(
                    base_location(self._request), reverse("scim:groups", args=[group.pk])
                ),
                "display": group.display_name,
            }
            for group in self.obj.scim_groups.all()
            if group.removed_at is None
        ]

    def to_dict(self):
        identity = self.identity
        modified = identity.updated_at if identity else self.obj.date_joined
        return {
            "schemas": [constants.SchemaURI.USER],
            "id": self.id,
            "externalId": identity.external_id if identity and identity.external_id else None,
            "userName": self.obj.username,
            "name": {
                "givenName": self.obj.first_name,
                "familyName": self.obj.last_name,
                "formatted": self.name_formatted,
            },
            "displayName": self.display_name,
            "emails": self.emails,
            "active": self.obj.is_active,
            "groups": self.groups,
            "meta": {
                "resourceType": self.resource_type,
                "created": self.obj.date_joined.isoformat(),
                "lastModified": max(modified, self.obj.date_joined).isoformat(),
                "location": self.location,
            },
        }

    def _current(self) -> services.UserData:
        identity = self.identity
        return services.UserData(
            username=self.obj.username,
            first_name=self.obj.first_name,
            last_name=self.obj.last_name,
            email=self.obj.email,
            active=self.obj.is_active,
            external_id=identity.external_id if identity else "",
        )

    # --- POST and PUT ---

    def validate_dict(self, d):
        if not isinstance(d, dict):
            raise _bad("The body must be a SCIM User object.", "invalidSyntax")

    def from_dict(self, d):
        name = d.get("name") or {}
        if not isinstance(name, dict):
            raise _bad('"name" must be an object with givenName and familyName.')
        known = {"schemas", "id", "meta", "userName", "name", "emails", "active", "externalId"}
        active = d.get("active")
        self.data = services.UserData(
            username=_str(d.get("userName"), "userName"),
            first_name=_str(name.get("givenName"), "name.givenName"),
            last_name=_str(name.get("familyName"), "name.familyName"),
            email=_email(d.get("emails")),
            active=_bool(active)
            if active is not None
            else (self.obj.pk is None or self.obj.is_active),
            # A PUT without externalId keeps the one the provider gave before.
            external_id=_str(d["externalId"], "externalId")
            if "externalId" in d
            else (self.identity.external_id if self.obj.pk and self.identity else ""),
            ignored=sorted(k for k in d if k not in known),
        )

    def save(self):
        with scim_errors():
            if self.obj.pk is None:
                self.obj = services.user_provision(actor=_actor(self.request), data=self.data)
            else:
                self.obj = services.user_update(
                    actor=_actor(self.request), user=self.obj, data=self.data
                )

    def delete(self):
        with scim_errors():
            services.deprovision(self.obj, actor=_actor(self.request), reason="SCIM DELETE")

    # --- PATCH ---

    def handle_operations(self, operations):
        if not isinstance(operations, list):
            raise _bad('"Operations" must be a list.', "invalidSyntax")
        data = self._current()
        for operation in operations:
            op, items = _operation_items(operation)
            for path, value in items:
                self._apply(data, op, _strip_urn(path, USER_URN), value)
        with scim_errors():
            self.obj = services.user_update(actor=_actor(self.request), user=self.obj, data=data)
        self.obj.refresh_from_db()

    def _apply(self, data: services.UserData, op: str, path: str, value) -> None:
        key = path.strip().lower()
        remove = op == "remove"
        if key == "active":
            if remove:
                raise _bad('"active" cannot be removed.', "mutability")
            data.active = _bool(value)
        elif key == "username":
            if remove:
                raise _bad('"userName" cannot be removed.', "mutability")
            data.username = _str(value, "userName")
        elif key == "name":
            value = {} if remove else value
            if not isinstance(value, dict):
                raise _bad('"name" must be an object.')
            if remove or "givenName" in value:
                data.first_name = _str(value.get("givenName"), "name.givenName")
            if remove or "familyName" in value:
                data.last_name = _str(value.get("familyName"), "name.familyName")
        elif key in ("name.givenname", "givenname"):
            data.first_name = "" if remove else _str(value, "name.givenName")
        elif key in ("name.familyname", "familyname"):
            data.last_name = "" if remove else _str(value, "name.familyName")
        elif key == "emails" or key.startswith("emails["):
            data.email = "" if remove else _email(value)
        elif key == "externalid":
            data.external_id = "" if remove else _str(value, "externalId")
        elif key in ("id", "meta", "schemas", "groups") or key.startswith("groups"):
            raise _bad(f'"{path}" is read-only.', "mutability")
        else:
            data.ignored.append(path)  # attributes AIMS does not keep; a password too


def _operation_items(operation) -> tuple[str, list]:
    """A PATCH operation as (op, [(path, value), ...]); no path means a value object whose
    keys are the paths."""
    if not isinstance(operation, dict):
        raise _bad("Each operation must be an object.", "invalidSyntax")
    op = str(operation.get("op", "")).lower()
    if op not in constants.VALID_PATCH_OPS:
        raise _bad(f"Unknown PATCH op {operation.get('op')!r}.", "invalidSyntax")
    path = operation.get("path")
    value = operation.get("value")
    if path:
        if not isinstance(path, str):
            raise _bad('"path" must be a string.', "invalidPath")
        return op, [(path, value)]
    if op == "remove":
        raise _bad('"path" is required to remove.', "noTarget")
    if not isinstance(value, dict):
        raise _bad("An operation without a path needs an object value.", "invalidValue")
    return op, list(value.items())


class GroupAdapter(SCIMGroup):
    id_field = "id"
    ATTR_MAP = GroupFilter.attr_map

    def __init__(self, obj, request=None):
        super().__init__(obj, request)
        self.fields: dict = {}

    @property
    def members(self):
        return [
            {
                "value": str(user.pk),
                "$ref": urljoin(
                    base_location(self._request), reverse("scim:users", args=[user.pk])
                ),
                "display": UserAdapter(user, self._request).display_name,
            }
            for user in self.obj.members.all()
        ]

    def to_dict(self):
        return {
            "schemas": [constants.SchemaURI.GROUP],
            "id": self.id,
            "externalId": self.obj.external_id or None,
            "displayName": self.obj.display_name,
            "members": self.members,
            "meta": {
                "resourceType": self.resource_type,
                "created": self.obj.created_at.isoformat(),
                "lastModified": self.obj.updated_at.isoformat(),
                "location": self.location,
            },
        }

    def validate_dict(self, d):
        if not isinstance(d, dict):
            raise _bad("The body must be a SCIM Group object.", "invalidSyntax")

    def from_dict(self, d):
        self.fields = {
            "display_name": d.get("displayName"),
            "external_id": _str(d.get("externalId"), "externalId"),
            "members": _users(d.get("members") or []),
        }

    def save(self):
        actor = _actor(self.request)
        with scim_errors():
            if self.obj.pk is None:
                self.obj = services.group_create(actor=actor, **self.fields)
            else:
                services.group_update(actor=actor, group=self.obj, **self.fields)

    def delete(self):
        with scim_errors():
            services.group_remove(actor=_actor(self.request), group=self.obj)

    def handle_operations(self, operations):
        if not isinstance(operations, list):
            raise _bad('"Operations" must be a list.', "invalidSyntax")
        actor = _actor(self.request)
        for operation in operations:
            op, items = _operation_items(operation)
            for path, value in items:
                with scim_errors():
                    self._apply(actor, op, _strip_urn(path, GROUP_URN), value)
        self.obj.refresh_from_db()

    def _apply(self, actor, op: str, path: str, value) -> None:
        key = path.strip().lower()
        group = self.obj
        single = MEMBER_FILTER.match(path.strip())
        if single:
            if op != "remove":
                raise _bad(f'Only "remove" is supported on {path}.', "invalidPath")
            services.group_remove_members(
                actor=actor, group=group, users=_users([{"value": single.group(1)}])
            )
        elif key == "members":
            if op == "remove" and value is None:
                users = list(group.members.all())
            else:
                users = _users(value if isinstance(value, list) else [value])
            if op == "add":
                services.group_add_members(actor=actor, group=group, users=users)
            elif op == "remove":
                services.group_remove_members(actor=actor, group=group, users=users)
            else:
                services.group_update(actor=actor, group=group, members=users)
        elif key == "displayname":
            if op == "remove":
                raise _bad('"displayName" cannot be removed.', "mutability")
            services.group_update(actor=actor, group=group, display_name=value)
        elif key == "externalid":
            services.group_update(
                actor=actor,
                group=group,
                external_id="" if op == "remove" else _str(value, "externalId"),
            )
        elif key in ("id", "meta", "schemas"):
            if op != "replace" or str(value) != self.id:
                raise _bad(f'"{path}" is read-only.', "mutability")
        else:
            raise _bad(f'"{path}" is not an attribute of a group.', "invalidPath")


def _users(members) -> list:
    """The accounts a list of SCIM member objects names; an unknown id is bad input."""
    if not isinstance(members, list) or not all(isinstance(m, dict) for m in members):
        raise _bad('"members" must be a list of {"value": "<user id>"} objects.')
    ids = []
    for member in members:
        value = str(member.get("value") or "").strip()
        if not value.isdigit():
            raise _bad(f"Unknown member {value!r}: a member's value is a User id.")
        ids.append(int(value))
    users = list(User.objects.filter(pk__in=ids))
    missing = set(ids) - {u.pk for u in users}
    if missing:
        raise _bad(f"Unknown member(s): {', '.join(str(i) for i in sorted(missing))}.")
    return users
