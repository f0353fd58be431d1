"""History battery entries for the management-system records: scope, interested parties,
context issues, policies, their versions and acknowledgements, objectives and their progress
readings. Records a write depends on are made quietly (no history row), so a test that counts
history from there sees only the write under test."""

from datetime import date
from decimal import Decimal

from django.db.models import Model

from aims.models import (
    AIMSScope,
    ContextIssue,
    InterestedParty,
    Objective,
    ObjectiveUpdate,
    PartyFeedback,
    Policy,
    PolicyAcknowledgement,
    PolicyVersion,
)
from aims.ms import services as ms_services

from .battery_framework import Entry, api, by_id
from .world import World

PARTY = {"name": "Battery regulator", "category": "regulators", "requirements": "Reports"}
ISSUE = {"title": "Battery heat waves", "kind": "external", "category": "climate"}
OBJECTIVE = {
    "title": "Battery objective",
    "measure": "Share of staff trained",
    "baseline": "10",
    "target_value": "90",
    "due_date": "2027-06-30",
}


def feedback_data(w: World, *, pk: bool = False) -> dict:
    """Feedback from a party made for it (the service's form of the party, or its id)."""
    party = ms_services.party_save(actor=w.officer, data=PARTY)
    return {"party": party.pk if pk else party, "received_on": date.today().isoformat(),
            "summary": "Battery feedback"}  # fmt: skip


def _quiet(record: Model) -> Model:
    record.skip_history_when_saving = True
    record.save()
    del record.skip_history_when_saving
    return record


def quiet_policy(w: World, *, published: bool = False) -> Policy:
    policy = _quiet(Policy(title="Battery quiet policy", owner=w.officer))
    if published:
        _quiet(
            PolicyVersion(
                policy=policy,
                number=1,
                body="Published text",
                status=PolicyVersion.Status.PUBLISHED,
                drafted_by=w.officer,
            )
        )
    return policy


def quiet_objective(w: World) -> Objective:
    return _quiet(
        Objective(
            title="Battery quiet objective",
            measure="Count",
            target_value=Decimal("10"),
            owner=w.owner,
            due_date=date(2027, 6, 30),
        )
    )


def scope_result(body: dict) -> AIMSScope:
    return AIMSScope.objects.get(pk=body["id"])


BATTERY: dict[type[Model], Entry] = {
    AIMSScope: Entry(
        actor="officer",
        stage="approved_for_development",
        create=lambda w: ms_services.scope_save(
            actor=w.officer, data={"statement": "Battery scope"}
        ),
        api_create=lambda w: ("put", "/api/v1/scope/", {"statement": "Battery scope"}, "json"),
        api_bad=lambda w: ("put", "/api/v1/scope/", {"statement": ""}, "json"),
        api_result=scope_result,
    ),
    InterestedParty: Entry(
        actor="officer",
        stage="approved_for_development",
        create=lambda w: ms_services.party_save(actor=w.officer, data=PARTY),
        api_create=lambda w: ("post", api("interestedparty-list"), PARTY, "json"),
        api_bad=lambda w: (
            "post",
            api("interestedparty-list"),
            {**PARTY, "category": "aliens"},
            "json",
        ),
        api_result=by_id(InterestedParty),
    ),
    PartyFeedback: Entry(
        actor="officer",
        stage="approved_for_development",
        create=lambda w: ms_services.feedback_save(actor=w.officer, data=feedback_data(w)),
        api_create=lambda w: ("post", api("partyfeedback-list"), feedback_data(w, pk=True), "json"),
        # no party is made for the bad request: the battery checks it writes no history
        api_bad=lambda w: (
            "post",
            api("partyfeedback-list"),
            {"party": 0, "received_on": "2999-01-01", "summary": "Battery feedback"},
            "json",
        ),
        api_result=by_id(PartyFeedback),
    ),
    ContextIssue: Entry(
        actor="officer",
        stage="approved_for_development",
        create=lambda w: ms_services.issue_save(actor=w.officer, data=ISSUE),
        api_create=lambda w: ("post", api("contextissue-list"), ISSUE, "json"),
        api_bad=lambda w: ("post", api("contextissue-list"), {**ISSUE, "kind": "both"}, "json"),
        api_result=by_id(ContextIssue),
    ),
    Policy: Entry(
        actor="officer",
        stage="approved_for_development",
        create=lambda w: ms_services.policy_create(
            actor=w.officer, title="Battery policy", body="Text"
        ),
        api_create=lambda w: (
            "post",
            api("policy-list"),
            {"title": "Battery policy", "body": "Text"},
            "json",
        ),
        api_bad=lambda w: ("post", api("policy-list"), {"title": "Battery policy"}, "json"),
        api_result=by_id(Policy),
    ),
    PolicyVersion: Entry(
        actor="officer",
        stage="approved_for_development",
        create=lambda w: ms_services.version_create(
            actor=w.officer, policy=quiet_policy(w), body="Battery draft"
        ),
        api_create=lambda w: (
            "post",
            api("policy-versions", quiet_policy(w).pk),
            {"body": "Battery draft"},
            "json",
        ),
        api_bad=lambda w: (
            "post",
            api("policy-versions", quiet_policy(w).pk),
            {"body": ""},
            "json",
        ),
        api_result=by_id(PolicyVersion),
    ),
    PolicyAcknowledgement: Entry(
        actor="owner",
        stage="approved_for_development",
        create=lambda w: ms_services.policy_acknowledge(
            actor=w.owner, policy=quiet_policy(w, published=True)
        )[0],
        api_create=lambda w: (
            "post",
            api("policy-acknowledge", quiet_policy(w, published=True).pk),
            {},
            "json",
        ),
        api_bad=lambda w: (
            "post",
            api("policy-acknowledge", quiet_policy(w, published=True).pk),
            {"version": "the latest"},
            "json",
        ),
        api_result=by_id(PolicyAcknowledgement),
    ),
    Objective: Entry(
        actor="officer",
        stage="approved_for_development",
        create=lambda w: ms_services.objective_create(
            actor=w.officer,
            data={
                **OBJECTIVE,
                "baseline": Decimal("10"),
                "target_value": Decimal("90"),
                "due_date": date(2027, 6, 30),
            },
        ),
        api_create=lambda w: ("post", api("objective-list"), OBJECTIVE, "json"),
        api_bad=lambda w: (
            "post",
            api("objective-list"),
            {**OBJECTIVE, "target_value": "5"},  # below the baseline while higher is better
            "json",
        ),
        api_result=by_id(Objective),
    ),
    ObjectiveUpdate: Entry(
        actor="owner",
        stage="approved_for_development",
        create=lambda w: ms_services.objective_record_progress(
            actor=w.owner, objective=quiet_objective(w), value=Decimal("4")
        ),
        api_create=lambda w: (
            "post",
            api("objective-updates", quiet_objective(w).pk),
            {"value": "4"},
            "json",
        ),
        api_bad=lambda w: (
            "post",
            api("objective-updates", quiet_objective(w).pk),
            {"value": "four"},
            "json",
        ),
        api_result=by_id(ObjectiveUpdate),
    ),
}
