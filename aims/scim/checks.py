"""``manage.py check`` (and every start) says when AIMS_SCIM_GROUP_ROLES is malformed or maps a
group to a role SCIM may not grant, before a provider's call runs into it."""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured


@checks.register(checks.Tags.security)
def check_group_roles(app_configs=None, **kwargs):
    from .services import parse_group_roles

    try:
        parse_group_roles(getattr(settings, "AIMS_SCIM_GROUP_ROLES", ""))
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), id="aims.scim.E001")]
    return []
