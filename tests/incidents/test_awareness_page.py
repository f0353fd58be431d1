"""The awareness-correction page carries the incident's version (aims.concurrency): two
officers correcting the same incident at once cannot silently undo each other."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from aims.concurrency import VERSION_FIELD

pytestmark = pytest.mark.django_db


def loaded_version(client, url: str) -> str:
    html = client.get(url).content.decode()
    return re.search(rf'name="{VERSION_FIELD}" value="(\d+)"', html).group(1)


def aware(days: int) -> str:
    return timezone.localtime(timezone.now() - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def test_a_stale_awareness_correction_is_refused_with_what_changed(report, officer, officer2):
    incident = report()
    url = reverse("incidents:incident_awareness", args=[incident.pk])
    first, second = Client(), Client()
    first.force_login(officer)
    second.force_login(officer2)
    second_version = loaded_version(second, url)
    first_version = loaded_version(first, url)

    saved = first.post(
        url, {"aware_at": aware(2), "reason": "Log found", VERSION_FIELD: first_version}
    )
    assert saved.status_code == 302, saved.content.decode()[:2000]
    incident.refresh_from_db()
    corrected = incident.aware_at

    refused = second.post(
        url, {"aware_at": aware(5), "reason": "Older log", VERSION_FIELD: second_version}
    )
    assert refused.status_code == 409
    assert "changed by someone else" in refused.content.decode()
    incident.refresh_from_db()
    assert incident.aware_at == corrected
