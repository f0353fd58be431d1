"""Conventions every template keeps: one date format, people by name, short text titles.

The first tests read the template files (a grep that fails with the file and line to fix); the
others render pages. The components themselves are tested in tests/aims/test_ui_components.py.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from aims.roles import OWNER
from incidents import services as incident_services
from risk import services as risk_services
from risk.models import Risk
from suppliers import services as supplier_services
from tests.factories import make_system, user_with_role
from tests.risk.conftest import RISK

TEMPLATES = Path(settings.BASE_DIR) / "templates"

# Date formats a machine reads (ISO dates, ISO date-times, timestamps) are allowed where a
# machine reads them: form input values, <time datetime>, data-* and min/max attributes.
MACHINE_FORMATS = {"c", "U", "Y-m-d", r"Y-m-d\TH:i", r"Y-m-d\TH:i:s", "Y-m-d H:i:s"}
MACHINE_ATTRIBUTE = re.compile(r'\b(?:value|datetime|min|max|data-[\w-]+)="[^"]*$')
DATE_FILTER = re.compile(r"""\|date(?::(?P<q>["'])(?P<format>.*?)(?P=q))?""")
# Other ways of writing a date or time for a reader: the core filters replace them all.
OTHER_DATE_FILTERS = re.compile(r"\|(?:time\b|naturaltime|naturalday|timesince|timeuntil)")


def template_lines():
    for path in sorted(TEMPLATES.rglob("*")):
        if path.suffix in {".html", ".txt"}:
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                yield f"{path.relative_to(TEMPLATES)}:{number}", line


def test_templates_write_dates_only_with_the_core_filters():
    found = []
    for where, line in template_lines():
        for match in DATE_FILTER.finditer(line):
            machine = match.group("format") in MACHINE_FORMATS
            if not (machine and MACHINE_ATTRIBUTE.search(line[: match.start()])):
                found.append(f"{where}: {match.group(0)}")
        found += [f"{where}: {m.group(0)}" for m in OTHER_DATE_FILTERS.finditer(line)]
    assert not found, (
        "Show dates with |when (web pages) or |when_text (text, PDFs); |date:'Y-m-d' is only "
        "for machine-read attributes:\n" + "\n".join(found)
    )


def test_the_date_grep_allows_machine_values_only_in_attributes():
    def flagged(line):
        return [
            m.group(0)
            for m in DATE_FILTER.finditer(line)
            if not (
                m.group("format") in MACHINE_FORMATS and MACHINE_ATTRIBUTE.search(line[: m.start()])
            )
        ]

    assert not flagged('<input type="date" value="{{ form.due.value|date:"Y-m-d" }}">')
    assert not flagged('<time datetime="{{ at|date:"c" }}">{{ at|when_text }}</time>')
    assert flagged('<td>{{ at|date:"Y-m-d" }}</td>') == ['|date:"Y-m-d"']
    assert flagged('<input value="{{ at|date:"j M Y" }}">') == ['|date:"j M Y"']
    assert flagged("{{ at|date }}") == ["|date"]


# A username next to a full name identifies an account ("Jane Doe (jdoe)"): that is allowed.
USERNAME = re.compile(r"\{\{ *[\w.]+\.username *(?:\|[^}]*)?\}\}")
USERNAME_AS_IDENTIFIER = re.compile(r"\(\{\{ *[\w.]+\.username *\}\}\)")


def test_templates_name_people_with_the_person_filter():
    found = []
    for where, line in template_lines():
        line = USERNAME_AS_IDENTIFIER.sub("", line)
        line = re.sub(r'value="[^"]*"', "", line)  # the login form echoes what was typed
        found += [f"{where}: {m.group(0)}" for m in USERNAME.finditer(line)]
        if ".get_full_name" in line:
            found.append(f"{where}: get_full_name")
    assert not found, "Name people with |person:\n" + "\n".join(found)


TITLE_BLOCK = re.compile(r"\{% block title %\}(.*?)\{% endblock", re.S)


def test_title_blocks_hold_only_text():
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        for block in TITLE_BLOCK.findall(path.read_text()):
            if "<" in block or "\n" in block or re.search(r"\{% *(include|for|with)\b", block):
                found.append(f"{path.relative_to(TEMPLATES)}: {block[:80]!r}")
    assert not found, "A {% block title %} holds one line of text:\n" + "\n".join(found)


def test_tables_keep_a_caption_and_column_scopes():
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        if "pdf" in path.parts:  # printed: no screen reader reads the PDF's tables
            continue
        text, where = path.read_text(), path.relative_to(TEMPLATES)
        for tag in re.finditer(r"<table\b[^>]*>", text):
            labelled = "aria-label" in tag.group(0)
            if not labelled and not re.match(r"\s*<caption", text[tag.end() :]):
                found.append(f"{where}: {tag.group(0)} has no <caption> or aria-label")
        for tag in re.finditer(r"\{% table\b[^%]*%\}", text):
            if "caption=" not in tag.group(0):
                found.append(f"{where}: {tag.group(0)} has no caption")
        for head in re.findall(r"<thead>(.*?)</thead>", text, re.S):
            found += [f"{where}: {th} has no scope" for th in re.findall(r"<th\b[^>]*>", head)
                      if "scope=" not in th]  # fmt: skip
    assert not found, "\n".join(found)


# --- rendered pages -------------------------------------------------------------------------


def page_title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1)


@pytest.mark.django_db
def test_sample_pages_have_short_text_titles(client_as, officer, owner, system):
    for n in range(3):
        risk = risk_services.risk_save(
            actor=owner, risk=Risk(system=system), data={**RISK, "title": f"Risk {n}"}
        )
    supplier = supplier_services.supplier_create(
        actor=officer, data={"name": "Acme Models", "supplier_type": "model_provider"}
    )
    incident = incident_services.incident_report(
        actor=owner,
        system=system,
        title="Chatbot gave dangerous advice",
        description="A user was told to double a medication dose.",
        detection_channel="user_complaint",
        category="harmful_output",
        severity="sev3",
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
        reverse("risk:methodology"),
        reverse("suppliers:supplier_list"),
        reverse("suppliers:supplier_detail", args=[supplier.pk]),
        reverse("suppliers:supplier_history", args=[supplier.pk]),
        reverse("incidents:incident_list"),
        reverse("incidents:incident_detail", args=[incident.pk]),
        reverse("capa:capa_list"),
        reverse("evidence:evidence_list"),
        reverse("ms:policy_list"),
        reverse("ms:scope_history"),
        reverse("audits:pack_list"),
        reverse("aims:notification_list"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        title = page_title(response.content.decode())
        assert "<" not in title and "&lt;" not in title, (url, title)
        assert 0 < len(title) < 120, (url, title)


def table_html(html: str, table_id: str) -> str:
    return re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, re.S).group(0)


@pytest.mark.django_db
def test_registers_show_the_owner_by_full_name_not_username(client_as, officer):
    owner = user_with_role(OWNER, username="mlopez", first_name="María", last_name="López")
    system = make_system(owner)
    risk_services.risk_save(actor=owner, risk=Risk(system=system), data=RISK)
    incident_services.incident_report(
        actor=owner,
        system=system,
        title="Chatbot gave dangerous advice",
        description="A user was told to double a medication dose.",
        detection_channel="user_complaint",
        category="harmful_output",
        severity="sev3",
    )
    client = client_as(officer)
    for url, table_id in [
        (reverse("risk:register"), "risk-table"),
        (reverse("incidents:incident_list"), "incident-table"),
    ]:
        table = table_html(client.get(url).content.decode(), table_id)
        assert "<td>María López</td>" in table, url
        assert "mlopez" not in table, url
