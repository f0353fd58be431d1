"""Role-matrix rows for accounts: one's API tokens and sessions (pages and API), service
accounts (officers), password reset by email."""

from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from aims.accounts import services
from aims.accounts.models import ApiToken, ServiceAccount, UserSession
from aims.accounts.scopes import AREAS
from aims.roles import OWNER

from ..factories import make_token
from .framework import API_LOGGED_IN, LOGGED_IN, PUBLIC, Case, expect
from .world import World

# fmt: off
#                                anonymous nobody owner other_owner officer approver auditor
OWN_TOKEN               = expect("login    404    ok    404         ok      404      404")
OFFICER_ONLY            = expect("login    403    403   403         ok      403      403")
OWN_SESSION             = expect("login    404    ok    404         404     404      404")
API_OWN_TOKEN           = expect("401      404    ok    404         ok      404      404")
API_OFFICER_ONLY        = expect("401      403    403   403         ok      403      403")
# fmt: on

MATRIX_TOKEN = "Matrix token"


def owner_token(w: World) -> ApiToken:
    def make():
        make_token(w.owner, name="Owner's matrix token")
        return ApiToken.objects.get(user=w.owner, name="Owner's matrix token")

    return w.once("owner_token", make)


def owner_token_pk(w: World) -> dict:
    return {"pk": owner_token(w).pk}


def owner_token_revoked(w: World) -> bool:
    return ApiToken.objects.get(pk=owner_token(w).pk).revoked_at is not None


def matrix_tokens(w: World) -> int:
    return ApiToken.objects.filter(user=w.person, name=MATRIX_TOKEN).count()


def token_form(w: World) -> dict:
    return {"name": MATRIX_TOKEN, "expires_in": "30", **{f"scope_{a}": "read" for a in AREAS}}


def owner_session(w: World) -> UserSession:
    return w.once(
        "owner_session",
        lambda: UserSession.objects.create(session_key="matrix-owner-session", user=w.owner),
    )


def owner_session_pk(w: World) -> dict:
    return {"pk": owner_session(w).pk}


def owner_session_exists(w: World) -> bool:
    return UserSession.objects.filter(pk=owner_session(w).pk).exists()


def another_session_of_the_person(w: World) -> None:
    UserSession.objects.create(session_key="matrix-other-session", user=w.person)


def other_session_remains(w: World) -> bool:
    return UserSession.objects.filter(session_key="matrix-other-session").exists()


def service_account(w: World) -> ServiceAccount:
    return w.once(
        "service_account",
        lambda: services.service_account_create(
            actor=w.officer, name="Matrix bridge", description="", owner=w.owner, roles=[OWNER]
        ),
    )


def service_account_pk(w: World) -> dict:
    return {"pk": service_account(w).pk}


def service_account_count(w: World) -> int:
    return ServiceAccount.objects.count()


def service_account_description(w: World) -> str:
    return ServiceAccount.objects.get(pk=service_account(w).pk).description


def service_account_form(w: World) -> dict:
    return {"name": "Matrix bridge", "description": "Edited", "owner": w.owner.pk,
            "roles": [OWNER], "is_active": "on"}  # fmt: skip


def new_service_account_form(w: World) -> dict:
    return {**service_account_form(w), "name": "Matrix new bridge"}


def service_account_tokens(w: World) -> int:
    return ApiToken.objects.filter(user=service_account(w).user).count()


def reset_link(w: World) -> dict:
    return {
        "uidb64": urlsafe_base64_encode(force_bytes(w.person.pk)),
        "token": default_token_generator.make_token(w.person),
    }


def mails_sent(w: World) -> int:
    return len(mail.outbox)


CASES = [
    Case("accounts:token_list", "GET", LOGGED_IN),
    Case("accounts:token_create", "GET", LOGGED_IN),
    Case("accounts:token_create", "POST", LOGGED_IN, data=token_form, effect=matrix_tokens),
    Case("accounts:token_revoke", "GET", OWN_TOKEN, kwargs=owner_token_pk),
    Case("accounts:token_revoke", "POST", OWN_TOKEN, kwargs=owner_token_pk, data=lambda w: {},
         effect=owner_token_revoked),
    Case("accounts:session_list", "GET", LOGGED_IN),
    Case("accounts:session_end", "POST", OWN_SESSION, kwargs=owner_session_pk,
         data=lambda w: {}, effect=owner_session_exists),
    Case("accounts:session_end_others", "POST", LOGGED_IN, data=lambda w: {},
         setup=another_session_of_the_person, effect=other_session_remains),
    Case("accounts:service_account_list", "GET", OFFICER_ONLY),
    Case("accounts:service_account_create", "GET", OFFICER_ONLY),
    Case("accounts:service_account_create", "POST", OFFICER_ONLY, data=new_service_account_form,
         effect=service_account_count),
    Case("accounts:service_account_detail", "GET", OFFICER_ONLY, kwargs=service_account_pk),
    Case("accounts:service_account_edit", "GET", OFFICER_ONLY, kwargs=service_account_pk),
    Case("accounts:service_account_edit", "POST", OFFICER_ONLY, kwargs=service_account_pk,
         data=service_account_form, effect=service_account_description),
    Case("accounts:service_account_token_create", "GET", OFFICER_ONLY,
         kwargs=service_account_pk),
    Case("accounts:service_account_token_create", "POST", OFFICER_ONLY,
         kwargs=service_account_pk, data=token_form, effect=service_account_tokens),
    # --- Password reset (public: the same answer whether the address is known or not) -------
    Case("password_reset", "GET", PUBLIC),
    Case("password_reset", "POST", PUBLIC, data=lambda w: {"email": w.person.email},
         effect=mails_sent),
    Case("password_reset_done", "GET", PUBLIC),
    Case("password_reset_confirm", "GET", PUBLIC, kwargs=reset_link),
    Case("password_reset_confirm", "POST", PUBLIC, kwargs=reset_link, data=lambda w: {}),
    Case("password_reset_complete", "GET", PUBLIC),
    # --- API ---------------------------------------------------------------------------------
    Case("api:apitoken-list", "GET", API_LOGGED_IN),
    Case("api:apitoken-list", "POST", API_LOGGED_IN, data=lambda w: {"name": MATRIX_TOKEN},
         effect=matrix_tokens),
    Case("api:apitoken-detail", "GET", API_OWN_TOKEN, kwargs=owner_token_pk),
    Case("api:apitoken-detail", "DELETE", API_OWN_TOKEN, kwargs=owner_token_pk,
         effect=owner_token_revoked),
    Case("api:serviceaccount-list", "GET", API_OFFICER_ONLY),
    Case("api:serviceaccount-list", "POST", API_OFFICER_ONLY,
         data=lambda w: {"name": "Matrix API bridge", "owner": w.owner.pk},
         effect=service_account_count),
    Case("api:serviceaccount-detail", "GET", API_OFFICER_ONLY, kwargs=service_account_pk),
    Case("api:serviceaccount-detail", "PATCH", API_OFFICER_ONLY, kwargs=service_account_pk,
         data=lambda w: {"description": "Edited"}, effect=service_account_description),
]  # fmt: skip
