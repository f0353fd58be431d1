"""System checks of the audits app."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def signing_key_configured(app_configs=None, **kwargs) -> list[Error]:
    """Production signs audit-trail checkpoints and pack manifests with a provisioned key."""
    if not getattr(settings, "PRODUCTION", False):
        return []
    from .trail.signing import configuration_problem

    problem = configuration_problem()
    if not problem:
        return []
    return [
        Error(
            f"The audit-trail signing key is not usable: {problem}",
            hint="Set AUDIT_TRAIL_SIGNING_KEY (openssl genpkey -algorithm ed25519) or "
            "AUDIT_TRAIL_SIGNING_KEY_FILE.",
            id="audits.E001",
        )
    ]
