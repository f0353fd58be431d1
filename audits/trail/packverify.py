#!/usr/bin/env python3
"""Verify an AIMS evidence pack offline.

    python verify_pack.py PACK.zip [--public-key public_key.pem | --key-id FINGERPRINT]

Checks, and names every failure:
- the manifest (manifest.json) is signed (manifest.sig) by the organisation's Ed25519 key;
- every file the manifest lists is in the ZIP with the SHA-256 it lists (a swapped file is
  named), no listed file is missing, and no file is in the ZIP that the manifest does not list;
- the audit-trail checkpoint the pack carries is signed by the same key.

Without --public-key or --key-id the key inside the pack is used and its fingerprint printed:
compare it with the one the organisation publishes (its audit-trail page, every pack's PDF),
since whoever could change the pack could also replace that key.

Needs only Python 3.10+ and the ``cryptography`` package. Exit status 0 when everything
holds, 1 when anything does not.
"""

import argparse
import base64
import hashlib
import json
import sys
import zipfile

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
UNLISTED = {MANIFEST, SIGNATURE}
CHECKPOINT_FIELDS = ("sequence", "position", "chain_hash", "signed_at", "occasion", "key_id")


def fingerprint(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def load_public_key(pem: str) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(pem.encode())
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


def signed_by(key: Ed25519PublicKey, data: bytes, signature: str) -> bool:
    try:
        key.verify(base64.b64decode(signature), data)
    except (InvalidSignature, ValueError):
        return False
    return True


def checkpoint_payload(checkpoint: dict) -> bytes:
    fields = {name: checkpoint[name] for name in CHECKPOINT_FIELDS}
    return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()


def _member_sha256(archive: zipfile.ZipFile, name: str) -> str:
    digest = hashlib.sha256()
    with archive.open(name) as handle:
        while block := handle.read(1024 * 1024):
            digest.update(block)
    return digest.hexdigest()


class Report:
    def __init__(self) -> None:
        self.failures: list[str] = []
        self.notes: list[str] = []

    def fail(self, text: str) -> None:
        self.failures.append(text)

    @property
    def ok(self) -> bool:
        return not self.failures


def _key(manifest: dict, report: Report, pinned, pinned_id: str | None):
    try:
        embedded = load_public_key(manifest.get("public_key", ""))
    except (ValueError, TypeError):
        embedded = None
    if pinned is not None:
        return pinned
    if embedded is None:
        report.fail("the manifest carries no readable public key")
        return None
    found = fingerprint(embedded)
    if pinned_id and found != pinned_id.lower():
        report.fail(f"the pack's key {found} is not the expected key {pinned_id}")
        return None
    if not pinned_id:
        report.notes.append(
            f"used the key inside the pack ({found}): compare it with the key your "
            "organisation publishes"
        )
    return embedded


def _check_files(archive: zipfile.ZipFile, manifest: dict, report: Report) -> int:
    listed = {}
    for entry in manifest.get("files", []):
        listed[entry["path"]] = entry
    present = {info.filename for info in archive.infolist() if not info.is_dir()}
    for path, entry in sorted(listed.items()):
        if path not in present:
            report.fail(f"removed: {path} is listed in the manifest but not in the pack")
        elif _member_sha256(archive, path) != entry["sha256"]:
            report.fail(f"swapped: {path} does not have the SHA-256 the manifest lists")
    for path in sorted(present - set(listed) - UNLISTED):
        report.fail(f"added: {path} is in the pack but not in the manifest")
    return len(listed)


def _check_checkpoint(manifest: dict, key, report: Report) -> None:
    checkpoint = manifest.get("checkpoint")
    if not checkpoint:
        report.fail("the manifest carries no audit-trail checkpoint")
        return
    try:
        payload = checkpoint_payload(checkpoint)
    except KeyError as missing:
        report.fail(f"the checkpoint lacks {missing}")
        return
    if not signed_by(key, payload, checkpoint.get("signature", "")):
        report.fail(f"checkpoint {checkpoint.get('sequence')} is not signed by this key")
    else:
        report.notes.append(
            f"checkpoint {checkpoint['sequence']}: {checkpoint['position']} links, head "
            f"{checkpoint['chain_hash']}, signed {checkpoint['signed_at']}"
        )


def verify_archive(path: str, public_key=None, key_id: str | None = None) -> Report:
    """Check the pack at ``path``; ``public_key`` (an Ed25519PublicKey) or ``key_id`` pins
    the key the manifest must be signed with."""
    report = Report()
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as error:
        report.fail(f"not a readable ZIP file: {error}")
        return report
    with archive:
        names = set(archive.namelist())
        if MANIFEST not in names or SIGNATURE not in names:
            report.fail("the pack has no signed manifest (manifest.json and manifest.sig)")
            return report
        raw = archive.read(MANIFEST)
        try:
            manifest = json.loads(raw)
        except ValueError:
            report.fail("manifest.json is not valid JSON")
            return report
        key = _key(manifest, report, public_key, key_id)
        if key is None:
            return report
        if not signed_by(key, raw, archive.read(SIGNATURE).decode().strip()):
            report.fail("manifest.json was changed after it was signed (signature invalid)")
        count = _check_files(archive, manifest, report)
        _check_checkpoint(manifest, key, report)
        report.notes.append(f"{count} files listed, signed with key {fingerprint(key)}")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Verify an AIMS evidence pack offline.")
    parser.add_argument("pack", help="the pack's ZIP file")
    parser.add_argument("--public-key", help="PEM file of the organisation's public key")
    parser.add_argument("--key-id", help="SHA-256 fingerprint the signing key must have")
    args = parser.parse_args(argv)
    pinned = None
    if args.public_key:
        with open(args.public_key) as handle:
            pinned = load_public_key(handle.read())
    report = verify_archive(args.pack, pinned, args.key_id)
    for note in report.notes:
        print(f"note: {note}")
    for failure in report.failures:
        print(f"FAIL: {failure}")
    print("Pack verified." if report.ok else f"Pack NOT verified: {len(report.failures)} problems.")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
