"""Demo classifications, risk assessments, risks and an impact assessment for the demo
inventory; loaded by ``manage.py load_demo`` through the services, idempotently (a system
that already has a classification is left alone)."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from aims.errors import BusinessRuleError
from inventory.models import AISystem

from . import classification as questionnaire
from . import services
from .models import Classification, EUClass, ImpactAssessment, Risk, RiskAssessment

User = get_user_model()

# system name -> (role, the answers that apply): every other question asked is answered "no"
# (questionnaire.completed), as the owner would after reading it
CLASSIFICATIONS = {
    # Annex III 4(a) with profiling: high-risk
    "CV screening assistant": (
        "deployer",
        {
            "annex_iii_areas": ["4a"],
            "profiling": True,
        },
    ),
    # built in-house on a model API and run under our name: provider; Art. 50(1)-(2): limited
    "Customer support chatbot": (
        "provider",
        {
            "interacts_with_people": True,
            "synthetic_content": True,
        },
    ),
    # minimal
    "Invoice anomaly detection": (
        "deployer",
        {},
    ),
    # Art. 50(1)-(2) are the provider's duties: minimal for us as deployer
    "Developer code assistant": (
        "deployer",
        {
            "interacts_with_people": True,
            "synthetic_content": True,
        },
    ),
    # marketing copy is not text of public interest (Art. 50(4)); 50(1)-(2) are the
    # provider's duties: minimal
    "Marketing copy generator": (
        "deployer",
        {
            "interacts_with_people": True,
            "synthetic_content": True,
        },
    ),
    # minimal
    "Customer churn prediction": (
        "provider",
        {},
    ),
    # Annex III 5(b), Art. 6(3)(d): not high-risk; Art. 6(4) documentation
    "Credit-limit scoring for trade customers": (
        "provider",
        {
            "annex_iii_areas": ["5b"],
            "art6_3_exception": "preparatory",
        },
    ),
    # Annex III 4(b) with profiling: high-risk
    "Employee attrition prediction": (
        "provider",
        {
            "annex_iii_areas": ["4b"],
            "profiling": True,
        },
    ),
    # fraud detection is outside Annex III 5(b): minimal
    "Payment fraud detection": (
        "provider",
        {},
    ),
    # Annex III 4(a), Art. 6(3)(b): not high-risk
    "Inclusive job advert checker": (
        "deployer",
        {
            "annex_iii_areas": ["4a"],
            "art6_3_exception": "improves_human",
        },
    ),
}

CV_RISKS = [
    {
        "title": "Ranking disadvantages applicants with career gaps",
        "description": "Career gaps correlate with parental leave and disability.",
        "category": "fairness",
        "risk_source": "machine_learning",
        "inherent_likelihood": 4,
        "inherent_impact": 5,
        "treatment": "mitigate",
        "residual_likelihood": 3,
        "residual_impact": 4,
    },
    {
        "title": "Recruiters rubber-stamp the ranking",
        "description": "Automation bias: the shortlist is accepted without reading CVs.",
        "category": "human_oversight",
        "risk_source": "automation",
        "inherent_likelihood": 4,
        "inherent_impact": 4,
        "treatment": "mitigate",
        "residual_likelihood": 2,
        "residual_impact": 4,
    },
    {
        "title": "Vendor changes the ranking model without notice",
        "category": "third_party",
        "risk_source": "life_cycle",
        "inherent_likelihood": 3,
        "inherent_impact": 3,
        "treatment": "transfer",
        "residual_likelihood": 2,
        "residual_impact": 3,
    },
]
CHATBOT_RISKS = [
    {
        "title": "Assistant invents refund rules",
        "category": "accuracy",
        "risk_source": "machine_learning",
        "inherent_likelihood": 4,
        "inherent_impact": 3,
        "treatment": "mitigate",
        "residual_likelihood": 2,
        "residual_impact": 3,
    },
    {
        "title": "Prompt injection exposes other customers' data",
        "category": "security",
        "risk_source": "transparency",
        "inherent_likelihood": 2,
        "inherent_impact": 5,
        "treatment": "mitigate",
        "residual_likelihood": 1,
        "residual_impact": 5,
    },
]

# Assessed before the fraud model's release (its medium tier asks for a current assessment).
FRAUD_RISKS = [
    {
        "title": "Legitimate payments held for customers from some countries",
        "category": "fairness",
        "risk_source": "machine_learning",
        "inherent_likelihood": 3,
        "inherent_impact": 3,
        "treatment": "mitigate",
        "residual_likelihood": 2,
        "residual_impact": 2,
    },
]


def _user(username: str):
    return User.objects.filter(username=username).first()


def load(*, stdout) -> None:
    officer, approver = _user("officer"), _user("approver")
    if officer is None or approver is None:
        stdout.write("risk demo: skipped (demo users missing)")
        return
    classified = 0
    for name, (role, answers) in CLASSIFICATIONS.items():
        system = AISystem.objects.filter(name=name).first()
        if system is None or Classification.objects.filter(system=system).exists():
            continue
        try:
            _classify(system, officer, role, answers)
        except BusinessRuleError:
            continue  # a closed (retired or rejected) demo system keeps its records as they are
        classified += 1
        _records(system, approver)
    stdout.write(f"risk demo: {classified} system(s) classified and confirmed")


def _classify(system: AISystem, officer, role: str, answers: dict) -> None:
    """As in use: the system's owner answers and submits the questionnaire, a governance
    officer confirms the result (the owner answers when they are an officer themselves)."""
    answerer = system.owner if system.owner_id != officer.pk else officer
    record = services.classification_save(
        actor=answerer,
        system=system,
        answers=questionnaire.completed(answers, role),
        role=role,
        submit=True,
    )
    result = record.result if record.result != EUClass.PENDING else record.provisional_result
    services.classification_confirm(
        actor=officer,
        classification=record,
        result=result,
        reason="" if result == record.result else "Checked with the system's owner.",
    )


def _records(system: AISystem, approver) -> None:
    risks = {
        "CV screening assistant": CV_RISKS,
        "Customer support chatbot": CHATBOT_RISKS,
        "Payment fraud detection": FRAUD_RISKS,
    }.get(system.name)
    if not risks:
        return
    owner = system.owner
    today = timezone.localdate()
    assessment = services.assessment_save(
        actor=owner,
        assessment=RiskAssessment(system=system),
        data={
            "title": f"{system.name}: pre-release risk assessment",
            "assessed_on": today - timedelta(days=30),
            "scope": "Intended use, data, model, human oversight and the vendor dependency.",
            "method": "Workshop with the 5x5 methodology; ISO/IEC 42001 Annex C risk sources.",
            "participants": "System owner, governance officer, data protection officer",
            "conclusion": "Acceptable once the listed treatments are in place.",
        },
    )
    for spec in risks:
        risk = services.risk_save(
            actor=owner,
            risk=Risk(system=system),
            data={**spec, "assessment": assessment, "review_date": today + timedelta(days=180)},
        )
        if risk.acceptance == Risk.Acceptance.PENDING and approver.pk != owner.pk:
            services.risk_accept(
                actor=approver,
                risk=risk,
                justification="Quarterly bias audits and recruiter training reduce it further.",
            )
    if system.name == "CV screening assistant":
        impact = services.impact_save(
            actor=owner,
            impact=ImpactAssessment(system=system),
            data={
                "title": "CV screening: AI system impact assessment",
                "affected_individuals": "Job applicants, including people with disabilities "
                "and career gaps.",
                "affected_groups": "Older applicants, parents returning to work.",
                "societal_impacts": "Access to employment.",
                "intended_use": "Rank applications for recruiters, who decide the shortlist.",
                "foreseeable_misuse": "Automatic rejection of low-ranked applicants.",
                "harms": [
                    {
                        "description": "Qualified applicants are never read",
                        "severity": 4,
                        "likelihood": 3,
                        "reversibility": "partly_reversible",
                    }
                ],
                "benefits": "Faster responses to applicants; consistent criteria.",
                "mitigations": "Bias tests each release; ranking hidden below the top 50.",
                "human_oversight_measures": "A recruiter reads every shortlisted CV and a "
                "sample of the rest; the ranking can be overridden.",
                "conclusion": "Acceptable with the oversight measures above.",
            },
        )
        services.impact_sign_off(actor=approver, impact=impact, comment="Reviewed by the board")
