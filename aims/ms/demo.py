"""Demo records of the management system: the scope, interested parties, internal and external
issues (one about climate), the AI policy (version 1 published, version 2 in draft) and a few
objectives with progress readings. Loaded by ``manage.py load_demo`` through aims/demo.py,
after the demo users exist; every write goes through the services, as its real actor.
Idempotent: what is already there is left alone."""

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from aims.models import AIMSScope, ContextIssue, InterestedParty, Objective, Policy
from aims.ms import services

User = get_user_model()

PARTIES = [
    ("Customers using AI-assisted services", "customers", False,
     "Accurate answers, a way to reach a person, and to be told when they deal with AI.",
     "Transparency notices on user-facing systems; human escalation in the support flow."),
    ("Job applicants", "affected", False,
     "Fair treatment by screening tools, and an explanation of decisions that affect them.",
     "Bias testing before release and each quarter; human review of every rejection."),
    ("Employees", "employees", True,
     "Training before they use AI tools, and clarity on what they may put into them.",
     "AI literacy course; the AI policy and its acknowledgement."),
    ("Supervisory authorities", "regulators", False,
     "Compliance with the EU AI Act and data protection law; serious incidents reported.",
     "Risk classification of each system; incident reporting clocks."),
    ("AI model and platform vendors", "suppliers", False,
     "Clear terms of use and timely information about our incidents involving their models.",
     "Supplier due diligence and vendor change notices."),
]  # fmt: skip

ISSUES = [
    ("EU AI Act obligations phase in", "external", "legal",
     "Obligations for high-risk systems and general-purpose models apply in stages.",
     "Systems must be classified and high-risk ones documented before the dates apply."),
    ("Shortage of ML engineering skills", "internal", "resources",
     "Few people can evaluate models in depth; most AI is bought, not built.",
     "Supplier assurance carries more weight; validation capacity is limited."),
    ("Fast release cycle of foundation models", "external", "technology",
     "Vendors change models behind stable APIs every few weeks.",
     "Monitoring and change control must catch silent model updates."),
    ("Energy use of training and inference", "external", "climate",
     "Large models draw significant power; customers and investors ask about it.",
     "Model choice weighs energy per request; usage is reported in the annual review."),
    ("Public trust in automated decisions", "external", "society",
     "Media attention on biased or opaque AI decisions is high.",
     "Transparency and human oversight are preconditions for launch."),
    ("Uneven data quality across business units", "internal", "organisation",
     "Units keep customer data in different systems of varying quality.",
     "Dataset records and validation before any model is trained or tuned."),
]  # fmt: skip

POLICY_TITLE = "AI policy"
POLICY_V1 = """1. Purpose. This policy sets how we choose, build, buy and run AI systems so that
they are useful, lawful and fair, and so that people stay in control of decisions that matter.

2. Scope. Every AI system in the scope of the AI management system, whoever builds or
supplies it.

3. Commitments.
- Every AI use case is registered and assessed for risk before development starts.
- High-risk uses need an impact assessment and an approval by the AI committee, never by
  the system's owner.
- People affected by AI outputs are told when AI is involved and can reach a person.
- Systems are monitored in use; incidents are reported, contained and learned from.
- Staff who use or oversee AI complete the AI literacy training.

4. Roles. The governance officer runs the management system; the AI committee approves;
system owners answer for their systems.

5. Review. This policy is reviewed every year, and after any serious incident."""
POLICY_V2_ADDITION = """
- Generative AI tools may only receive public or internal data, never personal data of
  customers, unless the tool is approved for it."""

OBJECTIVES = [
    ("AI literacy training for all staff", "Share of staff who completed the AI literacy course",
     "20", "95", "%", True, "officer", 180, "on_track", [(-60, "45"), (-10, "62")]),
    ("Impact assessments before every high-risk release",
     "Share of high-risk releases with an approved impact assessment",
     "50", "100", "%", True, "approver", 90, "on_track", [(-20, "80")]),
    ("Fewer complaints about AI answers", "Complaints about AI answers per month",
     "40", "10", "per month", False, "owner", -10, "at_risk", [(-45, "30"), (-15, "24")]),
    ("Faster containment of AI incidents", "Median hours from report to containment",
     "72", "24", "hours", False, "owner2", 270, "on_track", []),
]  # fmt: skip


def _users() -> dict[str, object]:
    names = ("officer", "approver", "approver2", "owner", "owner2", "auditor")
    return {u.username: u for u in User.objects.filter(username__in=names)}


def load(*, stdout) -> None:
    users = _users()
    if "officer" not in users or "approver" not in users:
        stdout.write("Management system: demo users missing, nothing loaded.")
        return
    officer, approver = users["officer"], users["approver"]
    created = []
    if not AIMSScope.objects.exists():
        services.scope_save(
            actor=officer,
            data={
                "statement": "The AI management system covers every AI system the company "
                "develops, buys or embeds in its products and internal processes, from intake "
                "to retirement.",
                "boundaries": "All business units and sites in the EU; customer support, HR, "
                "marketing, credit and IT operations.",
                "exclusions": "Research prototypes that never process production data, kept "
                "in the innovation sandbox.",
                "ai_roles": "Deployer for bought systems; provider for two in-house models",
                "next_review_date": timezone.localdate() + timedelta(days=300),
            },
        )
        services.scope_approve(actor=approver)
        created.append("scope")
    for name, category, internal, requirements, addressed in PARTIES:
        if not InterestedParty.objects.filter(name=name).exists():
            services.party_save(
                actor=officer,
                data={
                    "name": name,
                    "category": category,
                    "is_internal": internal,
                    "requirements": requirements,
                    "addressed_by": addressed,
                },
            )
            created.append(name)
    for title, kind, category, description, effect in ISSUES:
        if not ContextIssue.objects.filter(title=title).exists():
            services.issue_save(
                actor=officer,
                data={
                    "title": title,
                    "kind": kind,
                    "category": category,
                    "description": description,
                    "effect": effect,
                },
            )
            created.append(title)
    if not Policy.objects.filter(title=POLICY_TITLE).exists():
        _load_policy(users)
        created.append(POLICY_TITLE)
    for spec in OBJECTIVES:
        if not Objective.objects.filter(title=spec[0]).exists():
            _load_objective(users, *spec)
            created.append(spec[0])
    stdout.write(f"Management system: {len(created)} demo record(s) created.")


def _load_policy(users) -> None:
    officer, approver = users["officer"], users["approver"]
    policy = services.policy_create(
        actor=officer,
        title=POLICY_TITLE,
        purpose="The commitments of top management for the responsible use of AI.",
        body=POLICY_V1,
        change_summary="First version",
    )
    v1 = policy.versions.get()
    services.version_approve(actor=approver, version=v1)
    services.version_publish(actor=approver, version=v1)
    for username in ("owner", "approver2"):
        if username in users:
            services.policy_acknowledge(actor=users[username], policy=policy)
    services.version_create(
        actor=officer,
        policy=policy,
        body=POLICY_V1.replace(
            "complete the AI literacy training.",
            "complete the AI literacy training." + POLICY_V2_ADDITION,
        ),
        change_summary="Adds a rule on the data staff may give to generative AI tools.",
    )


def _load_objective(
    users, title, measure, baseline, target, unit, higher, owner, due_in, status, readings
) -> None:
    officer = users["officer"]
    owner_user = users.get(owner, officer)
    today = timezone.localdate()
    objective = services.objective_create(
        actor=officer,
        data={
            "title": title,
            "measure": measure,
            "baseline": Decimal(baseline),
            "target_value": Decimal(target),
            "unit": unit,
            "higher_is_better": higher,
            "owner": owner_user,
            "due_date": today + timedelta(days=due_in),
        },
    )
    for days, value in readings:
        services.objective_record_progress(
            actor=owner_user,
            objective=objective,
            value=Decimal(value),
            recorded_on=today + timedelta(days=days),
            note="Monthly reading",
        )
    if status != "on_track":
        services.objective_update(actor=officer, objective=objective, data={"status": status})
