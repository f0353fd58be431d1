"""Registrations of training, responsibilities and the evidence library: menu entries,
dashboard panels, evidence targets and corrective-action sources.
(called from aims.apps.ready())."""

MENU_GROUP = "Management system"


def training_panel(request) -> dict | None:
    """Expiring training for those who follow everyone's; for everyone, their own gaps."""
    from aims.competence import selectors

    user = request.user
    if not user.is_authenticated:
        return None
    mine = selectors.person_training(person=user)
    my_missing = sorted({c.title for role in mine.roles for c in role.missing})
    sees_everyone = selectors.sees_everyones_training(user)
    if not sees_everyone and not mine.roles:
        return None
    context = {"my_missing": my_missing, "sees_everyone": sees_everyone}
    if sees_everyone:
        days = selectors.DEFAULT_EXPIRING_DAYS
        expiring = selectors.expiring_records(user=user, within_days=days)
        context.update(days=days, expiring=list(expiring[:5]), expiring_count=expiring.count())
    return context


def register() -> None:
    from aims.dashboard import Panel, register_panel
    from aims.evidence.registry import register_attachable
    from aims.models import TrainingRecord
    from aims.navigation import NavItem, register_nav

    register_nav(
        NavItem(
            60,
            "Training and competence",
            "competence:my_training",
            app_name="competence",
            group=MENU_GROUP,
        )
    )
    register_nav(
        NavItem(
            61,
            "Roles and responsibilities",
            "competence:responsibility_list",
            "aims.view_responsibility",
            exclusive=True,
            group=MENU_GROUP,
        )
    )
    register_nav(
        NavItem(
            62, "Evidence library", "evidence:evidence_list", app_name="evidence", group=MENU_GROUP
        )
    )
    register_panel(
        Panel(order=50, template="competence/_dashboard_panel.html", context=training_panel)
    )
    register_attachable(TrainingRecord)
