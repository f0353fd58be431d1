"""CAPA pages and API. aims/urls.py and aims/api/urls.py do not mount them yet (the lead
does), so this module is its own URLconf: the project's URLs plus the CAPA routes."""

from datetime import timedelta

import pytest
from django.urls import include, path
from django.utils import timezone
from rest_framework.routers import SimpleRouter

from aims.capa.api.views import CorrectiveActionViewSet
from aims.models import CorrectiveAction
from aims.urls import urlpatterns as project_urls
from incidents import services as incident_services

from ..incidents.conftest import open_capa

router = SimpleRouter()
router.register("corrective-actions", CorrectiveActionViewSet, basename="correctiveaction")
urlpatterns = [
    path("capa/", include("aims.capa.urls")),
    path("api/v1/", include((router.urls, "capa_api"))),
    *project_urls,
]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]
Status = CorrectiveAction.Status


@pytest.fixture
def capa(owner, officer, system):
    incident = incident_services.incident_report(
        actor=owner,
        system=system,
        title="Biased ranking",
        description="Older applicants ranked lower",
        detection_channel="audit",
        category="bias",
        severity="sev2",
    )
    return open_capa(officer, incident, owner=owner)


def test_list_and_detail_for_readers(client_as, capa, owner, auditor, other_owner):
    for user in (owner, auditor):
        client = client_as(user)
        assert capa.title in client.get("/capa/").content.decode()
        page = client.get(f"/capa/{capa.pk}/").content.decode()
        assert capa.reference in page and "Biased ranking" in page  # the source, linked
    client = client_as(other_owner)
    assert capa.title not in client.get("/capa/").content.decode()
    assert client.get(f"/capa/{capa.pk}/").status_code == 404


def test_owner_implements_officer_verifies_owner_closes(client_as, capa, owner, officer):
    client = client_as(owner)
    assert client.post(f"/capa/{capa.pk}/action/implement/").status_code == 302
    assert client.get(f"/capa/{capa.pk}/verify/").status_code == 403  # the owner may not
    response = client.post(f"/capa/{capa.pk}/action/close/", follow=True)
    assert "verified first" in response.content.decode()
    officer_client = client_as(officer)
    response = officer_client.post(
        f"/capa/{capa.pk}/verify/", {"effective": "yes", "notes": "Bias test re-run"}
    )
    assert response.status_code == 400 and "Attach evidence" in response.content.decode()
    response = officer_client.post(
        f"/capa/{capa.pk}/verify/",
        {
            "effective": "yes",
            "notes": "Bias test re-run",
            "evidence_url": "https://example.org/bias-test",
        },
    )
    assert response.status_code == 302
    client.post(f"/capa/{capa.pk}/action/close/")
    capa.refresh_from_db()
    assert capa.status == Status.CLOSED and capa.verified_by == officer


def test_approver_cannot_act(client_as, capa, approver):
    client = client_as(approver)
    response = client.get(f"/capa/{capa.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert capa.reference in html and capa.title in html
    assert f"/capa/{capa.pk}/action/" not in html  # no action offered to an approver
    status = capa.status
    assert client.post(f"/capa/{capa.pk}/action/start/").status_code == 403
    capa.refresh_from_db()
    assert capa.status == status


def test_api_flow_and_refusals(api_as, capa, owner, officer, auditor):
    api = api_as(owner)
    url = f"/api/v1/corrective-actions/{capa.pk}/"
    assert api.get(url).json()["source"]["type"] == "incidents.incident"
    assert api.post(url + "transition/", {"action": "close"}, format="json").status_code == 409
    assert api.post(url + "transition/", {"action": "implement"}, format="json").status_code == 200
    response = api.post(url + "verify/", {"effective": True, "notes": "x"}, format="json")
    assert response.status_code == 403  # owners do not verify
    api = api_as(officer)
    response = api.post(url + "verify/", {"effective": "maybe"}, format="json")
    assert response.status_code == 400 and "notes" in response.json()["extra"]["fields"]
    response = api.post(
        url + "verify/",
        {"effective": True, "notes": "Checked", "evidence_url": "https://example.org/r"},
        format="json",
    )
    assert response.status_code == 200 and response.json()["status"] == "verified"
    assert api_as(auditor).post(url + "transition/", {"action": "close"}, "json").status_code == 403


def test_api_list_query_count_does_not_grow(api_as, capa, officer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api = api_as(officer)
    rows = []  # rows each counted request returned: the count compares full lists

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = api.get("/api/v1/corrective-actions/")
        assert response.status_code == 200
        rows.append(len(response.json()["results"]))
        return len(ctx)

    count()
    few = count()
    incident = capa.source
    for n in range(5):
        open_capa(officer, incident).title = f"n{n}"
    assert count() == few
    assert (rows[0], rows[-1]) == (1, 6)


def test_due_dates_in_the_list(client_as, capa, owner):
    page = client_as(owner).get("/capa/?status=open").content.decode()
    assert str(timezone.localdate() + timedelta(days=30)) in page
