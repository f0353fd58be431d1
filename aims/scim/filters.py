"""SCIM ``filter=`` on Users and Groups (django-scim2's USER_FILTER_PARSER and
GROUP_FILTER_PARSER). scim2-filter-parser turns the filter into parameterised SQL on these
columns; attributes not listed here match nothing. Kept apart from the adapters, which
django-scim2 imports while reading these settings.
"""

from django_scim.filters import GroupFilterQuery, UserFilterQuery


class UserFilter(UserFilterQuery):
    """``filter=`` on Users: userName (case-insensitive), name parts, e-mail, active and
    externalId (joined from the account's SCIM identity)."""

    attr_map = {
        ("userName", None, None): "auth_user.username",
        ("name", "familyName", None): "auth_user.last_name",
        ("familyName", None, None): "auth_user.last_name",
        ("name", "givenName", None): "auth_user.first_name",
        ("givenName", None, None): "auth_user.first_name",
        ("emails", "value", None): "auth_user.email",
        ("emails", None, None): "auth_user.email",
        ("active", None, None): "auth_user.is_active",
        ("externalId", None, None): "aims_scimidentity.external_id",
        ("id", None, None): "auth_user.id",
    }
    joins = ("LEFT JOIN aims_scimidentity ON aims_scimidentity.user_id = auth_user.id",)


class GroupFilter(GroupFilterQuery):
    attr_map = {
        ("displayName", None, None): "aims_scimgroup.display_name",
        ("externalId", None, None): "aims_scimgroup.external_id",
        ("id", None, None): "aims_scimgroup.id",
    }
