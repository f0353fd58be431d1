import io

import pytest
from django.core.management import call_command

from inventory.models import AISystem
from risk.models import Classification, ImpactAssessment, Risk

pytestmark = pytest.mark.django_db


def test_demo_classifies_systems_once():
    call_command("load_demo", stdout=io.StringIO())
    cv = AISystem.objects.get(name="CV screening assistant")
    assert cv.risk_tier == "high" and cv.eu_classification.result == "high_risk"
    assert ImpactAssessment.objects.get(system=cv).status == "signed_off"
    assert not Risk.objects.filter(acceptance="pending").exists()
    counts = (Classification.objects.count(), Risk.objects.count())
    call_command("load_demo", stdout=io.StringIO())
    assert (Classification.objects.count(), Risk.objects.count()) == counts
