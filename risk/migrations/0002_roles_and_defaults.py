"""Grant the risk app's permissions to the roles; create the default methodology (5x5) and
the default tier requirements matrix (a frozen copy: later edits happen in the app)."""

from django.db import migrations

VIEW_ALL = [
    "risk.view_methodology",
    "risk.view_classification",
    "risk.view_tierdecision",
    "risk.view_tierrequirement",
    "risk.view_riskassessment",
    "risk.view_risk",
    "risk.view_treatmentaction",
    "risk.view_impactassessment",
]
WRITE = [
    "risk.add_riskassessment",
    "risk.change_riskassessment",
    "risk.add_risk",
    "risk.change_risk",
    "risk.add_treatmentaction",
    "risk.change_treatmentaction",
    "risk.add_impactassessment",
    "risk.change_impactassessment",
]
GRANTS = {
    "Governance officer": [
        *VIEW_ALL,
        *WRITE,
        "risk.add_classification",
        "risk.change_classification",
        "risk.change_methodology",
        "risk.change_tierrequirement",
        "risk.signoff_impactassessment",
    ],
    "Approver": [*VIEW_ALL, "risk.accept_risk", "risk.signoff_impactassessment"],
    "System owner": list(WRITE),
    "Auditor": list(VIEW_ALL),
}

# (tier, gate): flags, approvals, review months. "unclassified" asks nothing of its own so
# systems registered before this capability keep moving; officers can tighten it.
F = (
    "classification",
    "risk_assessment",
    "residual_within_appetite",
    "impact_assessment",
    "human_oversight_plan",
    "bias_validation",
    "accuracy_validation",
)
MATRIX = {
    ("unclassified", "intake"): ((), 1, 12),
    ("unclassified", "release"): ((), 1, 12),
    ("low", "intake"): (("classification",), 1, 12),
    ("low", "release"): (("classification",), 1, 12),
    ("medium", "intake"): (("classification",), 1, 12),
    ("medium", "release"): (
        ("classification", "risk_assessment", "residual_within_appetite", "accuracy_validation"),
        1,
        12,
    ),
    ("high", "intake"): (("classification", "risk_assessment"), 1, 6),
    ("high", "release"): (F, 2, 6),
}


def forwards(apps, schema_editor):
    from aims.roles import grant_role_permissions

    grant_role_permissions(apps, "risk", GRANTS)
    methodology = apps.get_model("risk", "Methodology")
    if not methodology.objects.exists():
        methodology.objects.create()
    requirement = apps.get_model("risk", "TierRequirement")
    for (tier, gate), (flags, approvals, months) in MATRIX.items():
        requirement.objects.get_or_create(
            tier=tier,
            gate=gate,
            defaults={
                **{flag: flag in flags for flag in F},
                "min_approvals": approvals,
                "review_months": months,
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("risk", "0001_initial"),
        ("aims", "0002_roles"),
        ("inventory", "0004_internal_risk_tiers"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
