"""Officers see who has a second factor and reset a person's factors (confirmed, recorded);
nobody else can, and a refused reset leaves the factors and the record unchanged."""

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from aims.errors import BusinessRuleError, RuleForbidden
from aims.mfa.models import MFAReset
from aims.mfa.services import mfa_reset
from tests.factories import user_with_role

from .helpers import give_recovery_codes, give_totp


def test_the_officer_sees_who_has_a_second_factor(client, officer, owner, approver):
    give_totp(owner)
    give_recovery_codes(owner)
    client.force_login(officer)
    page = client.get(reverse("security:people"))
    assert page.status_code == 200
    rows = page.text.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")
    owner_row = next(r for r in rows if "(owner_t)" in r)
    approver_row = next(r for r in rows if "(approver_t)" in r)
    assert "Enrolled" in owner_row and "authenticator app" in owner_row
    assert "recovery codes" in owner_row and "Reset" in owner_row
    assert "Enrolled" not in approver_row and "Reset" not in approver_row


def test_the_page_reads_one_query_per_table(client, officer, django_assert_max_num_queries):
    for i in range(15):
        give_totp(user_with_role(None, username=f"many_{i}"))
    client.force_login(officer)
    client.get(reverse("security:people"))  # warm the session
    with django_assert_max_num_queries(12):
        assert client.get(reverse("security:people")).status_code == 200


@pytest.mark.parametrize("who", ["owner", "approver", "auditor"])
def test_other_roles_may_not_see_or_reset(client, request, who, other_owner):
    give_totp(other_owner)
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("security:people")).status_code == 403
    url = reverse("security:reset", args=[other_owner.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"reason": "lost phone"}).status_code == 403
    assert Authenticator.objects.filter(user=other_owner).count() == 1
    assert not MFAReset.objects.exists()


def test_the_officer_resets_after_confirming_and_it_is_recorded(client, officer, owner):
    give_totp(owner)
    give_recovery_codes(owner)
    client.force_login(officer)
    url = reverse("security:reset", args=[owner.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200 and "authenticator app, recovery codes" in confirm.text
    response = client.post(url, {"reason": "Lost phone, called the help desk"})
    assert response.status_code == 302 and response["Location"] == reverse("security:people")
    assert not Authenticator.objects.filter(user=owner).exists()
    record = MFAReset.objects.get()
    assert (record.user, record.reset_by) == (owner, officer)
    assert record.removed == "authenticator app, recovery codes"
    assert record.reason == "Lost phone, called the help desk"
    assert "Lost phone" in client.get(reverse("security:people")).text


def test_a_reset_needs_a_reason(client, officer, owner):
    give_totp(owner)
    client.force_login(officer)
    response = client.post(reverse("security:reset", args=[owner.pk]), {"reason": "  "})
    assert response.status_code == 400
    assert Authenticator.objects.filter(user=owner).exists() and not MFAReset.objects.exists()


def test_an_officer_does_not_reset_their_own_factors_here(officer):
    give_totp(officer)
    with pytest.raises(RuleForbidden) as refused:
        mfa_reset(actor=officer, user=officer, reason="x")
    assert refused.value.code == "mfa_own_account"
    assert Authenticator.objects.filter(user=officer).exists() and not MFAReset.objects.exists()


def test_only_a_superuser_resets_a_superuser(client, officer, db):
    root = user_with_role(None, username="root_t", is_staff=True, is_superuser=True)
    give_totp(root)
    with pytest.raises(RuleForbidden):
        mfa_reset(actor=officer, user=root, reason="x")
    client.force_login(officer)
    response = client.post(reverse("security:reset", args=[root.pk]), {"reason": "x"})
    assert response.status_code == 403
    assert Authenticator.objects.filter(user=root).exists() and not MFAReset.objects.exists()


def test_nothing_to_reset_is_refused_and_not_recorded(client, officer, owner):
    with pytest.raises(BusinessRuleError) as refused:
        mfa_reset(actor=officer, user=owner, reason="x")
    assert refused.value.code == "mfa_nothing_to_reset"
    client.force_login(officer)
    response = client.post(reverse("security:reset", args=[owner.pk]), {"reason": "x"})
    assert response.status_code == 400 and not MFAReset.objects.exists()


def test_an_unknown_person_is_404(client, officer):
    client.force_login(officer)
    assert client.get(reverse("security:reset", args=[99999])).status_code == 404
