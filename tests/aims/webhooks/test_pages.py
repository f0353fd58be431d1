"""The webhook pages of an officer: create (the secret shown once), the delivery log with its
response codes and times, redelivery after confirmation, a bad URL refused on the form."""

import pytest
from django.urls import reverse

from aims.webhooks.models import WebhookDelivery, WebhookSubscription

from ...factories import make_system
from .receiver import start_receiver

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver():
    receiver, server = start_receiver()
    yield receiver
    server.shutdown()
    server.server_close()


def test_an_officer_creates_a_subscription_and_reads_its_log(
    officer, owner, client_as, receiver, django_capture_on_commit_callbacks
):
    client = client_as(officer)
    form = {"name": "GRC tool", "url": receiver.url, "preset": "generic",
            "event_types": ["system.created"]}  # fmt: skip
    response = client.post(reverse("webhooks:subscription_create"), form)
    assert response.status_code == 201
    subscription = WebhookSubscription.objects.get()
    assert subscription.secret.encode() in response.content
    assert response["Cache-Control"] == "no-store"
    detail_url = reverse("webhooks:subscription_detail", args=[subscription.pk])
    assert subscription.secret.encode() not in client.get(detail_url).content  # once

    receiver.status = 502
    with django_capture_on_commit_callbacks(execute=True):
        make_system(owner)
    page = client.get(detail_url).content.decode()
    delivery = WebhookDelivery.objects.get()
    assert f"#{delivery.pk}" in page and "AI system created" in page
    assert f"502 in {delivery.log.get().duration_ms} ms" in page
    assert "Waiting to retry" in page

    redeliver = reverse("webhooks:delivery_redeliver", args=[subscription.pk, delivery.pk])
    assert b"Send delivery" in client.get(redeliver).content  # the confirmation
    assert WebhookDelivery.objects.count() == 1
    receiver.status = 200
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(redeliver).status_code == 302
    again = WebhookDelivery.objects.exclude(pk=delivery.pk).get()
    assert again.status == WebhookDelivery.Status.SUCCEEDED
    assert f"redelivery of #{delivery.pk}" in client.get(detail_url).content.decode()


def test_a_bad_url_is_refused_on_the_form(officer, client_as):
    form = {"name": "x", "url": "gopher://example.org/", "preset": "generic",
            "event_types": ["system.created"]}  # fmt: skip
    response = client_as(officer).post(reverse("webhooks:subscription_create"), form)
    assert response.status_code == 400
    assert b"Only http:// and https:// addresses can receive webhooks." in response.content
    assert not WebhookSubscription.objects.exists()
