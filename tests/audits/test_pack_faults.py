"""Evidence packs under faults (issue 21), in-process: the recovery sweep takes over a build
whose worker stopped (its lease expired) and leaves a live one alone; a message delivered
twice builds once; a storage failure while the files are stored keeps neither file and
fails the pack with its reason; an unfinished pack's files are never served. (The same with
a real Redis and real workers: tests/integration/test_faults.py.)"""

from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from aims.outbox.models import OutboxMessage
from aims.outbox.services import recover
from audits.models import EvidencePack
from audits.packs import services
from audits.packs.tasks import build_evidence_pack

from ..factories import make_system
from ..failing_storage import HalfFailingStorage

pytestmark = pytest.mark.django_db
Status = EvidencePack.Status


@pytest.fixture
def queued(officer, owner, django_capture_on_commit_callbacks):
    """A pack recorded (its build's message in the outbox, not sent yet)."""
    make_system(owner, name="Support chatbot")
    with django_capture_on_commit_callbacks(execute=False):
        pack = services.evidence_pack_request(actor=officer, scope="whole")
    return pack


def stalled(pack: EvidencePack, status=Status.RUNNING, progress: int = 42) -> None:
    """As a worker killed at ``progress`` leaves the pack: running, its lease run out."""
    long_ago = timezone.now() - timedelta(seconds=10 * 120)
    EvidencePack.objects.filter(pk=pack.pk).update(
        status=status, progress=progress, step="Rendering the PDF", updated_at=long_ago
    )
    OutboxMessage.objects.update(sent_at=timezone.now(), attempts=1)


def files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_the_request_records_the_build_in_the_outbox(queued):
    # (The outbox also holds the emails of notifications the setup sent.)
    message = OutboxMessage.objects.get(task=services.BUILD_TASK)
    assert message.args == [queued.pk]
    assert message.key == services.pack_key(queued.pk) and message.sent_at is None


def test_the_sweep_takes_over_a_build_whose_worker_stopped(
    queued, settings, django_capture_on_commit_callbacks
):
    settings.AIMS_TASK_LEASE_SECONDS = 120
    stalled(queued)
    with django_capture_on_commit_callbacks(execute=True):
        outcome = recover()
    assert outcome["recovered"] == 1
    queued.refresh_from_db()
    assert queued.status == Status.READY, queued.error
    assert queued.attempts == 1  # the stalled fixture never counted the killed attempt
    reasons = list(queued.history.values_list("history_change_reason", flat=True))
    assert "Evidence pack queued again (worker stopped)" in reasons


def test_the_sweep_leaves_a_live_build_alone(queued, django_capture_on_commit_callbacks):
    EvidencePack.objects.filter(pk=queued.pk).update(status=Status.RUNNING, progress=42)
    OutboxMessage.objects.update(sent_at=timezone.now(), attempts=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert recover()["recovered"] == 0
    queued.refresh_from_db()
    assert queued.status == Status.RUNNING and queued.progress == 42


def test_a_message_delivered_twice_does_not_build_a_live_build_again(queued):
    """Redis gives a message back after its visibility timeout even while its first worker
    still builds: the second delivery steps aside for the live lease."""
    EvidencePack.objects.filter(pk=queued.pk).update(status=Status.RUNNING, progress=42)
    assert build_evidence_pack(queued.pk) == Status.RUNNING
    queued.refresh_from_db()
    assert queued.progress == 42 and queued.attempts == 0


def test_a_redelivered_message_takes_over_an_expired_lease(queued):
    stalled(queued)
    assert build_evidence_pack(queued.pk) == Status.READY
    queued.refresh_from_db()
    reasons = list(queued.history.values_list("history_change_reason", flat=True))
    assert "Evidence pack build taken over (its worker stopped)" in reasons


def test_a_ready_pack_is_not_built_again(queued, django_capture_on_commit_callbacks):
    assert build_evidence_pack(queued.pk) == Status.READY
    queued.refresh_from_db()
    sha, attempts = queued.pdf_sha256, queued.attempts
    assert build_evidence_pack(queued.pk) == Status.READY
    queued.refresh_from_db()
    assert (queued.pdf_sha256, queued.attempts) == (sha, attempts)


def test_a_queued_pack_whose_message_was_lost_is_sent_again(
    queued, django_capture_on_commit_callbacks
):
    """A broker restarted empty loses what it held: a queued pack waiting too long with no
    message in the outbox is sent again."""
    stalled(queued, status=Status.QUEUED, progress=0)
    with django_capture_on_commit_callbacks(execute=True):
        assert recover()["recovered"] == 1
    queued.refresh_from_db()
    assert queued.status == Status.READY


def test_storage_failing_while_the_files_are_stored_keeps_neither_and_fails_the_pack(
    queued, settings
):
    HalfFailingStorage.saves = 0
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "tests.failing_storage.HalfFailingStorage"},
    }
    assert build_evidence_pack(queued.pk) == Status.FAILED
    queued.refresh_from_db()
    assert "file storage is unavailable" in queued.error
    assert not queued.pdf and not queued.zip
    assert HalfFailingStorage.saves == 2  # the PDF was stored, then removed again
    assert files(settings) == []


def test_an_unfinished_pack_is_never_served(client_as, api_as, officer, queued):
    EvidencePack.objects.filter(pk=queued.pk).update(status=Status.RUNNING, progress=42)
    page = client_as(officer).get(reverse("audits:pack_download", args=[queued.pk, "pdf"]))
    assert page.status_code == 409
    assert "is running, not ready" in page.content.decode()
    api = api_as(officer).get(reverse("api:evidencepack-download-zip", args=[queued.pk]))
    assert api.status_code == 404
    assert "not ready" in api.json()["message"]
