"""The main menu shows each role what it may use, with settings folded into one dropdown."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def menu(client) -> str:
    html = client.get(reverse("aims:dashboard")).content.decode()
    return html[html.index('aria-label="Main"') : html.index("</nav>")]


def test_officer_sees_settings_in_one_dropdown(client_as, officer):
    nav = menu(client_as(officer))
    assert 'data-bs-toggle="dropdown" aria-expanded="false">Settings</a>' in nav
    assert reverse("inventory:gate_settings") in nav
    assert reverse("risk:methodology") in nav
    assert nav.count('aria-current="page"') == 1  # the dashboard, and only it


def test_owner_sees_work_but_no_settings(client_as, owner):
    nav = menu(client_as(owner))
    assert reverse("inventory:system_intake") in nav
    assert ">Settings</a>" not in nav
    assert reverse("inventory:gate_settings") not in nav
    assert reverse("audits:pack_list") not in nav


def test_auditor_sees_evidence_packs(client_as, auditor):
    nav = menu(client_as(auditor))
    assert reverse("audits:pack_list") in nav
    assert reverse("inventory:system_intake") not in nav


def test_the_systems_list_links_to_imports_for_those_who_may_import(client_as, owner, auditor):
    imports = reverse("imports:import_list")
    assert imports in client_as(owner).get(reverse("inventory:system_list")).content.decode()
    assert imports not in client_as(auditor).get(reverse("inventory:system_list")).content.decode()
