"""Single sign-on (OpenID Connect and SAML 2.0) through django-allauth's socialaccount.

- :mod:`aims.sso.config` reads the identity providers and the default role mappings from the
  environment (imported by settings: no Django imports there);
- :mod:`aims.sso.models` holds :class:`RoleMapping` (claim or group value -> AIMS role),
  edited in the admin;
- :mod:`aims.sso.services` maps claims to roles, syncs them on every SSO sign-in and says why
  a sign-in (SSO or password) is refused;
- :mod:`aims.sso.adapter` is allauth's socialaccount adapter: just-in-time accounts;
- :mod:`aims.sso.middleware` and :mod:`aims.sso.forms` close the password paths in SSO-only
  mode (``AIMS_SSO_ONLY``) for everyone but the break-glass accounts.
"""
