"""Role-matrix rows for the management system: scope, context registers, policies and their
versions and acknowledgements, objectives and their progress. The records are made through
the real services (helpers below; world.py is shared and not extended here).

Roles: officers keep every record; approvers read them and approve policies and the scope
(never what they wrote); system owners read the scope, policies and objectives and record
progress on objectives they own; auditors read everything and change nothing; every
logged-in user, in a role or not, reads and acknowledges the published policy.
"""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

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

from .framework import API_LOGGED_IN, LOGGED_IN, Case, expect
from .world import World

# fmt: off
#                                anonymous nobody owner other_owner officer approver auditor
MS_READ                 = expect("login    403    ok    ok          ok      ok       ok")
CONTEXT_READ            = expect("login    403    403   403         ok      ok       ok")
OFFICER_ONLY            = expect("login    403    403   403         ok      403      403")
# The officer wrote it: segregation of duties leaves the approval to the approver.
APPROVE_NOT_AUTHOR      = expect("login    403    403   403         403     ok       403")
PUBLISH                 = expect("login    403    403   403         ok      ok       403")
OBJ_READ                = expect("login    404    ok    ok          ok      ok       ok")
OBJ_CHANGE              = expect("login    404    403   403         ok      403      403")
# The objective belongs to the world's owner, who records its progress, as officers may.
OBJ_PROGRESS            = expect("login    404    ok    403         ok      403      403")

API_MS_READ             = expect("401      403    ok    ok          ok      ok       ok")
API_CONTEXT_READ        = expect("401      403    403   403         ok      ok       ok")
API_OFFICER_ONLY        = expect("401      403    403   403         ok      403      403")
API_APPROVE_NOT_AUTHOR  = expect("401      403    403   403         403     ok       403")
API_PUBLISH             = expect("401      403    403   403         ok      ok       403")
API_OBJ_READ            = expect("401      404    ok    ok          ok      ok       ok")
API_OBJ_PROGRESS        = expect("401      404    ok    403         ok      403      403")
# fmt: on

PARTY_NAME = "Matrix regulator"
ISSUE_TITLE = "Matrix heat waves"


def scope(w: World) -> AIMSScope:
    return w.once(
        "_ms_scope",
        lambda: ms_services.scope_save(actor=w.officer, data={"statement": "Matrix scope"}),
    )


def party(w: World) -> InterestedParty:
    return w.once(
        "_ms_party",
        lambda: ms_services.party_save(
            actor=w.officer,
            data={"name": PARTY_NAME, "category": "regulators", "requirements": "Reports"},
        ),
    )


def feedback(w: World) -> PartyFeedback:
    return w.once(
        "_ms_feedback",
        lambda: ms_services.feedback_save(
            actor=w.officer,
            data={"party": party(w), "received_on": timezone.localdate(),
                  "summary": "Matrix feedback"},
        ),
    )  # fmt: skip


def feedback_form(w: World) -> dict:
    return {"party": party(w).pk, "received_on": timezone.localdate().isoformat(),
            "summary": "Matrix feedback, new"}  # fmt: skip


def issue(w: World) -> ContextIssue:
    return w.once(
        "_ms_issue",
        lambda: ms_services.issue_save(
            actor=w.officer,
            data={"title": ISSUE_TITLE, "kind": "external", "category": "climate"},
        ),
    )


def _policy(w: World, title: str, stage: str) -> Policy:
    policy = ms_services.policy_create(actor=w.officer, title=title, body=f"{title} text")
    version = policy.versions.get()
    if stage in ("approved", "published"):
        ms_services.version_approve(actor=w.approver, version=version)
    if stage == "published":
        ms_services.version_publish(actor=w.approver, version=version)
    return policy


def published_policy(w: World) -> Policy:
    return w.once("_ms_published", lambda: _policy(w, "Matrix AI policy", "published"))


def draft_version(w: World) -> PolicyVersion:
    return w.once("_ms_draft", lambda: _policy(w, "Matrix draft policy", "draft").versions.get())


def approved_version(w: World) -> PolicyVersion:
    return w.once(
        "_ms_approved", lambda: _policy(w, "Matrix approved policy", "approved").versions.get()
    )


def objective(w: World) -> Objective:
    return w.once(
        "_ms_objective",
        lambda: ms_services.objective_create(
            actor=w.officer,
            data={
                "title": "Matrix objective",
                "measure": "Share of staff trained",
                "baseline": Decimal("10"),
                "target_value": Decimal("90"),
                "owner": w.owner,
                "due_date": timezone.localdate() + timedelta(days=30),
            },
        ),
    )


def pk(make):
    return lambda w: {"pk": make(w).pk}


def field(make, name: str):
    def run(w: World):
        record = make(w)
        return type(record).objects.values_list(name, flat=True).get(pk=record.pk)

    return run


def still_there(make):
    def run(w: World) -> bool:
        record = make(w)
        return type(record).objects.filter(pk=record.pk).exists()

    return run


def total(model):
    return lambda w: model.objects.count()


def acks_of_person(w: World) -> int:
    published_policy(w)
    return PolicyAcknowledgement.objects.filter(user=w.person).count()


def versions_of(make):
    return lambda w: PolicyVersion.objects.filter(policy=make(w)).count()


def updates_of(w: World) -> int:
    return ObjectiveUpdate.objects.filter(objective=objective(w)).count()


def scope_statement(w: World) -> str:
    return AIMSScope.objects.values_list("statement", flat=True).first()


def scope_approved(w: World):
    return AIMSScope.objects.values_list("approved_at", flat=True).first()


def setup_scope(w: World) -> None:
    scope(w)


PARTY = {"name": "Matrix customers", "category": "customers", "requirements": "Clear answers"}
ISSUE = {"title": "Matrix skills gap", "kind": "internal", "category": "resources"}
POLICY = {"title": "Matrix new policy", "review_interval_months": 12, "body": "Rules"}
OBJECTIVE = {"title": "Matrix new objective", "measure": "Count", "target_value": "5",
             "due_date": "2027-06-30"}  # fmt: skip


def html_objective(w: World, **extra) -> dict:
    return {**OBJECTIVE, "owner": w.owner.pk, "higher_is_better": "on", **extra}


def progress(w: World) -> dict:
    return {"value": "42", "recorded_on": timezone.localdate().isoformat(), "note": "Matrix"}


CASES = [
    Case("ms:overview", "GET", MS_READ, setup=setup_scope),
    Case("ms:scope", "GET", MS_READ, setup=setup_scope),
    Case("ms:scope_edit", "GET", OFFICER_ONLY, setup=setup_scope),
    Case("ms:scope_edit", "POST", OFFICER_ONLY, setup=setup_scope,
         data=lambda w: {"statement": "Matrix scope, edited"}, effect=scope_statement),
    Case("ms:scope_approve", "POST", APPROVE_NOT_AUTHOR, setup=setup_scope,
         effect=scope_approved),
    Case("ms:scope_history", "GET", MS_READ, setup=setup_scope),
    # --- Interested parties and issues -------------------------------------------------------
    Case("ms:party_list", "GET", CONTEXT_READ, setup=party),
    Case("ms:party_create", "GET", OFFICER_ONLY),
    Case("ms:party_create", "POST", OFFICER_ONLY, data=lambda w: PARTY,
         effect=total(InterestedParty)),
    Case("ms:party_edit", "GET", OFFICER_ONLY, kwargs=pk(party)),
    Case("ms:party_edit", "POST", OFFICER_ONLY, kwargs=pk(party),
         data=lambda w: {**PARTY, "name": "Matrix renamed"}, effect=field(party, "name")),
    Case("ms:party_delete", "GET", OFFICER_ONLY, kwargs=pk(party)),
    Case("ms:party_delete", "POST", OFFICER_ONLY, kwargs=pk(party),
         data=lambda w: {"reason": "Matrix"}, effect=still_there(party)),
    Case("ms:feedback_list", "GET", CONTEXT_READ, setup=feedback),
    Case("ms:feedback_create", "GET", OFFICER_ONLY, setup=party),
    Case("ms:feedback_create", "POST", OFFICER_ONLY, data=feedback_form,
         effect=total(PartyFeedback)),
    Case("ms:feedback_edit", "GET", OFFICER_ONLY, kwargs=pk(feedback)),
    Case("ms:feedback_edit", "POST", OFFICER_ONLY, kwargs=pk(feedback),
         data=lambda w: {**feedback_form(w), "summary": "Matrix edited"},
         effect=field(feedback, "summary")),
    Case("ms:feedback_delete", "GET", OFFICER_ONLY, kwargs=pk(feedback)),
    Case("ms:feedback_delete", "POST", OFFICER_ONLY, kwargs=pk(feedback),
         data=lambda w: {"reason": "Matrix"}, effect=still_there(feedback)),
    Case("ms:issue_list", "GET", CONTEXT_READ, setup=issue),
    Case("ms:issue_create", "GET", OFFICER_ONLY),
    Case("ms:issue_create", "POST", OFFICER_ONLY, data=lambda w: ISSUE,
         effect=total(ContextIssue)),
    Case("ms:issue_edit", "GET", OFFICER_ONLY, kwargs=pk(issue)),
    Case("ms:issue_edit", "POST", OFFICER_ONLY, kwargs=pk(issue),
         data=lambda w: {**ISSUE, "title": "Matrix renamed"}, effect=field(issue, "title")),
    Case("ms:issue_delete", "GET", OFFICER_ONLY, kwargs=pk(issue)),
    Case("ms:issue_delete", "POST", OFFICER_ONLY, kwargs=pk(issue),
         data=lambda w: {}, effect=still_there(issue)),
    # --- Policies ----------------------------------------------------------------------------
    Case("ms:policy_list", "GET", MS_READ, setup=published_policy),
    Case("ms:policy_create", "GET", OFFICER_ONLY),
    Case("ms:policy_create", "POST", OFFICER_ONLY, data=lambda w: POLICY, effect=total(Policy)),
    Case("ms:policy_detail", "GET", MS_READ, kwargs=pk(published_policy)),
    Case("ms:policy_edit", "GET", OFFICER_ONLY, kwargs=pk(published_policy)),
    Case("ms:policy_edit", "POST", OFFICER_ONLY, kwargs=pk(published_policy),
         data=lambda w: {"title": "Matrix renamed policy", "review_interval_months": 6},
         effect=field(published_policy, "title")),
    Case("ms:policy_read", "GET", LOGGED_IN, kwargs=pk(published_policy)),
    Case("ms:policy_acknowledge", "POST", LOGGED_IN, kwargs=pk(published_policy),
         effect=acks_of_person),
    Case("ms:policy_acknowledgements", "GET", CONTEXT_READ, kwargs=pk(published_policy)),
    Case("ms:policy_pending", "GET", LOGGED_IN, setup=published_policy),
    Case("ms:version_create", "GET", OFFICER_ONLY, kwargs=pk(published_policy)),
    Case("ms:version_create", "POST", OFFICER_ONLY, kwargs=pk(published_policy),
         data=lambda w: {"body": "Matrix v2", "change_summary": "Shorter"},
         effect=versions_of(published_policy)),
    Case("ms:version_detail", "GET", MS_READ, kwargs=pk(draft_version)),
    Case("ms:version_edit", "GET", OFFICER_ONLY, kwargs=pk(draft_version)),
    Case("ms:version_edit", "POST", OFFICER_ONLY, kwargs=pk(draft_version),
         data=lambda w: {"body": "Matrix edited draft"}, effect=field(draft_version, "body")),
    Case("ms:version_approve", "POST", APPROVE_NOT_AUTHOR, kwargs=pk(draft_version),
         effect=field(draft_version, "status")),
    Case("ms:version_publish", "POST", PUBLISH, kwargs=pk(approved_version),
         effect=field(approved_version, "status")),
    # --- Objectives --------------------------------------------------------------------------
    Case("ms:objective_list", "GET", LOGGED_IN, setup=objective),
    Case("ms:objective_create", "GET", OFFICER_ONLY),
    Case("ms:objective_create", "POST", OFFICER_ONLY, data=html_objective,
         effect=total(Objective)),
    Case("ms:objective_detail", "GET", OBJ_READ, kwargs=pk(objective)),
    Case("ms:objective_edit", "GET", OBJ_CHANGE, kwargs=pk(objective)),
    Case("ms:objective_edit", "POST", OBJ_CHANGE, kwargs=pk(objective),
         data=lambda w: html_objective(w, title="Matrix renamed", baseline="1",
                                       status="at_risk"),
         effect=field(objective, "status")),
    Case("ms:objective_progress", "GET", OBJ_PROGRESS, kwargs=pk(objective)),
    Case("ms:objective_progress", "POST", OBJ_PROGRESS, kwargs=pk(objective), data=progress,
         effect=updates_of),
    # --- API: scope --------------------------------------------------------------------------
    Case("api:scope", "GET", API_MS_READ, setup=setup_scope),
    Case("api:scope", "PATCH", API_OFFICER_ONLY, setup=setup_scope,
         data=lambda w: {"statement": "Matrix API scope"}, effect=scope_statement),
    Case("api:scope-approve", "POST", API_APPROVE_NOT_AUTHOR, setup=setup_scope,
         effect=scope_approved, codes={"officer": "segregation_of_duties"}),
    Case("api:scope-history", "GET", API_MS_READ, setup=setup_scope),
    # --- API: registers ----------------------------------------------------------------------
    Case("api:interestedparty-list", "GET", API_CONTEXT_READ, setup=party),
    Case("api:interestedparty-list", "POST", API_OFFICER_ONLY, data=lambda w: PARTY,
         effect=total(InterestedParty)),
    Case("api:interestedparty-detail", "GET", API_CONTEXT_READ, kwargs=pk(party)),
    Case("api:interestedparty-detail", "PATCH", API_OFFICER_ONLY, kwargs=pk(party),
         data=lambda w: {"name": "Matrix API name"}, effect=field(party, "name")),
    Case("api:interestedparty-detail", "DELETE", API_OFFICER_ONLY, kwargs=pk(party),
         effect=still_there(party)),
    Case("api:partyfeedback-list", "GET", API_CONTEXT_READ, setup=feedback),
    Case("api:partyfeedback-list", "POST", API_OFFICER_ONLY, data=feedback_form,
         effect=total(PartyFeedback)),
    Case("api:partyfeedback-detail", "GET", API_CONTEXT_READ, kwargs=pk(feedback)),
    Case("api:partyfeedback-detail", "PATCH", API_OFFICER_ONLY, kwargs=pk(feedback),
         data=lambda w: {"summary": "Matrix API summary"}, effect=field(feedback, "summary")),
    Case("api:partyfeedback-detail", "DELETE", API_OFFICER_ONLY, kwargs=pk(feedback),
         effect=still_there(feedback)),
    Case("api:contextissue-list", "GET", API_CONTEXT_READ, setup=issue),
    Case("api:contextissue-list", "POST", API_OFFICER_ONLY, data=lambda w: ISSUE,
         effect=total(ContextIssue)),
    Case("api:contextissue-detail", "GET", API_CONTEXT_READ, kwargs=pk(issue)),
    Case("api:contextissue-detail", "PATCH", API_OFFICER_ONLY, kwargs=pk(issue),
         data=lambda w: {"title": "Matrix API title"}, effect=field(issue, "title")),
    Case("api:contextissue-detail", "DELETE", API_OFFICER_ONLY, kwargs=pk(issue),
         effect=still_there(issue)),
    # --- API: policies -----------------------------------------------------------------------
    Case("api:policy-list", "GET", API_MS_READ, setup=published_policy),
    Case("api:policy-list", "POST", API_OFFICER_ONLY, data=lambda w: POLICY,
         effect=total(Policy)),
    Case("api:policy-detail", "GET", API_MS_READ, kwargs=pk(published_policy)),
    Case("api:policy-detail", "PATCH", API_OFFICER_ONLY, kwargs=pk(published_policy),
         data=lambda w: {"purpose": "Matrix purpose"}, effect=field(published_policy, "purpose")),
    Case("api:policy-versions", "GET", API_MS_READ, kwargs=pk(published_policy)),
    Case("api:policy-versions", "POST", API_OFFICER_ONLY, kwargs=pk(published_policy),
         data=lambda w: {"body": "Matrix API v2"}, effect=versions_of(published_policy)),
    Case("api:policy-acknowledge", "POST", API_LOGGED_IN, kwargs=pk(published_policy),
         effect=acks_of_person),
    Case("api:policy-acknowledgements", "GET", API_CONTEXT_READ, kwargs=pk(published_policy)),
    Case("api:policy-to-acknowledge", "GET", API_LOGGED_IN, setup=published_policy),
    Case("api:policyversion-list", "GET", API_MS_READ, setup=draft_version),
    Case("api:policyversion-detail", "GET", API_MS_READ, kwargs=pk(draft_version)),
    Case("api:policyversion-detail", "PATCH", API_OFFICER_ONLY, kwargs=pk(draft_version),
         data=lambda w: {"body": "Matrix API draft"}, effect=field(draft_version, "body")),
    Case("api:policyversion-approve", "POST", API_APPROVE_NOT_AUTHOR, kwargs=pk(draft_version),
         effect=field(draft_version, "status"), codes={"officer": "segregation_of_duties"}),
    Case("api:policyversion-publish", "POST", API_PUBLISH, kwargs=pk(approved_version),
         effect=field(approved_version, "status")),
    # --- API: objectives ---------------------------------------------------------------------
    Case("api:objective-list", "GET", API_LOGGED_IN, setup=objective),
    Case("api:objective-list", "POST", API_OFFICER_ONLY,
         data=lambda w: {**OBJECTIVE, "owner": w.owner.pk}, effect=total(Objective)),
    Case("api:objective-detail", "GET", API_OBJ_READ, kwargs=pk(objective)),
    Case("api:objective-detail", "PATCH", API_OFFICER_ONLY, kwargs=pk(objective),
         data=lambda w: {"status": "at_risk"}, effect=field(objective, "status")),
    Case("api:objective-updates", "GET", API_OBJ_READ, kwargs=pk(objective)),
    Case("api:objective-updates", "POST", API_OBJ_PROGRESS, kwargs=pk(objective),
         data=lambda w: {"value": "42"}, effect=updates_of),
]  # fmt: skip
