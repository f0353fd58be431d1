"""The inventory's side of vendor changes: an integration reports the model identifier it
observes for a component; a different identifier creates a "detected" notice exactly once.

The endpoint lives in inventory/api/vendor_views.py. Until its route is registered in
inventory/api/urls.py these tests mount it themselves (same path, same view)."""

import threading
from unittest import mock

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import include, path
from rest_framework.routers import SimpleRouter

from aims.errors import BusinessRuleError, RuleForbidden
from aims.urls import urlpatterns as project_urls
from inventory import services, vendor_changes
from inventory.api.vendor_views import ComponentObservationViewSet
from inventory.models import Component
from suppliers import services as supplier_services
from suppliers.models import VendorChangeNotice

from ..factories import make_system
from ..suppliers.helpers import connect, deployed_system, link_component, make_supplier

router = SimpleRouter()
router.register("component-observations", ComponentObservationViewSet, basename="observation")
urlpatterns = [path("api/v1/", include((router.urls, "vendor_api"))), *project_urls]
URL = "/api/v1/component-observations/"

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


@pytest.fixture(autouse=True)
def _connected():
    connect()


@pytest.fixture
def component(officer, approver, owner):
    supplier = make_supplier(officer)
    system = deployed_system(owner, officer, approver)
    return link_component(owner, system, supplier, identifier="acme-llm-2026-01")


def report(actor, component, identifier):
    return vendor_changes.component_report_identifier(
        actor=actor, component=component, identifier=identifier
    )


def test_the_recorded_identifier_changes_nothing(officer, component):
    assert report(officer, component, "acme-llm-2026-01") == (None, False)
    assert VendorChangeNotice.objects.count() == 0


def test_a_new_identifier_creates_one_detected_notice_however_often_reported(officer, component):
    notice, created = report(officer, component, "acme-llm-2026-06")
    assert created and notice.source == "detected" and notice.kind == "new_model_version"
    assert notice.previous_identifier == "acme-llm-2026-01"
    assert notice.observed_identifier == "acme-llm-2026-06"
    assert notice.impacts.count() == 1 and notice.impacts.get().under_review
    for _ in range(5):
        again, created = report(officer, component, "acme-llm-2026-06")
        assert again.pk == notice.pk and not created
    assert VendorChangeNotice.objects.count() == 1
    # A further change is a new notice.
    third, created = report(officer, component, "acme-llm-2026-09")
    assert created and third.pk != notice.pk


def test_a_report_that_loses_the_race_answers_the_winners_notice(officer, component):
    """Two reports both see no notice yet; the second one's insert hits the unique
    constraint and it answers the notice the first one created."""
    winner, _ = report(officer, component, "acme-llm-2026-06")
    real_filter = VendorChangeNotice.objects.filter
    calls = {"n": 0}

    def blind_first_lookup(*args, **kwargs):
        queryset = real_filter(*args, **kwargs)
        calls["n"] += 1
        return queryset.none() if calls["n"] == 1 else queryset

    with mock.patch.object(VendorChangeNotice.objects, "filter", blind_first_lookup):
        loser, created = report(officer, component, "acme-llm-2026-06")
    assert not created and loser.pk == winner.pk
    assert VendorChangeNotice.objects.count() == 1


@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="concurrent writers need PostgreSQL (SQLite serialises the whole file)",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_reports_create_one_notice(officer, approver, owner):
    connect()
    supplier = make_supplier(officer)
    system = make_system(owner, name="Concurrent")
    component = link_component(owner, system, supplier)
    barrier = threading.Barrier(4)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(report(officer, component, "acme-llm-2026-07"))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert VendorChangeNotice.objects.filter(observed_identifier="acme-llm-2026-07").count() == 1
    assert sum(created for _, created in results) == 1
    assert len({n.pk for n, _ in results}) == 1


def test_a_component_without_supplier_cannot_report_a_change(officer, owner):
    system = make_system(owner)
    component = services.child_save(
        actor=owner,
        record=Component(system=system),
        data={"name": "Local model", "model_identifier": "v1"},
    )
    with pytest.raises(BusinessRuleError) as exc:
        report(officer, component, "v2")
    assert exc.value.code == "no_supplier"


def test_only_roles_that_record_vendor_changes_may_report(owner, auditor, component):
    for user in (owner, auditor):
        with pytest.raises(RuleForbidden):
            report(user, component, "acme-llm-2026-06")


# --- The API --------------------------------------------------------------------------------


def test_api_reports_create_then_repeat(api_as, officer, component):
    client = api_as(officer)
    body = {"component": component.pk, "model_identifier": "acme-llm-2026-06"}
    first = client.post(URL, body, format="json")
    assert first.status_code == 201, first.content
    assert first.json()["created"] is True and first.json()["notice"]["source"] == "detected"
    for _ in range(3):
        again = client.post(URL, body, format="json")
        assert again.status_code == 200
        assert again.json()["notice"]["id"] == first.json()["notice"]["id"]
    same = client.post(URL, {**body, "model_identifier": "acme-llm-2026-01"}, format="json")
    assert same.status_code == 200 and same.json() == {
        "changed": False,
        "created": False,
        "notice": None,
    }
    assert VendorChangeNotice.objects.count() == 1


def test_api_bad_input_is_a_field_error(api_as, officer, component):
    response = api_as(officer).post(URL, {"component": 999999}, format="json")
    assert response.status_code == 400
    fields = response.json()["extra"]["fields"]
    assert set(fields) == {"component", "model_identifier"}


@pytest.mark.parametrize(
    "role,expected", [("owner", 403), ("auditor", 403), ("approver", 403), ("nobody", 403)]
)
def test_api_refuses_roles_without_the_right(request, api_as, component, role, expected):
    user = request.getfixturevalue(role)
    response = api_as(user).post(
        URL, {"component": component.pk, "model_identifier": "x"}, format="json"
    )
    assert response.status_code == expected
    assert VendorChangeNotice.objects.count() == 0


def test_api_anonymous_is_401(api, component):
    response = api.post(URL, {"component": component.pk, "model_identifier": "x"}, format="json")
    assert response.status_code == 401


def test_under_review_systems_query_is_constant(officer, approver, owner, component):
    supplier_services.vendor_change_record(
        actor=officer,
        supplier=component.supplier,
        data={
            "affected_service": "acme",
            "kind": "deprecation",
            "source": "press",
            "title": "Old API retired",
        },
    )
    with CaptureQueriesContext(connection) as queries:
        ids = list(vendor_changes.systems_under_vendor_review(user=owner))
    assert [s.pk for s in ids] == [component.system_id]
    assert len(queries) <= 4
