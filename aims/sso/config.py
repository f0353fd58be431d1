"""The identity providers and default role mappings, read from the environment.

Imported by ``aims.settings``: plain Python, no Django model or setting is touched here.
Providers configured here sit beside those an administrator adds in the admin (allauth's
"Social applications"); both are listed on the sign-in page.
"""

from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

# Roles that single sign-on never grants: the certification body's auditor is a time-boxed
# account created for one external audit (audits.certification.access).
NEVER_MAPPED = frozenset({"Certification auditor"})

# SAML attribute names read for the account's fields: allauth's defaults plus the plain LDAP /
# Azure / Okta names most identity providers send.
SAML_ATTRIBUTE_MAPPING = {
    "uid": ["urn:oasis:names:tc:SAML:attribute:subject-id", "uid"],
    "email": [
        "urn:oid:0.9.2342.19200300.100.1.3",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
        "email",
        "mail",
    ],
    "first_name": [
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
        "urn:oid:2.5.4.42",
        "givenName",
        "first_name",
    ],
    "last_name": [
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
        "urn:oid:2.5.4.4",
        "sn",
        "last_name",
    ],
    "username": [
        "http://schemas.auth0.com/nickname",
        "urn:oid:0.9.2342.19200300.100.1.1",
        "username",
        "preferred_username",
    ],
}


def _get(environ: Mapping[str, str], name: str, default: str = "") -> str:
    return environ.get(name, default).strip()


def _bool(environ: Mapping[str, str], name: str, default: bool) -> bool:
    value = environ.get(name)
    if value is None or not value.strip():
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def oidc_app(environ: Mapping[str, str]) -> dict | None:
    """The OpenID Connect provider of ``AIMS_OIDC_*``, or None when it is not configured."""
    server_url = _get(environ, "AIMS_OIDC_SERVER_URL")
    client_id = _get(environ, "AIMS_OIDC_CLIENT_ID")
    if not server_url and not client_id:
        return None
    if not (server_url and client_id):
        raise ImproperlyConfigured("AIMS_OIDC_SERVER_URL and AIMS_OIDC_CLIENT_ID go together.")
    scopes = _get(environ, "AIMS_OIDC_SCOPES", "openid profile email").split()
    return {
        "provider_id": _get(environ, "AIMS_OIDC_PROVIDER_ID", "oidc"),
        "name": _get(environ, "AIMS_OIDC_NAME", "Single sign-on"),
        "client_id": client_id,
        "secret": _get(environ, "AIMS_OIDC_CLIENT_SECRET"),
        "settings": {
            "server_url": server_url,
            "scope": scopes,
            "oauth_pkce_enabled": _bool(environ, "AIMS_OIDC_PKCE", True),
            # "client_secret_basic" (default) or "client_secret_post"
            **(
                {"token_auth_method": _get(environ, "AIMS_OIDC_TOKEN_AUTH_METHOD")}
                if _get(environ, "AIMS_OIDC_TOKEN_AUTH_METHOD")
                else {}
            ),
        },
    }


def saml_app(environ: Mapping[str, str]) -> dict | None:
    """The SAML 2.0 identity provider of ``AIMS_SAML_*``, or None when it is not configured.

    The IdP is described by its metadata URL, or by its SSO URL and signing certificate; its
    entity id is needed in both cases."""
    entity_id = _get(environ, "AIMS_SAML_IDP_ENTITY_ID")
    metadata_url = _get(environ, "AIMS_SAML_IDP_METADATA_URL")
    sso_url = _get(environ, "AIMS_SAML_IDP_SSO_URL")
    cert = _get(environ, "AIMS_SAML_IDP_X509CERT")
    if not (entity_id or metadata_url or sso_url or cert):
        return None
    if not entity_id:
        raise ImproperlyConfigured("AIMS_SAML_IDP_ENTITY_ID is required for SAML.")
    if metadata_url:
        idp = {"entity_id": entity_id, "metadata_url": metadata_url}
    elif sso_url and cert:
        idp = {"entity_id": entity_id, "sso_url": sso_url, "x509cert": cert}
    else:
        raise ImproperlyConfigured(
            "SAML needs AIMS_SAML_IDP_METADATA_URL, or AIMS_SAML_IDP_SSO_URL and "
            "AIMS_SAML_IDP_X509CERT."
        )
    settings: dict = {
        "idp": idp,
        "attribute_mapping": SAML_ATTRIBUTE_MAPPING,
        "advanced": {
            "strict": True,
            # Only sign-ins this service started are accepted (no unsolicited responses).
            "reject_idp_initiated_sso": True,
            "want_assertion_signed": _bool(environ, "AIMS_SAML_WANT_ASSERTION_SIGNED", True),
        },
    }
    sp_entity_id = _get(environ, "AIMS_SAML_SP_ENTITY_ID")
    if sp_entity_id:
        settings["sp"] = {"entity_id": sp_entity_id}
    return {
        # The organisation slug in our SAML URLs: /accounts/saml/<slug>/acs/ and metadata/.
        "client_id": _get(environ, "AIMS_SAML_SLUG", "sso"),
        "provider_id": _get(environ, "AIMS_SAML_PROVIDER_ID", "saml"),
        "name": _get(environ, "AIMS_SAML_NAME", "SAML single sign-on"),
        "settings": settings,
    }


def providers(environ: Mapping[str, str]) -> dict:
    """``SOCIALACCOUNT_PROVIDERS`` for the providers the environment configures."""
    result: dict = {
        "openid_connect": {"OAUTH_PKCE_ENABLED": True},
        "saml": {},
    }
    oidc = oidc_app(environ)
    if oidc:
        result["openid_connect"]["APPS"] = [oidc]
    saml = saml_app(environ)
    if saml:
        result["saml"]["APPS"] = [saml]
    return result


def role_map(text: str, roles: tuple[str, ...]) -> list[tuple[str, str, str]]:
    """Parse ``AIMS_SSO_ROLE_MAP``: ``claim:value=Role`` entries separated by ``;``, for
    example ``groups:aims-officers=Governance officer;roles:committee=Approver``. Each applies
    to every provider (per-provider mappings are made in the admin)."""
    mappings = []
    for entry in text.split(";"):
        entry = entry.strip()
        if not entry:
            continue
        source, sep, role = entry.rpartition("=")
        claim, colon, value = source.partition(":")
        role, claim, value = role.strip(), claim.strip(), value.strip()
        if not (sep and colon and claim and value and role):
            raise ImproperlyConfigured(f"AIMS_SSO_ROLE_MAP: {entry!r} is not claim:value=Role.")
        if role in NEVER_MAPPED:
            raise ImproperlyConfigured(f"AIMS_SSO_ROLE_MAP: {role} is never granted by SSO.")
        if role not in roles:
            raise ImproperlyConfigured(f"AIMS_SSO_ROLE_MAP: unknown role {role!r}.")
        mappings.append((claim, value, role))
    return mappings
