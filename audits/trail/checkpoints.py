"""Signed checkpoints of the chain's head, kept in two places outside the history tables.

Each checkpoint is a row of ``TrailCheckpoint`` and a write-once JSON file in the storage
backend (object storage in production). Someone able to rewrite the database can cut the
history, the chain and the checkpoint table together; the files, and every pack printed
since, still hold the signed head, and the verifier reports the difference.
"""

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from ..models import TrailCheckpoint
from . import signing
from .chain import GENESIS, head, lock_chain

CHECKPOINT_DIR = "audit-trail/checkpoints"


@dataclass
class SignedHead:
    sequence: int
    position: int
    chain_hash: str
    signed_at: str
    occasion: str
    key_id: str
    signature: str = ""

    def payload(self) -> bytes:
        fields = {
            "sequence": self.sequence,
            "position": self.position,
            "chain_hash": self.chain_hash,
            "signed_at": self.signed_at,
            "occasion": self.occasion,
            "key_id": self.key_id,
        }
        return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()

    def as_dict(self) -> dict[str, Any]:
        return {**json.loads(self.payload()), "signature": self.signature}

    @classmethod
    def from_row(cls, row: TrailCheckpoint) -> "SignedHead":
        return cls(
            row.sequence,
            row.position,
            row.chain_hash,
            row.signed_at.isoformat(),
            row.occasion,
            row.key_id,
            row.signature,
        )


def file_name(sequence: int) -> str:
    return f"{CHECKPOINT_DIR}/{sequence:010d}.json"


def _write_file(signed: SignedHead) -> None:
    name = file_name(signed.sequence)
    if default_storage.exists(name):  # write-once: never replace a signed checkpoint
        raise FileExistsError(f"{name} exists already")
    body = json.dumps(signed.as_dict(), sort_keys=True, indent=1).encode()
    default_storage.save(name, ContentFile(body))


def create_checkpoint(occasion: str = TrailCheckpoint.Occasion.MANUAL) -> TrailCheckpoint:
    """Sign the chain's current head and keep the checkpoint in the table and in storage."""
    with transaction.atomic():
        lock_chain()  # the head and the next sequence stay put while we sign
        last = head()
        sequence = (TrailCheckpoint.objects.aggregate(n=Max("sequence"))["n"] or 0) + 1
        signed = SignedHead(
            sequence=sequence,
            position=last.position if last else 0,
            chain_hash=last.chain_hash if last else GENESIS,
            signed_at=timezone.now().isoformat(),
            occasion=str(occasion),
            key_id=signing.key_id(),
        )
        signed.signature = signing.sign(signed.payload())
        row = TrailCheckpoint.objects.create(
            sequence=sequence,
            position=signed.position,
            chain_hash=signed.chain_hash,
            signed_at=datetime.fromisoformat(signed.signed_at),
            occasion=signed.occasion,
            key_id=signed.key_id,
            signature=signed.signature,
        )
        transaction.on_commit(_write_missing_files)
    return row


def _write_missing_files() -> None:
    """Write every checkpoint the table holds and storage lacks: the new one, and any whose
    write failed earlier (a storage outage). A file only ever repeats a signed row."""
    stored = _stored_files()
    rows = TrailCheckpoint.objects.exclude(sequence__in=list(stored)).order_by("sequence")
    for row in rows:
        _write_file(SignedHead.from_row(row))


def latest_checkpoint() -> TrailCheckpoint | None:
    return TrailCheckpoint.objects.order_by("-sequence").first()


def _stored_files() -> dict[int, dict]:
    try:
        _, names = default_storage.listdir(CHECKPOINT_DIR)
    except (FileNotFoundError, NotADirectoryError):
        return {}
    found = {}
    for name in sorted(names):
        if not name.endswith(".json"):
            continue
        with default_storage.open(f"{CHECKPOINT_DIR}/{name}") as handle:
            try:
                data = json.loads(handle.read())
                found[int(data["sequence"])] = data
            except (ValueError, KeyError, TypeError):
                found[-len(found) - 1] = {"unreadable": name}
    return found


def _signed(data: dict) -> SignedHead | None:
    try:
        return SignedHead(
            int(data["sequence"]),
            int(data["position"]),
            str(data["chain_hash"]),
            str(data["signed_at"]),
            str(data["occasion"]),
            str(data["key_id"]),
            str(data["signature"]),
        )
    except (KeyError, TypeError, ValueError):
        return None


def load_checkpoints(result) -> list[SignedHead]:
    """Every checkpoint whose signature holds, from the table and from storage; anything
    missing on one side, different between the two, or badly signed is reported."""
    from .verify import Problem

    in_table = {
        row.sequence: SignedHead.from_row(row)
        for row in TrailCheckpoint.objects.order_by("sequence")
    }
    in_files = {seq: _signed(data) for seq, data in _stored_files().items()}
    public = signing.public_key()
    valid: dict[int, SignedHead] = {}

    def problem(kind: str, reason: str) -> None:
        result.add(Problem(kind, reason))

    for seq in sorted(set(in_table) | set(in_files)):
        row, stored = in_table.get(seq), in_files.get(seq)
        if seq < 0 or (seq in in_files and stored is None):
            problem("checkpoint_unreadable", "a checkpoint file in storage cannot be read")
            continue
        if row is None:
            problem(
                "checkpoint_missing",
                f"checkpoint {seq} is in storage but missing from the database",
            )
        elif stored is None:
            problem("checkpoint_missing", f"checkpoint {seq} is missing from storage")
        elif row.as_dict() != stored.as_dict():
            problem("checkpoint_mismatch", f"checkpoint {seq} differs between database and storage")
        for candidate in (stored, row):
            if candidate is None:
                continue
            if signing.signature_valid(candidate.payload(), candidate.signature, public):
                valid.setdefault(seq, candidate)
            else:
                problem("checkpoint_signature", f"checkpoint {seq} is not signed by this key")
    latest = valid[max(valid)] if valid else None
    result.checkpoints = {
        "count": len(valid),
        "key_id": signing.key_id(public),
        "latest": latest.as_dict() if latest else None,
    }
    return list(valid.values())


def compare_checkpoints(result, checkpoints: list[SignedHead], seen: dict[int, str]) -> None:
    """History removed or rewritten after a checkpoint was signed shows as a chain shorter
    than the checkpoint, or another hash at its position."""
    from .verify import Problem

    length = result.head["length"]
    for signed in sorted(checkpoints, key=lambda c: c.sequence):
        if signed.position == 0:
            continue
        if length < signed.position:
            reason = (
                f"history removed after checkpoint {signed.sequence} (signed "
                f"{signed.signed_at}): it counted {signed.position} links, the chain has {length}"
            )
            result.add(Problem("history_removed", reason, position=signed.position))
        elif seen.get(signed.position) != signed.chain_hash:
            reason = (
                f"history rewritten: link {signed.position} no longer has the hash signed in "
                f"checkpoint {signed.sequence} ({signed.signed_at})"
            )
            result.add(Problem("history_rewritten", reason, position=signed.position))
