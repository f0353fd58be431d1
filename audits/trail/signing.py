"""The organisation's Ed25519 key that signs audit-trail checkpoints and pack manifests.

The private key comes from ``AUDIT_TRAIL_SIGNING_KEY`` (PEM, or the 32 raw bytes in base64)
or from the PEM file named by ``AUDIT_TRAIL_SIGNING_KEY_FILE``. Outside production a key file
is created under var/ on first use, so the embedded default works with nothing configured;
production refuses to start signing without a configured key (and ``check --deploy`` says so).
"""

import base64
import hashlib
import os
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _from_text(text: str) -> Ed25519PrivateKey:
    text = text.strip()
    if text.startswith("-----BEGIN"):
        key = serialization.load_pem_private_key(text.encode(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ImproperlyConfigured("The audit-trail signing key must be an Ed25519 key.")
        return key
    return Ed25519PrivateKey.from_private_bytes(base64.b64decode(text))


def _key_file() -> Path | None:
    configured = getattr(settings, "AUDIT_TRAIL_SIGNING_KEY_FILE", "")
    if configured:
        return Path(configured)
    if getattr(settings, "PRODUCTION", False):
        return None
    return Path(settings.VAR_DIR) / "audit-trail-signing-key.pem"


def _create_key_file(path: Path) -> None:
    """Write a new key, never over an existing one (two processes may race here)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(handle, "wb") as out:
        out.write(pem)


@lru_cache(maxsize=4)
def _load(text: str, path: str) -> Ed25519PrivateKey:
    if text:
        return _from_text(text)
    file = Path(path)
    if not file.exists():
        if getattr(settings, "PRODUCTION", False):
            # Each replica would make its own key: production keys are provisioned.
            raise ImproperlyConfigured(f"AUDIT_TRAIL_SIGNING_KEY_FILE {file} does not exist.")
        _create_key_file(file)
    return _from_text(file.read_text())


def configuration_problem() -> str:
    """Why the signing key cannot be used, or an empty string."""
    try:
        private_key()
    except (ImproperlyConfigured, ValueError, TypeError, OSError) as error:
        return str(error) or error.__class__.__name__
    return ""


def private_key() -> Ed25519PrivateKey:
    text = getattr(settings, "AUDIT_TRAIL_SIGNING_KEY", "")
    path = _key_file()
    if not text and path is None:
        raise ImproperlyConfigured(
            "Set AUDIT_TRAIL_SIGNING_KEY or AUDIT_TRAIL_SIGNING_KEY_FILE: audit-trail "
            "checkpoints and evidence packs are signed with it."
        )
    return _load(text, str(path or ""))


def public_key() -> Ed25519PublicKey:
    return private_key().public_key()


def public_key_pem(key: Ed25519PublicKey | None = None) -> str:
    key = key or public_key()
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def key_id(key: Ed25519PublicKey | None = None) -> str:
    """The public key's fingerprint: SHA-256 of its raw 32 bytes, in hex."""
    key = key or public_key()
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def sign(data: bytes) -> str:
    return base64.b64encode(private_key().sign(data)).decode()


def signature_valid(data: bytes, signature: str, key: Ed25519PublicKey | None = None) -> bool:
    try:
        (key or public_key()).verify(base64.b64decode(signature), data)
    except (InvalidSignature, ValueError):
        return False
    return True
