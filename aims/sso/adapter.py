"""django-allauth's socialaccount adapter: just-in-time accounts from single sign-on.

The first SSO sign-in of a person creates their account (no form: username from
``preferred_username``, else the email's local part, else the provider's id, made unique;
names and email from the claims), unless :func:`aims.sso.services.sso_signup_refusal` says
why not. Every SSO sign-in then syncs the roles the claims map to. Local accounts are never
self-signed-up (aims.signin.AccountAdapter).
"""

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.shortcuts import render

from . import services


def refused(request, reason: str):
    return ImmediateHttpResponse(
        render(request, "sso/refused.html", {"reason": reason}, status=403)
    )


def _claims(sociallogin) -> services.Claims:
    return services.claims_of(sociallogin.account.extra_data or {})


def _email(sociallogin) -> str | None:
    if sociallogin.user is not None and sociallogin.user.email:
        return sociallogin.user.email
    if sociallogin.email_addresses:
        return sociallogin.email_addresses[0].email
    return None


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def pre_social_login(self, request, sociallogin) -> None:
        # An account already linked to this identity signs in: its managed roles follow the
        # claims. (Linking an identity to one's own account, process "connect", changes none.)
        if sociallogin.is_existing and sociallogin.state.get("process", "login") == "login":
            provider = sociallogin.account.provider
            services.sso_roles_sync(
                user=sociallogin.user, provider=provider, claims=_claims(sociallogin)
            )
            reason = services.sso_signin_refusal(user=sociallogin.user, provider=provider)
            if reason:
                raise refused(request, reason)

    def is_open_for_signup(self, request, sociallogin) -> bool:
        reason = services.sso_signup_refusal(
            provider=sociallogin.account.provider,
            claims=_claims(sociallogin),
            email=_email(sociallogin),
        )
        if reason:
            raise refused(request, reason)
        return True

    def is_auto_signup_allowed(self, request, sociallogin) -> bool:
        return True

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        email = data.get("email") or ""
        base = data.get("username") or email.partition("@")[0] or sociallogin.account.uid
        user.username = services.unique_username(base)
        return user

    def save_user(self, request, sociallogin, form=None):
        user = super().save_user(request, sociallogin, form)
        services.sso_roles_sync(
            user=user, provider=sociallogin.account.provider, claims=_claims(sociallogin)
        )
        return user
