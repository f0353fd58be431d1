"""A worker is killed (SIGKILL) in the middle of a pack: until the pack is rebuilt nothing
is served (409 on the page, 404 in the API, with a message) and no file is stored; a new
worker takes the build over once the dead worker's lease has expired, and completes it."""

import hashlib
import os
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from aims.roles import AUDITOR
from audits.models import EvidencePack
from audits.packs.services import evidence_pack_request

from ...factories import make_system, user_with_role
from ..throwaway import Redis, kill, start_worker, stop
from .common import finished, wait_for, worker_env

pytestmark = pytest.mark.integration


def pack_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "evidence-packs"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_pack_of_a_killed_worker_is_taken_over_and_no_partial_file_is_served(client, tmp_path):
    redis = Redis(int(os.environ["FAULT_REDIS_PORT"])).start()
    first = second = None
    try:
        auditor = user_with_role(AUDITOR, username="kill_auditor")
        owner = user_with_role("System owner", username="kill_owner")
        for number in range(40):  # enough pages that rendering takes a while
            make_system(owner, name=f"Killed build system {number}")
        env = worker_env(tmp_path)
        first = start_worker(env, "first", tmp_path / "first.log")
        pack = evidence_pack_request(actor=auditor, scope="whole")
        pack = wait_for(pack, lambda p: p.status != EvidencePack.Status.QUEUED)
        assert pack.status == EvidencePack.Status.RUNNING, "built before it could be killed"
        kill(first)
        pack.refresh_from_db()
        assert pack.status == EvidencePack.Status.RUNNING, "built before it could be killed"
        print(f'{{"fault": "worker_killed", "at_percent": {pack.progress}}}')

        client.force_login(auditor)
        page = client.get(reverse("audits:pack_download", args=[pack.pk, "pdf"]))
        assert page.status_code == 409
        assert "not ready" in page.content.decode()
        api = client.get(f"/api/v1/evidence-packs/{pack.pk}/download-zip/")
        assert api.status_code == 404 and "not ready" in api.json()["message"]
        assert pack_files() == []  # nothing of the half-built pack was stored

        # The dead worker's lease runs out; a new worker sweeps as it starts (and Redis gives
        # the unacknowledged message back after the visibility timeout).
        time.sleep(settings.AIMS_TASK_LEASE_SECONDS + 1)
        second = start_worker(env, "second", tmp_path / "second.log")
        pack = wait_for(pack, finished)
        assert pack.status == EvidencePack.Status.READY, pack.error
        assert pack.attempts >= 2
        reasons = list(pack.history.values_list("history_change_reason", flat=True))
        assert any("worker stopped" in (reason or "") for reason in reasons), reasons
        with pack.pdf.open("rb") as handle:
            content = handle.read()
        assert content[:5] == b"%PDF-"
        assert hashlib.sha256(content).hexdigest() == pack.pdf_sha256
        assert len(pack_files()) == 2  # the PDF and the ZIP, once each
        assert client.get(reverse("audits:pack_download", args=[pack.pk, "pdf"])).status_code == 200
    finally:
        for proc in (first, second):
            if proc is not None:
                stop(proc)
        redis.stop()
