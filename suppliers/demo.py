"""Demo suppliers, a questionnaire answered for two of them, and their approval; loaded by
``manage.py load_demo`` through the services, idempotently (existing names are skipped).

Linking the demo systems' components to these suppliers, and a vendor change that flags
them, belong to the inventory (see inventory.vendor_changes.load_demo)."""

from datetime import date

from django.contrib.auth import get_user_model

from . import services
from .models import Supplier

User = get_user_model()

SUPPLIERS = [
    {
        "name": "OpenAI",
        "supplier_type": "model_provider",
        "services_used": "GPT-4o and GPT-4o mini through the API platform (EU data residency).",
        "criticality": "critical",
        "contract_start": date(2025, 3, 1),
        "contract_end": date(2027, 2, 28),
        "trains_on_our_data": "no",
        "data_retention": "Abuse monitoring logs kept 30 days; zero retention requested",
        "data_location": "EU (Ireland) for stored data",
        "output_logging": "We log prompts and outputs in our own gateway; the vendor keeps "
        "abuse-monitoring logs only.",
        "soc2_expires": date(2026, 12, 31),
        "iso27001_expires": date(2027, 6, 30),
        "change_notice_commitment": "Deprecations announced at least 3 months ahead; pinned "
        "model snapshots stay available until their announced retirement date.",
        "sub_processors": "Microsoft Azure (hosting)",
        "exit_plan": "Prompts and evaluation sets are model-agnostic; Anthropic is the "
        "tested fallback for the customer-service assistant.",
        "reassessment_cadence_months": 12,
        "_review": "yes",
    },
    {
        "name": "Anthropic",
        "supplier_type": "model_provider",
        "services_used": "Claude Sonnet through the API, for the code assistant.",
        "criticality": "high",
        "trains_on_our_data": "no",
        "data_retention": "30 days",
        "data_location": "United States",
        "soc2_expires": date(2026, 10, 31),
        "iso42001_expires": date(2027, 1, 31),
        "change_notice_commitment": "Model versions are dated; retirement announced ahead.",
        "reassessment_cadence_months": 12,
        "_review": "partly",
    },
    {
        "name": "HireFlow Ltd",
        "supplier_type": "saas_embedded",
        "services_used": "Applicant tracking with an embedded CV ranking model.",
        "criticality": "high",
        "trains_on_our_data": "opt_out",
        "data_retention": "Candidate data kept 24 months after the last application",
        "data_location": "EU",
        "change_notice_commitment": "None in the contract: the ranking model changes with "
        "product releases.",
        "reassessment_cadence_months": 6,
    },
    {
        "name": "PeopleCore HR",
        "supplier_type": "saas_embedded",
        "services_used": "HR suite with a retention-risk score.",
        "criticality": "medium",
        "trains_on_our_data": "unknown",
        "reassessment_cadence_months": 12,
    },
    {
        "name": "Microsoft",
        "supplier_type": "cloud_platform",
        "services_used": "Teams Premium intelligent recap; Azure hosting.",
        "criticality": "medium",
        "trains_on_our_data": "no",
        "data_location": "EU Data Boundary",
        "iso27001_expires": date(2027, 3, 31),
        "iso42001_expires": date(2027, 3, 31),
        "reassessment_cadence_months": 12,
    },
]


def load(*, stdout) -> None:
    users = {u.username: u for u in User.objects.filter(username__in=["officer", "approver"])}
    officer, approver = users.get("officer"), users.get("approver")
    if officer is None or approver is None:
        stdout.write("Suppliers demo skipped: the demo officer and approver are missing.")
        return
    existing = set(Supplier.objects.values_list("name", flat=True))
    created = 0
    for spec in SUPPLIERS:
        if spec["name"] in existing:
            continue
        data = {k: v for k, v in spec.items() if not k.startswith("_")}
        supplier = services.supplier_create(actor=officer, data=data)
        created += 1
        if "_review" not in spec:
            continue
        review = services.review_start(actor=officer, supplier=supplier)
        answers = list(review.answers.all())
        services.review_answer(
            actor=officer,
            review=review,
            answers={
                a.pk: {"value": spec["_review"] if i % 3 == 0 else "yes"}
                for i, a in enumerate(answers)
            },
        )
        conditional = spec["_review"] != "yes"
        services.review_complete(
            actor=officer,
            review=review,
            decision="approve_with_conditions" if conditional else "approve",
            conditions="No personal data until the DPA addendum is signed." if conditional else "",
        )
        services.supplier_transition(
            actor=approver,
            supplier=supplier,
            action="approve_with_conditions" if conditional else "approve",
            conditions="No personal data until the DPA addendum is signed." if conditional else "",
        )
    stdout.write(f"Suppliers: {created} created, {len(existing)} already present.")
