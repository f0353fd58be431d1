"""Without a broker (the embedded default), requesting an evidence pack returns at once: the
build runs in a background thread after the request's transaction commits, the pack page
says it is being built and follows it, and the pack becomes ready."""

import threading
import time

import pytest
from django.urls import reverse

from audits.models import EvidencePack
from audits.packs import services

# The build thread has its own database connection: it sees only committed data.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


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

    (build,) = [t for t in threading.enumerate() if t.name == f"evidence-pack-{pack.pk}"]
    release.set()
    # Wait for the thread rather than poll: the test database (SQLite in memory, shared cache)
    # answers a read during a write with "table is locked" instead of waiting.
    build.join(timeout=120)
    assert not build.is_alive(), "the build did not finish in two minutes"
    pack.refresh_from_db()
    assert pack.status == EvidencePack.Status.READY, pack.error
    assert pack.pdf and pack.zip and pack.page_count > 0

    # Polled by htmx, the status fragment now offers the download and stops polling.
    fragment = client.get(reverse("audits:pack_detail", args=[pack.pk]), HTTP_HX_REQUEST="true")
    body = fragment.content.decode()
    assert "Download PDF" in body and "hx-trigger" not in body
