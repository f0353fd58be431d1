"""Provisioning with SCIM 2.0 (RFC 7643/7644) at ``/scim/v2/``, on top of django-scim2.

The identity provider (Azure AD / Entra ID, Okta, ...) creates, updates and deactivates
accounts and keeps group memberships in step; SCIM groups map to the roles of aims.roles.

- models.py    ScimClient (an identity provider's bearer credential, stored hashed),
               ScimIdentity (a user's externalId and the roles SCIM granted),
               ScimGroup (an IdP group and the role it grants), ScimEvent (append-only log)
- auth.py      the bearer check django-scim2 runs before every view (AUTH_CHECK_MIDDLEWARE)
- adapters.py  SCIM JSON <-> intent; every write goes through services.py
- services.py  the writes and the rules (who SCIM may change, which roles it may grant)
- views.py, urls.py  django-scim2's views with AIMS lookups, pagination and errors
"""
