"""The roles of DESIGN.md as Django groups, and how each app grants them model permissions.

Each app declares its own grants in ``<app>/roles.py`` (one place per app); a data migration
applies a frozen copy, and ``manage.py sync_roles`` re-applies the current declaration.
"""

from collections.abc import Iterable, Mapping

OFFICER = "Governance officer"
APPROVER = "Approver"
OWNER = "System owner"
AUDITOR = "Auditor"
# The certification body's auditor: a time-boxed, read-only account limited to one external
# audit's scope (audits.certification.access). Reads the management-system documents through
# this role; sees operational records only through object permissions on the sampled systems.
CERT_AUDITOR = "Certification auditor"
ROLES = (OFFICER, APPROVER, OWNER, AUDITOR, CERT_AUDITOR)
# Roles that read and never write (no comment, no request other than a pack).
READ_ONLY_ROLES = frozenset({AUDITOR, CERT_AUDITOR})

# Corrective actions: owners work on those of records they may change (checked on the source).
CAPA_VIEW = ["aims.view_correctiveaction"]

# Management-system records (clauses 4-7): everyone in a role reads them; officers keep them.
MS_MODELS = [
    "organisationprofile",
    "aimsscope",
    "interestedparty",
    "partyfeedback",
    "contextissue",
    "policy",
    "policyversion",
    "policyacknowledgement",
    "course",
    "trainingrecord",
    "responsibility",
    "responsibilityassignment",
    "objective",
    "objectiveupdate",
    "reminderrule",
]
MS_VIEW = [f"aims.view_{m}" for m in MS_MODELS]
MS_WRITE = [
    *(
        f"aims.{action}_{m}"
        for m in MS_MODELS
        if m not in ("policyacknowledgement", "reminderrule")
        for action in ("add", "change")
    ),
    "aims.delete_interestedparty",
    "aims.delete_partyfeedback",
    "aims.delete_contextissue",
    "aims.change_reminderrule",
    "aims.approve_policy",
    "aims.grant_training_exception",
]
# Reminder schedules (django-celery-beat) are edited by officers, read by auditors.
SCHEDULES_VIEW = ["django_celery_beat.view_periodictask", "django_celery_beat.view_crontabschedule"]
SCHEDULES_WRITE = [
    "django_celery_beat.change_periodictask",
    "django_celery_beat.add_crontabschedule",
    "django_celery_beat.change_crontabschedule",
]

WEBHOOKS_MANAGE = [
    f"aims.{action}_webhooksubscription" for action in ("view", "add", "change", "delete")
]

# Model permissions of this app, by role: "<app_label>.<codename>". A few belong to a
# third-party app (django_celery_beat); grant_role_permissions applies each label's share.
PERMISSIONS: dict[str, list[str]] = {
    OFFICER: [
        *MS_VIEW,
        *MS_WRITE,
        *SCHEDULES_VIEW,
        *SCHEDULES_WRITE,
        "aims.view_evidence",
        "aims.add_evidence",
        "aims.change_evidence",
        "aims.delete_evidence",
        *CAPA_VIEW,
        "aims.add_correctiveaction",
        "aims.change_correctiveaction",
        "aims.verify_correctiveaction",
        # The sign-in audit (aims.signins): who signed in, failed or was locked out, and
        # unlocking an account. Personal data (addresses): officers only, not auditors.
        "aims.view_signinevent",
        "aims.unlock_account",
        # Who has a second factor, and the reset of a person's factors (aims.mfa).
        "aims.view_mfareset",
        "aims.add_mfareset",
        # Outbound webhooks (aims.webhooks): their subscriptions, secrets and delivery log.
        *WEBHOOKS_MANAGE,
        # Imports from spreadsheets (aims.imports): everyone's, of every kind.
        "aims.view_importjob",
        "aims.add_importjob",
    ],
    APPROVER: [
        "aims.view_evidence",
        "aims.add_evidence",
        *CAPA_VIEW,
        # Approvers verify corrective actions too (not their own, nor those of incidents they
        # own), so an action owned by the only officer is never stuck unverified.
        "aims.verify_correctiveaction",
        *MS_VIEW,
        "aims.approve_policy",
    ],
    OWNER: [
        "aims.add_evidence",
        # Imports of their own systems (aims.imports); they see the imports they uploaded.
        "aims.add_importjob",
        "aims.add_correctiveaction",
        "aims.change_correctiveaction",
        "aims.view_organisationprofile",
        "aims.view_aimsscope",
        "aims.view_policy",
        "aims.view_policyversion",
        "aims.view_course",
        "aims.view_responsibility",
        "aims.view_objective",
    ],
    AUDITOR: [
        "aims.view_evidence",
        *CAPA_VIEW,
        *MS_VIEW,
        *SCHEDULES_VIEW,
        "aims.view_importjob",
    ],
    # The documented information a certification audit always covers (scope, context, policy,
    # objectives, roles and competence); not the evidence library at large, nor people's
    # acknowledgements, feedback or reminder settings.
    CERT_AUDITOR: [
        f"aims.view_{m}"
        for m in (
            "aimsscope",
            "interestedparty",
            "contextissue",
            "policy",
            "policyversion",
            "course",
            "trainingrecord",
            "responsibility",
            "responsibilityassignment",
            "objective",
            "objectiveupdate",
        )
    ],
}


def grant_role_permissions(apps, app_label: str, grants: Mapping[str, Iterable[str]]) -> None:
    """Create the groups if needed and give each the listed permissions of ``app_label``.

    Works with historical models inside a migration (pass the migration's ``apps``) and with
    the real registry. Permissions are created first: post_migrate has not run yet.
    """
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    create_permissions(global_apps.get_app_config(app_label), apps=apps, verbosity=0)
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for role in ROLES:
        group, _ = group_model.objects.get_or_create(name=role)
        wanted = [p.split(".", 1)[1] for p in grants.get(role, []) if p.startswith(app_label + ".")]
        current = group.permissions.filter(content_type__app_label=app_label)
        group.permissions.remove(*current.exclude(codename__in=wanted))
        perms = permission_model.objects.filter(
            content_type__app_label=app_label, codename__in=wanted
        )
        missing = set(wanted) - set(perms.values_list("codename", flat=True))
        if missing:
            raise LookupError(f"Unknown permissions for {app_label}: {sorted(missing)}")
        group.permissions.add(*perms)


def role_names(user) -> list[str]:
    # One query for the user's groups, not one per role (pages call this several times).
    held = {group.name for group in user.groups.all()}
    return [name for name in ROLES if name in held]
