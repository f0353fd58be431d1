from django import template
from django.utils.html import format_html

register = template.Library()

STAGE_STYLE = {
    "intake_submitted": "bg-info text-dark",
    "in_triage": "bg-info text-dark",
    "changes_requested": "bg-warning text-dark",
    "rejected": "bg-danger",
    "approved_for_development": "bg-primary",
    "in_validation": "bg-primary",
    "deployed": "bg-success",
    "retired": "bg-secondary",
}
TIER_STYLE = {
    "unclassified": "bg-light text-dark border",
    "low": "bg-success",
    "medium": "bg-info text-dark",
    "high": "bg-warning text-dark",
    "prohibited": "bg-danger",
}


@register.simple_tag
def stage_badge(system):
    style = STAGE_STYLE.get(system.lifecycle_stage, "bg-secondary")
    return format_html(
        '<span class="badge badge-stage {}" data-testid="stage">'
        '<span class="visually-hidden">Stage: </span>{}</span>',
        style,
        system.get_lifecycle_stage_display(),
    )


@register.simple_tag
def tier_badge(system):
    style = TIER_STYLE.get(system.risk_tier, "bg-secondary")
    return format_html(
        '<span class="badge {}" data-testid="tier"><span class="visually-hidden">Risk tier: </span>'
        "{}</span>",
        style,
        system.get_risk_tier_display(),
    )
