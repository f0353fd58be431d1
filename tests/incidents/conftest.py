from datetime import date, timedelta

import pytest
from django.utils import timezone

from aims.capa import services as capa_services
from incidents import services
from incidents.models import Metric


@pytest.fixture
def report(owner, system, officer, approver):
    """Report an incident as the owner (officer and approver exist to be notified)."""

    def make(**overrides):
        data = {
            "title": "Chatbot gave dangerous advice",
            "description": "A user was told to double a medication dose.",
            "detection_channel": "user_complaint",
            "category": "harmful_output",
            "severity": "sev3",
            **overrides,
        }
        actor = data.pop("actor", owner)
        return services.incident_report(actor=actor, system=data.pop("system", system), **data)

    return make


@pytest.fixture
def metric(owner, system):
    return services.metric_save(
        actor=owner,
        metric=Metric(system=system),
        data={
            "name": "Error rate",
            "unit": "%",
            "direction": "higher_is_worse",
            "warning_threshold": 5.0,
            "breach_threshold": 10.0,
            "expected_interval_minutes": 60,
        },
    )


def open_capa(actor, incident, owner=None):
    return capa_services.capa_create(
        actor=actor,
        source=incident,
        title="Add an output filter",
        nonconformity="Unsafe advice reached a user",
        action_plan="Filter medical dosage advice",
        due_date=date.today() + timedelta(days=30),
        owner=owner,
    )


def ago(**kwargs):
    return timezone.now() - timedelta(**kwargs)
