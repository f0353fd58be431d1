import pytest

from aims.models import Notification
from aims.notifications.services import notify

from .conftest import api_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def notes(officer, owner):
    notify(recipients=[officer], title="One")
    notify(recipients=[officer], title="Two")
    notify(recipients=[owner], title="Not yours")
    return {n.title: n for n in Notification.objects.all()}


def titles(response) -> list[str]:
    return [n["title"] for n in response.json()["results"]]


def test_users_see_only_their_own_notifications(api_as, officer, nobody, notes):
    assert sorted(titles(api_as(officer).get(api_url("notification-list")))) == ["One", "Two"]
    assert titles(api_as(nobody).get(api_url("notification-list"))) == []
    response = api_as(officer).get(api_url("notification-detail", notes["Not yours"].pk))
    assert response.status_code == 404


def test_intake_notifies_officers(api_as, officer, system):
    listed = api_as(officer).get(api_url("notification-list"), {"unread": "true"}).json()
    assert listed["results"][0]["title"].startswith(f"New intake: {system.reference}")
    assert listed["results"][0]["is_read"] is False


def test_mark_some_read(api_as, officer, notes):
    client = api_as(officer)
    response = client.post(
        api_url("notification-mark-read"),
        {"ids": [notes["One"].pk, notes["Not yours"].pk]},
        format="json",
    )
    assert response.status_code == 200
    assert response.json() == {"marked": 1}
    assert titles(client.get(api_url("notification-list"), {"unread": "true"})) == ["Two"]
    assert titles(client.get(api_url("notification-list"), {"unread": "false"})) == ["One"]
    notes["Not yours"].refresh_from_db()
    assert notes["Not yours"].read_at is None


def test_mark_all_read(api_as, officer, owner, notes):
    response = api_as(officer).post(api_url("notification-mark-read"), {}, format="json")
    assert response.json() == {"marked": 2}
    assert Notification.objects.filter(recipient=owner, read_at__isnull=True).count() == 1


@pytest.mark.parametrize("body", [{"ids": "all"}, {"ids": ["x"]}, {"ids": [0]}])
def test_bad_ids_answer_400(api_as, officer, notes, body):
    response = api_as(officer).post(api_url("notification-mark-read"), body, format="json")
    assert response.status_code == 400
    assert "ids" in response.json()["extra"]["fields"]
    assert not Notification.objects.filter(read_at__isnull=False).exists()
