"""A real Celery worker consumes the real Redis broker and runs the project's tasks."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from aims.models import Notification

# Transactional tests here restore the migrated data (role groups, content types) afterwards
# with serialized_rollback, like the browser tests: a plain flush would re-create content
# types through post_migrate and collide with the next serialized test's snapshot.
pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


def _require_broker() -> str:
    url = os.environ.get("CELERY_BROKER_URL", "")
    if not url:
        if os.environ.get("AIMS_REQUIRE_SERVICES"):
            pytest.fail("AIMS_REQUIRE_SERVICES is set but CELERY_BROKER_URL is not")
        pytest.skip("no CELERY_BROKER_URL: the embedded default runs tasks in-process")
    return url


@pytest.fixture
def worker(tmp_path):
    """A worker process on the configured broker, against the test database."""
    _require_broker()
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        pytest.skip("a separate worker process cannot share SQLite's in-memory test database")
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or 'localhost'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),  # files the worker writes, the test reads
    }
    env["DJANGO_SETTINGS_MODULE"] = "aims.settings"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "aims",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "-l",
            "warning",
            "-n",
            f"test-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    yield tmp_path / "mail"
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_worker_runs_a_task_through_redis(worker):
    from aims.tasks import ping

    result = ping.delay()
    assert result.get(timeout=60) == "pong"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_worker_emails_notifications_once(worker, django_user_model):
    from aims.tasks import email_notifications

    user = django_user_model.objects.create_user("mailme", "mailme@example.org", "x")
    note = Notification.objects.create(recipient=user, title="Intake waiting", link="/systems/1/")
    assert email_notifications.delay([note.pk]).get(timeout=60) == 1
    # Running it again sends nothing twice.
    assert email_notifications.delay([note.pk]).get(timeout=60) == 0
    note.refresh_from_db()
    assert note.emailed_at is not None
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not list(worker.glob("*.log")):
        time.sleep(0.2)
    mails = list(worker.glob("*.log"))
    assert len(mails) == 1
    assert "Intake waiting" in mails[0].read_text()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_requested_evidence_pack_goes_from_queued_to_ready(worker, django_user_model):
    from aims.roles import AUDITOR
    from audits.models import EvidencePack
    from audits.packs.services import evidence_pack_request

    from ..factories import make_system, user_with_role

    auditor = user_with_role(AUDITOR, username="pack_auditor")
    make_system(user_with_role("System owner", username="pack_owner"), name="Chatbot")
    pack = evidence_pack_request(actor=auditor, scope="whole")
    seen = {pack.status}
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        pack.refresh_from_db()
        seen.add(pack.status)
        if pack.status in (EvidencePack.Status.READY, EvidencePack.Status.FAILED):
            break
        time.sleep(0.2)
    assert pack.status == EvidencePack.Status.READY, pack.error
    assert EvidencePack.Status.QUEUED in seen
    with pack.pdf.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
