import pytest

from inventory.models import GateSetting

from .conftest import api_url

pytestmark = pytest.mark.django_db


def test_officer_sets_required_approvals(api_as, officer):
    response = api_as(officer).patch(
        api_url("gatesetting-detail", "release"), {"required_approvals": 3}, format="json"
    )
    assert response.status_code == 200
    assert response.json() == {
        **response.json(),
        "gate": "release",
        "gate_display": "Release gate",
        "required_approvals": 3,
    }
    setting = GateSetting.objects.get(gate="release")
    assert setting.required_approvals == 3
    assert setting.history.first().history_user == officer


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"required_approvals": 0},
        {"required_approvals": 10},
        {"required_approvals": "two"},
        {"required_approvals": None},
    ],
)
def test_bad_values_answer_400(api_as, officer, body):
    response = api_as(officer).patch(api_url("gatesetting-detail", "intake"), body, format="json")
    assert response.status_code == 400
    assert "required_approvals" in response.json()["extra"]["fields"]
    assert GateSetting.objects.get(gate="intake").required_approvals == 1


def test_unknown_gate_is_404_and_put_is_not_allowed(api_as, officer):
    client = api_as(officer)
    assert client.get(api_url("gatesetting-detail", "exit")).status_code == 404
    assert client.get("/api/v1/gate-settings/1/").status_code == 404
    response = client.put(
        api_url("gatesetting-detail", "intake"), {"required_approvals": 2}, format="json"
    )
    assert response.status_code == 405


@pytest.mark.parametrize("role", ["approver", "owner", "auditor", "nobody"])
def test_only_officers_configure_gates(request, api_as, role):
    response = api_as(request.getfixturevalue(role)).patch(
        api_url("gatesetting-detail", "intake"), {"required_approvals": 2}, format="json"
    )
    assert response.status_code == 403
    assert GateSetting.objects.get(gate="intake").required_approvals == 1


def test_reading_roles_read_one_gate(api_as, approver):
    response = api_as(approver).get(api_url("gatesetting-detail", "intake"))
    assert response.json()["required_approvals"] == 1
