"""Without a broker (the embedded default), requesting an evidence pack returns at once: the
build runs in a background thread after the request's transaction commits, the pack page
says it is being built and follows it, and the pack becomes ready."""

import threading
import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audits.models import EvidencePack
from audits.packs import services

# The build thread has its own database connection: it sees only committed data.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def wait_for_background_builds() -> None:
    """One build at a time, in order: once a no-op queued after them has run, they are done."""
    services._BACKGROUND_BUILDS.submit(lambda: None).result(timeout=120)


def test_the_request_returns_before_the_build_and_the_pack_becomes_ready(
    settings, client_as, auditor, monkeypatch
):
    settings.AIMS_BACKGROUND_THREAD_TASKS = True
    release = threading.Event()
    real_build = services.evidence_pack_build

    def held_build(*, pack_id):  # the build waits until the request has answered
        assert release.wait(60), "the test never let the build go on"
        return real_build(pack_id=pack_id)

    monkeypatch.setattr(services, "evidence_pack_build", held_build)
    client = client_as(auditor)

    started = time.monotonic()
    response = client.post(reverse("audits:pack_list"), {"scope": "whole"}, follow=True)
    answered_in = time.monotonic() - started

    pack = EvidencePack.objects.get()
    assert pack.status == EvidencePack.Status.QUEUED
    page = response.content.decode()
    assert (
        f"{pack.reference} for the whole AIMS requested; it is being built and this page will "
        "update." in page
    )
    assert "hx-trigger" in page and 'aria-live="polite"' in page  # the page follows the build
    assert "Ready" not in page
    assert answered_in < 5

    release.set()
    # Wait for the thread rather than poll: the test database (SQLite in memory, shared cache)
    # answers a read during a write with "table is locked" instead of waiting.
    wait_for_background_builds()
    pack.refresh_from_db()
    assert pack.status == EvidencePack.Status.READY, pack.error
    assert pack.pdf and pack.zip and pack.page_count > 0

    # Polled by htmx, the status fragment now offers the download and stops polling.
    fragment = client.get(reverse("audits:pack_detail", args=[pack.pk]), HTTP_HX_REQUEST="true")
    body = fragment.content.decode()
    assert "Download PDF" in body and "hx-trigger" not in body


def test_a_build_that_breaks_outside_the_renderer_is_recorded_as_failed(
    settings, client_as, auditor, monkeypatch
):
    settings.AIMS_BACKGROUND_THREAD_TASKS = True

    def broken_build(*, pack_id):  # e.g. the database busy before the build could start
        raise RuntimeError("database is locked")

    monkeypatch.setattr(services, "evidence_pack_build", broken_build)
    client_as(auditor).post(reverse("audits:pack_list"), {"scope": "whole"})
    wait_for_background_builds()
    pack = EvidencePack.objects.get()
    assert pack.status == EvidencePack.Status.FAILED  # not queued for ever: it can be retried
    assert "database is locked" in pack.error


def test_a_stalled_build_may_be_retried_and_one_in_progress_may_not(client_as, officer, auditor):
    client = client_as(auditor)
    client.post(reverse("audits:pack_list"), {"scope": "whole"})  # built in the request
    pack = EvidencePack.objects.get()
    running = timezone.now() - timedelta(minutes=5)
    EvidencePack.objects.filter(pk=pack.pk).update(status="running", updated_at=running)
    refused = client.post(reverse("audits:pack_retry", args=[pack.pk]), follow=True)
    assert "Only a failed or stalled pack can be retried" in refused.content.decode()
    pack.refresh_from_db()
    assert pack.status == EvidencePack.Status.RUNNING and pack.attempts == 1

    stalled = timezone.now() - EvidencePack.STALLED_AFTER - timedelta(minutes=1)
    EvidencePack.objects.filter(pk=pack.pk).update(updated_at=stalled)
    page = client.get(reverse("audits:pack_detail", args=[pack.pk])).content.decode()
    assert "The build stopped without finishing" in page and "hx-trigger" not in page
    client.post(reverse("audits:pack_retry", args=[pack.pk]))
    pack.refresh_from_db()
    assert pack.status == EvidencePack.Status.READY and pack.attempts == 2
