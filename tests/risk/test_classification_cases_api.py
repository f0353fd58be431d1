"""The labelled use cases of ``classification_cases`` through the REST API, as a system owner
would send them: the owner answers and submits, the result and its obligations come back in
the answer; a governance officer then confirms it, and the confirmed class decides the tier.
The engine test runs the same table through the functions; this one proves the API stores
and returns what the engine decided, for every case."""

import pytest

from .classification_cases import CASES
from .test_classification_engine import has_ref

pytestmark = pytest.mark.django_db

URL = "/api/v1/classifications/"


class Stored:
    """The API's obligations in the shape ``has_ref`` reads."""

    def __init__(self, obligations: list[dict]):
        self.obligations = [type("O", (), {"articles": o["articles"]}) for o in obligations]


def disagreements(case, body: dict) -> list[str]:
    outcome = Stored(body["obligations"])
    problems = []
    if body["result"] != case.expected:
        problems.append(f"result {body['result']}, expected {case.expected}")
    problems += [f"missing {r}" for r in case.must if not has_ref(outcome, r)]
    problems += [f"unexpected {r}" for r in case.must_not if has_ref(outcome, r)]
    if case.fria is not None and body["fria_required"] != case.fria:
        problems.append(f"fria_required {body['fria_required']}")
    if case.reasoning and case.reasoning not in " ".join(body["reasoning"]):
        problems.append(f"reasoning lacks {case.reasoning!r}")
    return problems


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_use_case_through_the_api(api_as, owner, officer, system, case):
    created = api_as(owner).post(
        URL,
        {"system": system.pk, "answers": case.answers, "role": case.role, "submit": True},
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "submitted"
    problems = disagreements(case, body)
    assert not problems, (case.name, case.basis, problems)
    # Nothing is decided before an officer confirms: the tier waits.
    assert body["risk_tier"] == "unclassified"
    if case.expected == "pending":
        data = {"result": case.provisional or "minimal", "reason": "Checked with the owner."}
    else:
        data = {}
    confirmed = api_as(officer).post(f"{URL}{body['id']}/confirm/", data, format="json")
    assert confirmed.status_code == 200, confirmed.content
    final = confirmed.json()
    assert final["confirmed_result"] == (data.get("result") or case.expected)
    assert final["risk_tier"] != "unclassified" and not final["classification_pending"]
    if final["confirmed_result"] == "prohibited":
        assert final["risk_tier"] == "prohibited"
    elif final["confirmed_result"] == "high_risk":
        assert final["risk_tier"] == "high"
