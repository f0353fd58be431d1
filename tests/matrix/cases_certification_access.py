"""Role-matrix rows of the certification auditors' accounts (audits/certification/access_urls.py
and api/access_urls.py): officers grant, extend and withdraw them; the committee and internal
auditors read them; owners and users without a role do not see the audits at all."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from audits.certification import access
from audits.certification.models import AuditorAccess, CertificationBody, ExternalAudit
from audits.models import EvidencePack

from .framework import PUBLIC, Case, expect
from .world import World

# fmt: off
#                                anonymous nobody owner other_owner officer approver auditor
ACCESS_READ             = expect("login    404    404   404         ok      ok       ok")
ACCESS_MANAGE           = expect("login    404    404   404         ok      403      403")
MY_AUDIT                = expect("login    ok     ok    ok          ok      ok       ok")
API_ACCESS_LIST         = expect("401      ok     ok    ok          ok      ok       ok")
API_ACCESS_READ         = expect("401      404    404   404         ok      ok       ok")
API_ACCESS_MANAGE       = expect("401      403    403   403         ok      403      403")
# fmt: on


def audit(w: World) -> ExternalAudit:
    @transaction.atomic  # the audit trail seals history rows when the transaction commits
    def make():
        today = timezone.localdate()
        body, _ = CertificationBody.objects.get_or_create(name="Matrix certification body")
        return ExternalAudit.objects.create(
            body=body, kind=ExternalAudit.Kind.STAGE_2, start_date=today,
            end_date=today + timedelta(days=3), scope="Matrix scope", created_by=w.officer,
        )  # fmt: skip

    return w.once("_external_audit", make)


def granted(w: World) -> AuditorAccess:
    def make():
        the_audit = audit(w)
        return access.grant_access(
            audit=the_audit, actor=w.officer, username="m_body_auditor",
            valid_from=timezone.localdate(), valid_until=the_audit.end_date,
        ).access  # fmt: skip

    return w.once("_auditor_access", make)


def audit_pk(w: World) -> dict:
    return {"pk": audit(w).pk}


def access_pk(w: World) -> dict:
    return {"pk": granted(w).pk}


def grant_data(w: World) -> dict:
    return {
        "username": "m_new_body_auditor",
        "valid_from": timezone.localdate().isoformat(),
        "valid_until": audit(w).end_date.isoformat(),
    }


def accesses(w: World) -> int:
    return AuditorAccess.objects.filter(audit=audit(w)).count()


def access_state(w: World) -> tuple:
    return AuditorAccess.objects.values_list("valid_until", "revoked_at").get(pk=granted(w).pk)


def later(w: World) -> dict:
    return {"valid_until": (audit(w).end_date + timedelta(days=2)).isoformat()}


def packs(w: World) -> int:
    return EvidencePack.objects.filter(external_audit=audit(w)).count()


def bogus_link(w: World) -> dict:
    return {"uidb64": "MTIzNDU2", "token": "bad-token"}


CASES = [
    Case("certification:access_list", "GET", ACCESS_READ, kwargs=audit_pk, setup=granted),
    Case("certification:access_list", "POST", ACCESS_MANAGE, kwargs=audit_pk, data=grant_data,
         effect=accesses),
    Case("certification:access_revoke", "GET", ACCESS_MANAGE, kwargs=access_pk),
    Case("certification:access_revoke", "POST", ACCESS_MANAGE, kwargs=access_pk,
         data=lambda w: {"reason": "Matrix"}, effect=access_state),
    Case("certification:access_extend", "GET", ACCESS_MANAGE, kwargs=access_pk),
    Case("certification:access_extend", "POST", ACCESS_MANAGE, kwargs=access_pk, data=later,
         effect=access_state),
    Case("certification:my_audit", "GET", MY_AUDIT),
    Case("certification:auditor_set_password", "GET", PUBLIC, kwargs=bogus_link),
    Case("certification:auditor_set_password", "POST", PUBLIC, kwargs=bogus_link),
    Case("api:auditoraccess-list", "GET", API_ACCESS_LIST, setup=granted),
    Case("api:auditoraccess-list", "POST", API_ACCESS_MANAGE,
         data=lambda w: {**grant_data(w), "audit": audit(w).pk}, effect=accesses),
    Case("api:auditoraccess-detail", "GET", API_ACCESS_READ, kwargs=access_pk),
    Case("api:auditoraccess-revoke", "POST", API_ACCESS_MANAGE, kwargs=access_pk,
         effect=access_state),
    Case("api:auditoraccess-extend", "POST", API_ACCESS_MANAGE, kwargs=access_pk, data=later,
         effect=access_state),
    Case("api:auditoraccess-pack", "POST", API_ACCESS_MANAGE,
         data=lambda w: {"audit": audit(w).pk}, effect=packs),
]  # fmt: skip
