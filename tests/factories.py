import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from inventory import services
from inventory.models import AISystem
from risk import classification as questionnaire

User = get_user_model()
PASSWORD = "test-pass-123!"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or []:
            self.groups.add(Group.objects.get(name=role))


def user_with_role(role: str | None, **kwargs):
    return UserFactory(roles=[role] if role else [], **kwargs)


INTAKE_DATA = {
    "name": "CV screening assistant",
    "purpose": "Ranks incoming CVs against the job profile for recruiters.",
    "expected_benefit": "Faster shortlisting.",
    "business_unit": "hr",
    "deployment_type": "saas_embedded",
    "ai_technique": "predictive",
    "decision_impact": "decides_with_review",
    "human_oversight": "in_the_loop",
    "intended_users": "Recruiters",
    "affected_groups": "Job applicants",
    "data_description": "CVs and job profiles",
    "personal_data": "personal",
    "user_facing": False,
    "used_in_eu": True,
    "known_risks": "Bias against protected groups.",
}


def make_system(owner, **overrides) -> AISystem:
    """A system submitted through the real intake service by its owner."""
    data = {**INTAKE_DATA, **overrides}
    return services.system_submit_intake(actor=owner, data=data)


# Complete answers to the classification questionnaire (version 2): what applies, and "no"
# to every other question asked (for any role: a "no" to a question not asked is dropped).
# Nothing applies: minimal risk.
MINIMAL_RISK_ANSWERS = questionnaire.completed({})
# A high-risk use under the EU AI Act (Annex III 4(a), with profiling).
HIGH_RISK_ANSWERS = questionnaire.completed({"annex_iii_areas": ["4a"], "profiling": True})
# Limited risk for a deployer: it publishes deep fakes (Art. 50(4)).
LIMITED_RISK_ANSWERS = questionnaire.completed({"synthetic_content": True, "deep_fake": True})


def answers_with(**overrides) -> dict:
    """Complete answers: ``overrides``, and "no" to every other question that is asked given
    them (conditional questions included)."""
    return questionnaire.completed(overrides)


def first_yes_no_key() -> str:
    """A yes/no question asked whatever else is answered: where a test says "not sure"."""
    base = answers_with()
    return next(q.key for q in questionnaire.QUESTIONS if not q.choices and q.key in base)


def classify_confirmed(
    *, officer, system, result: str = "high_risk", role: str = "deployer", actor=None
):
    """A classification answered by ``actor`` (default the officer), submitted, and
    confirmed by ``officer`` as ``result`` (with a reason when it changes the proposal):
    what a system's tier is derived from. Returns the classification."""
    from risk import services as risk_services

    saved = risk_services.classification_save(
        actor=actor or officer, system=system, answers=answers_with(), role=role, submit=True
    )
    reason = "" if result == saved.result else "Confirmed after review of the intended use."
    return risk_services.classification_confirm(
        actor=officer, classification=saved, result=result, reason=reason
    )


def classify_answered(*, officer, system, answers: dict, role: str = "deployer"):
    """``answers`` saved and submitted by ``officer`` and the result they give confirmed (by
    another officer when ``officer`` owns the system): the tier follows from it. Returns the
    classification."""
    from aims.roles import OFFICER
    from risk import services as risk_services

    saved = risk_services.classification_save(
        actor=officer, system=system, answers=answers, role=role, submit=True
    )
    confirmer = officer
    if system.owner_id == officer.pk:  # segregation of duties: another officer confirms
        confirmer = user_with_role(OFFICER, username=f"{officer.username}_colleague")
    return risk_services.classification_confirm(actor=confirmer, classification=saved)


RISK_DATA = {
    "title": "Ranking disadvantages older applicants",
    "category": "fairness",
    "risk_source": "machine_learning",
    "inherent_likelihood": 4,
    "inherent_impact": 4,
    "treatment": "mitigate",
    "residual_likelihood": 2,
    "residual_impact": 3,
}


def make_risk(owner, system, **overrides):
    """A risk on ``system`` saved through the real risk service by ``owner``."""
    from risk import services as risk_services
    from risk.models import Risk

    return risk_services.risk_save(
        actor=owner, risk=Risk(system=system), data={**RISK_DATA, **overrides}
    )


def write_unsealed_history(owner, count: int = 1) -> None:
    """Bulk-load systems with history rows that are not sealed in the audit trail, as a
    loader with triggers switched off would (on PostgreSQL the guard refuses them otherwise)."""
    from django.db import connection
    from simple_history.utils import bulk_create_with_history

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            cursor.execute("SET session_replication_role = replica")
        try:
            bulk_create_with_history(
                [AISystem(**INTAKE_DATA, owner=owner) for _ in range(count)],
                AISystem,
                default_user=owner,
                default_change_reason="Loaded from the old register",
            )
        finally:
            if connection.vendor == "postgresql":
                cursor.execute("SET session_replication_role = origin")


# Classification answers that give the medium tier to a system with personal data (a limited-
# risk system: a deployer publishing deep fakes).
MEDIUM_RISK_ANSWERS = LIMITED_RISK_ANSWERS


def release_classified(system, *, owner, officer, approver, answers=None, build=None) -> AISystem:
    """Take ``system`` (as submitted) through intake and then the release gate of the tier
    ``answers`` classify it in, meeting what that tier's release requirements ask through the
    real services: a system is classified before its release gate, as it would be; a first
    classification after release is a tier rise. ``answers=None`` leaves it unclassified.
    ``build(system)``, if given, runs before the intake gate (its components and datasets are
    recorded in place there, before the gate puts them under change control)."""
    from datetime import date

    from aims.roles import APPROVER, OFFICER
    from risk import services as risk_services
    from risk.models import ImpactAssessment, RiskAssessment

    if build is not None:
        build(AISystem.objects.get(pk=system.pk))
    services.system_transition(actor=officer, system=system, action="start_triage")
    services.approval_decide(actor=approver, system=system, decision="approve")
    services.system_transition(actor=owner, system=system, action="start_validation")
    if answers is not None:
        classify_answered(officer=officer, system=system, answers=answers)
    system = AISystem.objects.get(pk=system.pk)
    tier = system.risk_tier
    if tier in ("medium", "high"):
        risk_services.assessment_save(
            actor=owner,
            assessment=RiskAssessment(system=system),
            data={
                "title": "Pre-release risk assessment",
                "assessed_on": date.today(),
                "scope": "Intended use, data and model",
            },
        )
    test_types = ["accuracy"]
    # The high tier's validations are reviewed by someone other than the owner.
    reviewer = officer if officer.pk != system.owner_id else user_with_role(OFFICER)
    if tier == "high":
        impact = risk_services.impact_save(
            actor=owner,
            impact=ImpactAssessment(system=system),
            data={
                "title": "Impact assessment",
                "affected_individuals": "The people the system's outputs concern",
                "intended_use": "As recorded at intake",
                "human_oversight_measures": "A trained reviewer checks every output",
                "conclusion": "Acceptable",
            },
        )
        risk_services.impact_sign_off(actor=approver, impact=impact)
        services.system_update(actor=owner, system=system, data={"oversight_person": officer})
        test_types.append("bias")
    for test_type in test_types:
        record = services.validation_record_create(
            actor=owner,
            system=system,
            test_type=test_type,
            title=f"{test_type.capitalize()} validation",
            method="Holdout set of 500 cases",
            result="pass",
            performed_on=date.today(),
        )
        if tier == "high":
            services.validation_record_review(actor=reviewer, record=record, note="Reproduced")
    decider = approver
    for _ in range(3):  # the tier's approvals: each by another approver
        system = AISystem.objects.get(pk=system.pk)
        if system.lifecycle_stage == "deployed":
            return system
        blockers = services.gate_blockers(system, "release")
        assert not blockers, blockers
        services.approval_decide(actor=decider, system=system, decision="approve")
        decider = user_with_role(APPROVER)
    raise AssertionError(f"{system} was not released")


def make_token(user, *, scopes=None, name: str | None = None, expires_at=..., actor=None) -> str:
    """A new API token of ``user`` (full scopes, default expiry unless given); returns the
    secret for ``Authorization: Token <secret>``."""
    import uuid

    from aims.accounts import scopes as scope_rules
    from aims.accounts.services import default_expiry, token_create

    _token, secret = token_create(
        actor=actor or user,
        user=user,
        name=name or f"Test token {uuid.uuid4().hex[:8]}",
        scopes=scopes or scope_rules.full_scopes(),
        expires_at=default_expiry() if expires_at is ... else expires_at,
    )
    return secret
