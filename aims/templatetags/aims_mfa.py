"""Whether the signed-in person's role requires a second factor (aims.mfa.policy), for the
two-factor page."""

from django import template

from aims.mfa.policy import mfa_required

register = template.Library()


@register.simple_tag
def mfa_required_for(user) -> bool:
    return mfa_required(user)
