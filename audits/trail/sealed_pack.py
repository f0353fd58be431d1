"""What an evidence pack carries of the audit trail: the chain's verification, a checkpoint
signed when the pack was built, the public key, and a signed manifest of the ZIP that the
standalone verifier (:mod:`.packverify`, shipped in the ZIP) checks offline."""

import json
from pathlib import Path
from typing import Any

from ..models import TrailCheckpoint
from . import signing
from .checkpoints import SignedHead, create_checkpoint
from .verify import verify_chain

MANIFEST_FORMAT = "aims-evidence-pack/2"
VERIFIER_NAME = "verify_pack.py"


def trail_context() -> dict[str, Any]:
    """Verify the chain against the checkpoints signed so far, then sign a new checkpoint of
    its head for this pack."""
    chain = verify_chain()
    checked_against = chain.checkpoints.get("latest")
    checkpoint = SignedHead.from_row(create_checkpoint(TrailCheckpoint.Occasion.PACK)).as_dict()
    return {
        "chain": chain,
        "chain_head": chain.head,
        "checked_against": checked_against,
        "checkpoint": checkpoint,
        "public_key_pem": signing.public_key_pem(),
        "key_id": signing.key_id(),
    }


def trail_summary(context: dict[str, Any]) -> dict[str, Any]:
    """The part of the pack context the manifest records (kept after the context is freed)."""
    chain = context["chain"]
    return {
        "chain": {
            "ok": chain.ok,
            "checked": chain.checked,
            "unsealed": chain.unsealed,
            "problem_count": chain.problem_count,
            "head": chain.head,
            "checked_against_checkpoint": context.get("checked_against"),
        },
        "checkpoint": context["checkpoint"],
    }


def verifier_source() -> bytes:
    return Path(__file__).with_name("packverify.py").read_bytes()


def signed_manifest(pack_reference: str, files: list[dict], entries: list[dict],
                    trail: dict[str, Any], created_at: str) -> tuple[bytes, bytes]:  # fmt: skip
    """manifest.json and its detached signature (manifest.sig)."""
    manifest = {
        "format": MANIFEST_FORMAT,
        "pack": pack_reference,
        "created_at": created_at,
        "key_id": signing.key_id(),
        "public_key": signing.public_key_pem(),
        "files": files,
        "entries": entries,
        **trail,
    }
    body = json.dumps(manifest, indent=2, default=str).encode()
    return body, signing.sign(body).encode()
