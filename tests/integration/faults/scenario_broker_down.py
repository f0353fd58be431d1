"""Redis is down when a pack is requested: the request answers at once (201, queued), the
page and the API say in words that the pack will be built when the task queue is back; Redis
comes back, a worker starts, and the pack is built. A change that notifies people (an intake
submitted) made while Redis is down succeeds at once, and its emails go when Redis is back."""

import os
import time

import pytest
from django.urls import reverse

from aims.models import Notification
from aims.outbox.models import OutboxMessage
from aims.outbox.services import WAITING_FOR_BROKER
from aims.roles import AUDITOR, OFFICER
from audits.models import EvidencePack

from ...factories import INTAKE_DATA, make_system, user_with_role
from ..throwaway import Redis, start_worker, stop
from .common import finished, wait_for, worker_env

pytestmark = pytest.mark.integration


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_pack_requested_while_redis_is_down_is_kept_told_and_built_when_it_is_back(
    client, tmp_path
):
    redis = Redis(int(os.environ["FAULT_REDIS_PORT"])).start()
    worker = None
    try:
        auditor = user_with_role(AUDITOR, username="broker_auditor")
        owner = user_with_role("System owner", username="broker_owner")
        officer = user_with_role(OFFICER, username="broker_officer")
        make_system(owner, name="Chatbot")
        redis.stop()  # the broker goes down

        # An intake notifies the officers; their email waits for the broker, the intake stands.
        client.force_login(owner)
        started = time.monotonic()
        response = client.post("/api/v1/systems/", INTAKE_DATA, content_type="application/json")
        took = time.monotonic() - started
        print(f'{{"fault": "broker_down_intake", "seconds": {took:.2f}}}')
        assert response.status_code == 201, response.content
        note = Notification.objects.filter(recipient=officer, title__contains="CV screening").get()
        assert note.emailed_at is None
        assert OutboxMessage.objects.get(key=f"aims.notification:{note.pk}").sent_at is None

        client.force_login(auditor)
        started = time.monotonic()
        response = client.post(
            "/api/v1/evidence-packs/", {"scope": "whole"}, content_type="application/json"
        )
        took = time.monotonic() - started
        print(f'{{"fault": "broker_down_request", "seconds": {took:.2f}}}')
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["status"] == "queued"
        assert body["step"] == WAITING_FOR_BROKER
        pack = EvidencePack.objects.get(pk=body["id"])
        message = OutboxMessage.objects.get(key=f"audits.evidencepack:{pack.pk}")
        assert message.sent_at is None and message.attempts == 1 and message.last_error

        page = client.get(reverse("audits:pack_detail", args=[pack.pk])).content.decode()
        assert "it will run when the queue is back" in page
        again = client.get(f"/api/v1/evidence-packs/{pack.pk}/").json()
        assert again["status"] == "queued" and "queue is back" in again["step"]

        redis.start()  # the broker is back, empty; a worker starts and sweeps
        worker = start_worker(worker_env(tmp_path), "broker", tmp_path / "worker.log")
        pack = wait_for(pack, finished)
        assert pack.status == EvidencePack.Status.READY, pack.error
        message.refresh_from_db()
        assert message.sent_at is not None
        note.refresh_from_db()  # sent by the worker's start-up sweep, or by the beat's
        deadline = time.monotonic() + 60
        while note.emailed_at is None and time.monotonic() < deadline:
            time.sleep(0.2)
            note.refresh_from_db()
        assert note.emailed_at is not None
        with pack.pdf.open("rb") as handle:
            assert handle.read(5) == b"%PDF-"
        assert client.get(f"/api/v1/evidence-packs/{pack.pk}/download-pdf/").status_code == 200
    finally:
        if worker is not None:
            stop(worker)
        redis.stop()
