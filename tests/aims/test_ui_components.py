"""The shared page components: one date format, one way to name a person, one badge, one table
wrapper and one history table, and the pages that use them."""

import re
from datetime import UTC, date, datetime

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils.html import escape

from risk import services as risk_services
from risk.models import Risk
from suppliers import services as supplier_services
from tests.factories import RISK_DATA, UserFactory

pytestmark = pytest.mark.django_db


def render(source: str, **context) -> str:
    return Template(source).render(Context(context))


# --- dates ----------------------------------------------------------------------------------


def test_a_date_renders_in_the_one_format_inside_a_time_element():
    html = render("{{ day|when }}", day=date(2026, 12, 4))
    assert html == '<time datetime="2026-12-04">4 Dec 2026</time>'


def test_a_datetime_renders_in_local_time_with_the_machine_value(settings):
    settings.TIME_ZONE = "Europe/Paris"  # UTC+1 in December
    html = render("{{ moment|when }}", moment=datetime(2026, 12, 4, 13, 7, 59, tzinfo=UTC))
    assert html == '<time datetime="2026-12-04T14:07:59+01:00">4 Dec 2026, 14:07</time>'
    assert render("{{ moment|when_text }}", moment=datetime(2026, 1, 5, 9, 3, tzinfo=UTC)) == (
        "5 Jan 2026, 10:03"
    )


def test_no_date_renders_nothing_so_a_default_applies():
    assert render('{{ day|when|default:"—" }}', day=None) == "—"
    assert render("{{ day|when_text }}", day=None) == ""


def test_a_text_value_is_escaped_not_trusted():
    assert render("{{ day|when }}", day="<b>soon</b>") == escape("<b>soon</b>")


def test_iso_text_reads_as_the_date_it_spells_and_day_drops_the_time(settings):
    # JSON snapshots (management-review inputs) and signed checkpoints store ISO text.
    settings.TIME_ZONE = "UTC"
    assert render("{{ d|when }}", d="2026-11-04") == (
        '<time datetime="2026-11-04">4 Nov 2026</time>'
    )
    assert render("{{ d|when_text }}", d="2026-12-04T14:07:59.123456+00:00") == "4 Dec 2026, 14:07"
    assert render('{{ m|when_text:"day" }}', m=datetime(2026, 12, 4, 23, 30, tzinfo=UTC)) == (
        "4 Dec 2026"
    )
    assert render('{{ m|when:"day" }}', m=datetime(2026, 12, 4, 9, 0, tzinfo=UTC)) == (
        '<time datetime="2026-12-04">4 Dec 2026</time>'
    )
    # Text that is not a date stays text.
    assert render("{{ d|when }}", d="2026 plan") == "2026 plan"
    assert render("{{ d|when }}", d="2026-13-45") == "2026-13-45"


# --- people ---------------------------------------------------------------------------------


def test_a_person_is_named_by_full_name_and_falls_back_to_the_username():
    named = UserFactory(username="jdoe", first_name="Jane", last_name="Doe")
    unnamed = UserFactory(username="svc-sync", first_name="", last_name="")
    assert render("{{ u|person }}", u=named) == "Jane Doe"
    assert render("{{ u|person }}", u=unnamed) == "svc-sync"
    assert render('{{ u|person|default:"system" }}', u=None) == "system"


def test_a_name_is_escaped():
    user = UserFactory(first_name="<script>", last_name="x")
    assert "<script>" not in render("{{ u|person }}", u=user)


# --- badge and table ------------------------------------------------------------------------


def test_the_badge_carries_its_tone_and_an_accessible_label():
    html = render('{% badge "Overdue" "danger" "Review status" %}')
    assert 'class="badge text-bg-danger"' in html
    assert '<span class="visually-hidden">Review status: </span>Overdue' in html


def test_the_badge_takes_an_id_a_test_id_and_one_data_attribute():
    html = render(
        '{% badge status "light border" id="incident-status" testid="st" data="ready=yes" %}',
        status="Open & triaged",
    )
    assert html == (
        '<span class="badge text-bg-light border" id="incident-status" data-testid="st" '
        'data-ready="yes">Open &amp; triaged</span>'
    )


def test_the_table_wrapper_scrolls_and_has_a_caption_and_id():
    html = render(
        '{% table id="things" caption=label %}'
        "<tbody><tr><td>{{ x }}</td></tr></tbody>{% endtable %}",
        label="Things & stuff",
        x="<i>",
    )
    assert html.startswith('<div class="table-responsive"><table class="table bg-white border"')
    assert 'id="things"' in html
    assert '<caption class="visually-hidden">Things &amp; stuff</caption>' in html
    assert "<td>&lt;i&gt;</td>" in html and html.endswith("</table></div>")


# --- history table --------------------------------------------------------------------------


def test_the_history_table_names_people_and_dates_and_shows_changes():
    user = UserFactory(first_name="Ada", last_name="Lovelace")
    entry = {
        "history_date": datetime(2026, 12, 4, 14, 7, tzinfo=UTC),
        "history_user": user,
        "object_reference": "RSK-0001",
        "model_name": "risk",
        "history_type_display": "Changed",
        "history_change_reason": "Rescored",
        "changes": [{"label": "Impact", "old": 2, "new": 4}],
    }
    html = render(
        '{% include "components/history_table.html" with show_changes=True %}', history=[entry]
    )
    assert '<th scope="col">Changes</th>' in html and 'id="history"' in html
    assert '<td data-testid="history-user">Ada Lovelace</td>' in html
    assert '<time datetime="2026-12-04T14:07:00+00:00">4 Dec 2026, 14:07</time>' in html
    assert "<del>2</del> → <ins>4</ins>" in html
    anonymous = render(
        '{% include "components/history_table.html" %}', history=[{**entry, "history_user": None}]
    )
    assert '<td data-testid="history-user">system</td>' in anonymous
    assert "Changes</th>" not in anonymous
    assert "No history yet." in render('{% include "components/history_table.html" %}', history=[])


def test_history_entries_holding_a_username_show_the_full_name():
    # aims.history_diff entries carry the username (the API serves it); the components give
    # them their User so every history names people the same way.
    user = UserFactory(username="alovelace", first_name="Ada", last_name="Lovelace")
    entry = {
        "history_date": datetime(2026, 12, 4, 14, 7, tzinfo=UTC),
        "history_user": "alovelace",
        "history_user_id": user.pk,
        "history_type_display": "Changed",
        "history_change_reason": "",
        "changes": [],
    }
    table = render('{% include "components/history_table.html" %}', history=[entry])
    assert '<td data-testid="history-user">Ada Lovelace</td>' in table
    listing = render(
        '{% include "components/history_list.html" with heading_id="h" %}', history=[entry]
    )
    assert "<strong>Ada Lovelace</strong>" in listing and "alovelace" not in listing


# --- pages ----------------------------------------------------------------------------------


def test_the_risk_page_title_is_short_text(client_as, owner, system):
    for n in range(3):  # history grows; the title must not
        risk_services.risk_save(
            actor=owner, risk=Risk(system=system), data={**RISK_DATA, "title": f"R{n}"}
        )
    html = client_as(owner).get(reverse("risk:system_risk", args=[system.pk])).content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert "<" not in title and len(title) < 80
    assert system.reference in title
    # The history still shows, once, in the page body.
    assert html.count('id="risk-history"') == 1 and html.count('id="risk-history-heading"') == 1


OTHER_FORMATS = [
    re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),  # 2026-11-24 (with or without a time)
    re.compile(r"\b\d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}"),  # 4 Dec 2026 14:07 (no comma)
    re.compile(r"\b[A-Z][a-z]{2}\.? \d{1,2}, \d{4}"),  # Dec. 4, 2026 (Django's default)
    re.compile(r"\b\d{1,2}:\d{2} [ap]\.m\."),  # 2:07 p.m.
]


def visible_text(html: str) -> str:
    """The page as a reader sees it: no scripts, no tags (so no attribute values)."""
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return re.sub(r"<[^>]*>", " ", html)


def test_main_pages_show_dates_in_one_format_and_people_by_name(client_as, officer, owner, system):
    risk = risk_services.risk_save(
        actor=owner, risk=Risk(system=system), data={**RISK_DATA, "review_date": date(2026, 11, 24)}
    )
    supplier = supplier_services.supplier_create(
        actor=officer, data={"name": "Acme Models", "supplier_type": "model_provider"}
    )
    client = client_as(officer)
    urls = [
        reverse("aims:dashboard"),
        reverse("inventory:system_list"),
        reverse("inventory:system_detail", args=[system.pk]),
        reverse("inventory:system_tab", args=[system.pk, "history"]),
        reverse("risk:register"),
        reverse("risk:system_risk", args=[system.pk]),
        reverse("risk:risk_detail", args=[risk.pk]),
        reverse("suppliers:supplier_list"),
        reverse("suppliers:supplier_detail", args=[supplier.pk]),
        reverse("suppliers:supplier_history", args=[supplier.pk]),
        reverse("incidents:incident_list"),
        reverse("capa:capa_list"),
        reverse("evidence:evidence_list"),
        reverse("ms:policy_list"),
        reverse("aims:notification_list"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        text = visible_text(response.content.decode())
        for pattern in OTHER_FORMATS:
            assert not pattern.search(text), (url, pattern.pattern, pattern.search(text).group())
    risk_page = visible_text(
        client.get(reverse("risk:risk_detail", args=[risk.pk])).content.decode()
    )
    assert "24 Nov 2026" in risk_page and escape(owner.get_full_name()) in risk_page
    history = visible_text(
        client.get(reverse("inventory:system_tab", args=[system.pk, "history"])).content.decode()
    )
    assert escape(owner.get_full_name()) in history and owner.username not in history
