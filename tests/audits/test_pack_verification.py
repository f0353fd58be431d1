"""Evidence packs an auditor verifies offline: a signed manifest of every file in the ZIP, the
audit-trail checkpoint signed when the pack was built, and a standalone verifier shipped in the
ZIP (also `manage.py verify_pack`) that names every swapped, added or removed file."""

import json
import subprocess
import sys
import zipfile

import pytest
from django.core.management import call_command

from audits.models import TrailCheckpoint
from audits.trail import signing

from .test_evidence_packs import deployed, pdf_text, request_and_build  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(deployed, officer, django_capture_on_commit_callbacks, tmp_path):  # noqa: F811
    pack = request_and_build(django_capture_on_commit_callbacks, officer, scope="whole")
    assert pack.status == pack.Status.READY, pack.error
    path = tmp_path / f"{pack.reference}.zip"
    with pack.zip.open("rb") as handle:
        path.write_bytes(handle.read())
    return pack, path


def rewrite(source, target, change) -> None:
    """Copy a ZIP, letting ``change(name, data)`` return new data, or None to drop the file."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            data = change(info.filename, old.read(info.filename))
            if data is not None:
                new.writestr(info.filename, data)


def verify(path, capsys) -> tuple[int, str]:
    try:
        call_command("verify_pack", str(path))
        code = 0
    except SystemExit as stopped:
        code = stopped.code
    return code, capsys.readouterr().out


def test_a_built_pack_verifies(built, capsys):
    pack, path = built
    code, out = verify(path, capsys)
    assert code == 0, out
    assert "Pack verified." in out and "checkpoint" in out


def test_the_pack_carries_a_signed_checkpoint_and_says_so_on_its_cover(built):
    pack, path = built
    checkpoint = TrailCheckpoint.objects.get(occasion=TrailCheckpoint.Occasion.PACK)
    manifest = json.loads(zipfile.ZipFile(path).read("manifest.json"))
    assert manifest["checkpoint"]["sequence"] == checkpoint.sequence
    assert manifest["checkpoint"]["chain_hash"] == checkpoint.chain_hash
    assert manifest["chain"]["ok"] is True
    assert manifest["key_id"] == signing.key_id()
    text = pdf_text(pack)
    assert f"checkpoint {checkpoint.sequence}" in text
    assert signing.key_id()[:32] in text.replace(" ", "")


def test_a_swapped_file_is_named(built, capsys, tmp_path):
    _, path = built
    forged = tmp_path / "swapped.zip"
    target = next(n for n in zipfile.ZipFile(path).namelist() if n.startswith("evidence/"))
    rewrite(path, forged, lambda name, data: b"another file" if name == target else data)
    code, out = verify(forged, capsys)
    assert code == 1 and f"swapped: {target}" in out


def test_an_added_and_a_removed_file_are_named(built, capsys, tmp_path):
    pack, path = built
    forged = tmp_path / "changed.zip"
    rewrite(path, forged, lambda name, data: None if name.endswith(".pdf") else data)
    with zipfile.ZipFile(forged, "a") as archive:
        archive.writestr("evidence/extra.pdf", b"slipped in")
    code, out = verify(forged, capsys)
    assert code == 1
    assert f"removed: {pack.reference}.pdf" in out and "added: evidence/extra.pdf" in out


def test_an_edited_manifest_fails_its_signature(built, capsys, tmp_path):
    _, path = built
    forged = tmp_path / "manifest.zip"

    def edit(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["files"] = [f for f in manifest["files"] if not f["path"].startswith("evid")]
        return json.dumps(manifest).encode()

    rewrite(path, forged, edit)
    code, out = verify(forged, capsys)
    assert code == 1 and "signature invalid" in out


def test_a_pack_resigned_with_another_key_is_refused(built, capsys, tmp_path):
    """Whoever forges a pack can sign it with a key of their own; pinned to the organisation's
    key, the verifier refuses it."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    _, path = built
    rogue = Ed25519PrivateKey.generate()
    forged = tmp_path / "resigned.zip"
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    manifest["public_key"] = signing.public_key_pem(rogue.public_key())
    body = json.dumps(manifest).encode()
    signature = __import__("base64").b64encode(rogue.sign(body))
    rewrite(
        path,
        forged,
        lambda n, d: body if n == "manifest.json" else signature if n == "manifest.sig" else d,
    )
    code, out = verify(forged, capsys)
    assert code == 1 and "signature invalid" in out


def test_the_standalone_verifier_runs_outside_the_application(built, tmp_path):
    _, path = built
    script = tmp_path / "verify_pack.py"
    script.write_bytes(zipfile.ZipFile(path).read("verify_pack.py"))
    env = {"PATH": "/usr/bin:/bin"}  # no Django settings, no project on the path

    def run(*args):
        return subprocess.run(  # noqa: S603
            [sys.executable, str(script), *args], capture_output=True, text=True, env=env,
            cwd=tmp_path, check=False,
        )  # fmt: skip

    ok = run(str(path), "--key-id", signing.key_id())
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "Pack verified." in ok.stdout
    wrong = run(str(path), "--key-id", "0" * 64)
    assert wrong.returncode == 1 and "not the expected key" in wrong.stdout
    broken = tmp_path / "broken.zip"
    rewrite(path, broken, lambda n, d: None if n == "manifest.sig" else d)
    missing = run(str(broken))
    assert missing.returncode == 1 and "no signed manifest" in missing.stdout
    not_zip = tmp_path / "not.zip"
    not_zip.write_bytes(b"plain text")
    assert run(str(not_zip)).returncode == 1


def test_verify_pack_refuses_a_file_that_is_not_a_pack(tmp_path, capsys):
    path = tmp_path / "empty.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    code, out = verify(path, capsys)
    assert code == 1 and "no signed manifest" in out
