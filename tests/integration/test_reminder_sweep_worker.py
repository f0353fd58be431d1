"""The reminder sweep through the real broker and worker, and two sweeps at once on
PostgreSQL: nothing is notified or emailed twice."""

import threading
import time

import pytest
from django.db import connection, connections
from django.utils import timezone

from aims.models import DigestLog, Notification
from aims.outbox.models import OutboxMessage
from aims.reminders.sweep import run_sweep
from inventory.models import AISystem

from ..factories import make_system, user_with_role
from .test_celery_worker import worker  # noqa: F401  (the fixture: a worker process)

pytestmark = pytest.mark.integration


def _due_system(username: str) -> AISystem:
    owner = user_with_role("System owner", username=username)
    system = make_system(owner, name=f"Due for review ({username})")
    AISystem.objects.filter(pk=system.pk).update(next_review_date=timezone.localdate())
    return system


def _mails(folder, *, expected: int, timeout: float = 20) -> list:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and len(list(folder.glob("*.log"))) < expected:
        time.sleep(0.2)
    time.sleep(0.5)  # anything more would show up now
    return sorted(folder.glob("*.log"))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_worker_runs_the_sweep_and_sends_one_digest(worker):  # noqa: F811
    from aims.tasks import run_reminder_sweep

    system = _due_system("sweep_owner")
    day = timezone.localdate().isoformat()
    summary = run_reminder_sweep.delay(day).get(timeout=120)
    assert summary["created"]["system-review"] == 1
    assert summary["digests"] == 1
    mails = _mails(worker, expected=1)
    assert len(mails) == 1
    assert system.reference in mails[0].read_text()

    again = run_reminder_sweep.delay(day).get(timeout=120)
    assert again["total_created"] == 0 and again["digests"] == 0
    assert len(_mails(worker, expected=2, timeout=3)) == 1
    assert Notification.objects.exclude(dedupe_key="").count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_sweeps_at_once_notify_once(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers by locking the whole file")
    from aims.outbox import services as outbox

    # The digests are queued through the outbox; record what it would send to the broker.
    sent = []
    monkeypatch.setattr(outbox, "deliver", lambda message_id: sent.append(message_id) or True)
    for n in range(3):
        _due_system(f"race_owner_{n}")
    start = threading.Barrier(2)
    results, errors = [], []

    def sweep() -> None:
        try:
            start.wait(timeout=10)
            results.append(run_sweep())
        except Exception as exc:  # reported below, with the thread's traceback lost otherwise
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(r.created.get("system-review", 0) for r in results) == [0, 3]
    assert sorted(r.digests for r in results) == [0, 3]
    assert Notification.objects.exclude(dedupe_key="").count() == 3
    assert DigestLog.objects.count() == 3
    queued = OutboxMessage.objects.filter(pk__in=sent, task="aims.tasks.send_reminder_digest")
    assert sorted(args[0] for args in queued.values_list("args", flat=True)) == sorted(
        DigestLog.objects.values_list("recipient_id", flat=True)
    )
