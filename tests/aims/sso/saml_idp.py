"""A test SAML 2.0 identity provider: real keys, a real AuthnRequest read from the
service's redirect, and a Response whose assertion is signed with xmlsec (python3-saml's
signer), as an IdP would post it to the service's assertion consumer service (ACS)."""

import base64
import datetime as dt
import uuid
import zlib
from dataclasses import dataclass
from urllib.parse import parse_qs, urlparse
from xml.sax.saxutils import escape, quoteattr

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from lxml import etree
from onelogin.saml2.utils import OneLogin_Saml2_Utils

ENTITY_ID = "https://idp.example.test/saml/metadata"
SSO_URL = "https://idp.example.test/saml/sso"


@dataclass(frozen=True)
class KeyPair:
    key_pem: str
    cert_pem: str

    @property
    def cert_body(self) -> str:
        """The certificate as IdP metadata and settings carry it (base64, no PEM armour)."""
        lines = self.cert_pem.strip().splitlines()
        return "".join(line for line in lines if "CERTIFICATE" not in line)


def make_keypair(common_name: str = "test-idp") -> KeyPair:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    return KeyPair(
        key_pem=key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        ).decode(),
        cert_pem=cert.public_bytes(serialization.Encoding.PEM).decode(),
    )


@dataclass(frozen=True)
class AuthnRequest:
    id: str
    acs_url: str
    issuer: str
    relay_state: str | None


def read_authn_request(redirect_url: str) -> AuthnRequest:
    """The AuthnRequest the service sent through the HTTP-Redirect binding."""
    assert redirect_url.startswith(SSO_URL), redirect_url
    query = parse_qs(urlparse(redirect_url).query)
    xml = zlib.decompress(base64.b64decode(query["SAMLRequest"][0]), -15)
    root = etree.fromstring(xml)  # noqa: S320 (the service's own request, in a test)
    ns = {"saml": "urn:oasis:names:tc:SAML:2.0:assertion"}
    return AuthnRequest(
        id=root.get("ID"),
        acs_url=root.get("AssertionConsumerServiceURL"),
        issuer=root.find("saml:Issuer", ns).text,
        relay_state=query.get("RelayState", [None])[0],
    )


def _instant(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def signed_response(
    request: AuthnRequest,
    keys: KeyPair,
    *,
    name_id: str,
    attributes: dict[str, list[str]],
    audience: str | None = None,
) -> str:
    """A successful Response to ``request``, its assertion signed with ``keys``; base64, as
    the IdP's page posts it in the SAMLResponse field."""
    now = dt.datetime.now(dt.UTC)
    later = now + dt.timedelta(minutes=5)
    attrs = "".join(
        f"<saml:Attribute Name={quoteattr(name)}>"
        + "".join(f"<saml:AttributeValue>{escape(v)}</saml:AttributeValue>" for v in values)
        + "</saml:Attribute>"
        for name, values in attributes.items()
    )
    assertion_id = f"_a{uuid.uuid4().hex}"
    assertion = (
        '<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" '
        f'ID="{assertion_id}" Version="2.0" IssueInstant="{_instant(now)}">'
        f"<saml:Issuer>{ENTITY_ID}</saml:Issuer>"
        "<saml:Subject>"
        '<saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">'
        f"{escape(name_id)}</saml:NameID>"
        '<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">'
        f'<saml:SubjectConfirmationData NotOnOrAfter="{_instant(later)}" '
        f'Recipient="{request.acs_url}" InResponseTo="{request.id}"/>'
        "</saml:SubjectConfirmation></saml:Subject>"
        f'<saml:Conditions NotBefore="{_instant(now - dt.timedelta(minutes=1))}" '
        f'NotOnOrAfter="{_instant(later)}">'
        f"<saml:AudienceRestriction><saml:Audience>{escape(audience or request.issuer)}"
        "</saml:Audience></saml:AudienceRestriction></saml:Conditions>"
        f'<saml:AuthnStatement AuthnInstant="{_instant(now)}" SessionIndex="_s{uuid.uuid4().hex}">'
        "<saml:AuthnContext><saml:AuthnContextClassRef>"
        "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
        "</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>"
        f"<saml:AttributeStatement>{attrs}</saml:AttributeStatement>"
        "</saml:Assertion>"
    )
    signed = OneLogin_Saml2_Utils.add_sign(assertion, keys.key_pem, keys.cert_pem)
    signed = signed.decode() if isinstance(signed, bytes) else signed
    signed = signed.split("?>", 1)[1] if signed.startswith("<?xml") else signed
    response = (
        '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" '
        'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" '
        f'ID="_r{uuid.uuid4().hex}" Version="2.0" IssueInstant="{_instant(now)}" '
        f'Destination="{request.acs_url}" InResponseTo="{request.id}">'
        f"<saml:Issuer>{ENTITY_ID}</saml:Issuer>"
        '<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/>'
        "</samlp:Status>"
        f"{signed.strip()}"
        "</samlp:Response>"
    )
    return base64.b64encode(response.encode()).decode()
