"""The browser UI of the inventory: every page renders for the roles that may use it, and the
intake -> triage -> gates workflow works through forms, with errors shown, not raised."""

import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from aims.evidence.services import evidence_create
from inventory import services
from inventory.models import AISystem, Approval, Component, Dataset, LifecycleStage

from ..factories import INTAKE_DATA, make_system

pytestmark = pytest.mark.django_db

TABS = ["components", "datasets", "gates", "validation", "changes", "evidence", "history"]


def test_anonymous_is_sent_to_login(client, system):
    for url in [
        reverse("aims:dashboard"),
        reverse("inventory:system_list"),
        reverse("inventory:system_detail", args=[system.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_every_tab_shows_its_own_content(client_as, officer, approver, owner, system):
    """Each tab answers with its own heading and the records that belong on it, and not
    another tab's records."""
    # Components and datasets are recorded before the intake gate (change control after it).
    component = services.child_save(
        actor=owner, record=Component(system=system), data={"name": "Ranker model v7"}
    )
    dataset = services.child_save(
        actor=owner,
        record=Dataset(system=system),
        data={"name": "CV corpus 2025", "source": "ATS export"},
    )
    services.system_transition(actor=officer, system=system, action="start_triage")
    services.approval_decide(actor=approver, system=system, decision="approve", comment="Fine")
    validation = services.validation_record_create(
        actor=owner,
        system=system,
        test_type="bias",
        title="Parity across age bands",
        method="500 labelled CVs",
        result="pass",
        performed_on=date(2026, 1, 15),
    )
    evidence = evidence_create(
        actor=owner,
        target=system,
        title="Signed DPIA",
        file=SimpleUploadedFile("dpia.pdf", b"%PDF-1.4 dpia", "application/pdf"),
    )
    belongs = {
        "components": ("Components", component.name),
        "datasets": ("Datasets", dataset.name),
        "gates": ("Gates and approvals", escape(approver.get_full_name())),
        "validation": ("Validation and test records", validation.title),
        "changes": ("Change requests", "No change requested."),
        "evidence": ("Evidence", evidence.title),
        "history": ("History", "Intake submitted"),
    }
    assert set(belongs) == set(TABS)
    records = {component.name, dataset.name, validation.title, evidence.title}
    client = client_as(officer)
    detail = client.get(reverse("inventory:system_detail", args=[system.pk])).content.decode()
    assert system.name in detail and system.reference in detail
    for tab, (heading, content) in belongs.items():
        response = client.get(reverse("inventory:system_tab", args=[system.pk, tab]))
        assert response.status_code == 200, tab
        html = response.content.decode()
        assert re.search(rf'<h2 id="tab-heading"[^>]*>{re.escape(heading)}</h2>', html), tab
        assert content in html, (tab, content)
        if tab != "history":  # the history tab tells of every record
            others = records - {content}
            assert not [r for r in others if r in html], (tab, others)
    assert client.get(reverse("inventory:system_tab", args=[system.pk, "nope"])).status_code == 404


def test_renaming_a_system_shows_the_new_name_and_records_it_in_history(client_as, owner, system):
    old_name = system.name
    client = client_as(owner)
    response = client.post(
        reverse("inventory:system_edit", args=[system.pk]),
        {
            **INTAKE_DATA,
            "user_facing": "",
            "used_in_eu": "on",
            "review_cadence_months": 12,
            "name": "Recruiting ranker",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("inventory:system_detail", args=[system.pk])
    assert "Recruiting ranker" in response.content.decode()
    system.refresh_from_db()
    assert system.name == "Recruiting ranker"
    latest = system.history.first()
    assert latest.history_user == owner and latest.prev_record.name == old_name
    history = client.get(reverse("inventory:system_tab", args=[system.pk, "history"]))
    text = history.content.decode()
    assert "Recruiting ranker" in text and escape(old_name) in text
    listing = client.get(reverse("inventory:system_list")).content.decode()
    assert "Recruiting ranker" in listing and old_name not in listing


def test_dashboard_lists_intake_waiting_for_triage(client_as, officer, system):
    response = client_as(officer).get(reverse("aims:dashboard"))
    assert response.status_code == 200
    assert system.reference in response.content.decode()


def test_owner_submits_intake_through_the_form(client_as, owner, officer):
    client = client_as(owner)
    data = {
        **INTAKE_DATA,
        "user_facing": "",
        "used_in_eu": "on",
        "vendor": "Acme",
        "model_name": "Ranker 2",
    }
    response = client.post(reverse("inventory:system_intake"), data)
    system = AISystem.objects.get(name=INTAKE_DATA["name"])
    assert response.status_code == 302
    assert system.owner == owner
    assert system.lifecycle_stage == LifecycleStage.INTAKE_SUBMITTED
    assert system.components.get().provider == "Acme"
    assert officer.notifications.filter(title__contains=system.reference).exists()
    assert system.history.first().history_user == owner


def test_intake_with_missing_fields_shows_errors_and_saves_nothing(client_as, owner):
    response = client_as(owner).post(reverse("inventory:system_intake"), {"name": "x"})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    assert not AISystem.objects.exists()


def test_owner_cannot_see_someone_elses_system(client_as, other_owner, system):
    client = client_as(other_owner)
    assert client.get(reverse("inventory:system_detail", args=[system.pk])).status_code == 404
    listing = client.get(reverse("inventory:system_list")).content.decode()
    assert system.name not in listing


def test_auditor_reads_but_cannot_edit(client_as, auditor, system):
    client = client_as(auditor)
    assert client.get(reverse("inventory:system_detail", args=[system.pk])).status_code == 200
    assert client.get(reverse("inventory:system_edit", args=[system.pk])).status_code == 403
    response = client.post(reverse("inventory:system_transition", args=[system.pk, "start_triage"]))
    assert response.status_code == 403
    system.refresh_from_db()
    assert system.lifecycle_stage == LifecycleStage.INTAKE_SUBMITTED


def test_workflow_through_the_browser(client_as, owner, officer, approver, system):
    officer_client = client_as(officer)
    response = officer_client.post(
        reverse("inventory:system_transition", args=[system.pk, "start_triage"])
    )
    assert response.status_code == 302
    system.refresh_from_db()
    assert system.lifecycle_stage == LifecycleStage.IN_TRIAGE

    approver_client = client_as(approver)
    response = approver_client.post(
        reverse("inventory:approval_decide", args=[system.pk]),
        {"decision": "approve", "comment": "Fine"},
    )
    assert response.status_code == 302
    system.refresh_from_db()
    assert system.lifecycle_stage == LifecycleStage.APPROVED_FOR_DEVELOPMENT

    history = approver_client.get(reverse("inventory:system_tab", args=[system.pk, "history"]))
    text = history.content.decode()
    for user in (owner, officer, approver):
        assert escape(user.get_full_name()) in text


def test_refused_transition_is_explained(client_as, officer, system):
    client = client_as(officer)
    response = client.post(
        reverse("inventory:system_transition", args=[system.pk, "start_validation"]), follow=True
    )
    assert "is not possible at stage" in response.content.decode()


def test_approval_form_requires_reason_for_reject(client_as, officer, approver, system):
    client_as(officer).post(
        reverse("inventory:system_transition", args=[system.pk, "start_triage"])
    )
    response = client_as(approver).post(
        reverse("inventory:approval_decide", args=[system.pk]), {"decision": "reject"}
    )
    assert response.status_code == 400
    assert "Say why" in response.content.decode()
    assert not Approval.objects.exists()


def test_list_search_filter_sort_and_csv(client_as, officer, owner):
    make_system(owner, name="Invoice anomaly detection", business_unit="finance")
    make_system(owner, name="Support chatbot", business_unit="customer_service")
    client = client_as(officer)
    page = client.get(reverse("inventory:system_list"), {"business_unit": "finance"})
    assert "Invoice anomaly" in page.content.decode()
    assert "Support chatbot" not in page.content.decode()
    page = client.get(reverse("inventory:system_list"), {"q": "chatbot", "sort": "-name"})
    assert "Support chatbot" in page.content.decode()
    export = client.get(reverse("inventory:system_export"), {"business_unit": "finance"})
    body = b"".join(export.streaming_content).decode()
    assert body.splitlines()[0].startswith("Reference,Name")
    assert "Invoice anomaly detection" in body and "Support chatbot" not in body


def test_csv_export_neutralises_formulas(client_as, officer, owner):
    make_system(owner, name='=HYPERLINK("http://x")')
    body = b"".join(client_as(officer).get(reverse("inventory:system_export")).streaming_content)
    assert b"'=HYPERLINK" in body


def test_list_queries_do_not_grow_with_rows(
    client_as, officer, owner, django_assert_max_num_queries
):
    client = client_as(officer)
    for i in range(3):
        make_system(owner, name=f"S{i}")
    client.get(reverse("inventory:system_list"))  # warm caches (content types, session)
    with django_assert_max_num_queries(10) as few:
        client.get(reverse("inventory:system_list"))
    for i in range(30):
        make_system(owner, name=f"T{i}")
    with django_assert_max_num_queries(10) as many:
        client.get(reverse("inventory:system_list"), {"page_size": 100})
    assert len(many.captured_queries) == len(few.captured_queries)


def test_component_add_edit_delete(client_as, owner, system):
    client = client_as(owner)
    response = client.post(
        reverse("inventory:component_add", args=[system.pk]),
        {"kind": "model", "name": "Ranker", "version": "1"},
    )
    assert response.status_code == 302
    component = system.components.get()
    response = client.post(
        reverse("inventory:component_edit", args=[system.pk, component.pk]),
        {"kind": "model", "name": "Ranker", "version": "2"},
    )
    component.refresh_from_db()
    assert component.version == "2"
    assert (
        client.get(
            reverse("inventory:component_delete", args=[system.pk, component.pk])
        ).status_code
        == 200
    )
    client.post(reverse("inventory:component_delete", args=[system.pk, component.pk]))
    assert not system.components.exists()
    assert component.history.filter(history_type="-").get().history_user == owner


def _to_validation(system, owner, officer, approver):
    from inventory import services

    services.system_transition(actor=officer, system=system, action="start_triage")
    services.approval_decide(actor=approver, system=system, decision="approve")
    services.system_transition(actor=owner, system=system, action="start_validation")


def test_validation_with_evidence_file_is_hashed_and_downloadable(
    client_as, owner, other_owner, officer, approver, system
):
    import hashlib

    from django.core.files.uploadedfile import SimpleUploadedFile

    from aims.models import Evidence

    _to_validation(system, owner, officer, approver)
    content = b"%PDF-1.4 bias report"
    client = client_as(owner)
    response = client.post(
        reverse("inventory:validation_add", args=[system.pk]),
        {
            "test_type": "bias",
            "title": "Bias audit",
            "method": "Four-fifths rule",
            "result": "pass",
            "performed_on": "2026-11-01",
            "evidence_file": SimpleUploadedFile("report.pdf", content, "application/pdf"),
        },
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.sha256 == hashlib.sha256(content).hexdigest()
    download = client.get(reverse("aims:evidence_download", args=[evidence.pk]))
    assert b"".join(download.streaming_content) == content
    other = client_as(other_owner).get(reverse("aims:evidence_download", args=[evidence.pk]))
    assert other.status_code == 404


def test_validation_rejects_executable_upload_and_saves_nothing(
    client_as, owner, officer, approver, system
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from inventory.models import ValidationRecord

    _to_validation(system, owner, officer, approver)
    response = client_as(owner).post(
        reverse("inventory:validation_add", args=[system.pk]),
        {
            "test_type": "bias",
            "title": "Bias audit",
            "method": "m",
            "result": "pass",
            "performed_on": "2026-11-01",
            "evidence_file": SimpleUploadedFile("tool.exe", b"MZ", "application/octet-stream"),
        },
    )
    assert response.status_code == 400
    assert "are not accepted" in response.content.decode()
    assert not ValidationRecord.objects.exists()


def test_change_request_on_undeployed_system_is_explained(client_as, owner, system):
    response = client_as(owner).post(
        reverse("inventory:change_request_add", args=[system.pk]),
        {"kind": "prompt_change", "title": "t", "description": "d"},
    )
    assert response.status_code == 409
    assert "Change requests are for deployed systems" in response.content.decode()


def test_pages_of_other_apps_are_linked_from_the_system_page(
    client_as, officer, system, monkeypatch
):
    from inventory import extensions

    link = extensions.SystemLink(50, "Risk profile", "inventory:system_edit")
    restricted = extensions.SystemLink(51, "Secret page", "inventory:system_edit", "auth.add_user")
    monkeypatch.setattr(extensions, "_links", [link, restricted])
    page = client_as(officer).get(reverse("inventory:system_detail", args=[system.pk]))
    html = page.content.decode()
    assert "Risk profile" in html
    assert reverse("inventory:system_edit", args=[system.pk]) in html
    assert "Secret page" not in html


def test_people_pickers_name_each_person_with_their_username(client_as, officer, owner, system):
    """One naming rule for people: the system's owner and oversight pickers and the risk
    owner picker read "Full Name (username)", as every other picker does."""
    from aims.people import choice_label

    owner.first_name, owner.last_name = "Olga", "Owner"
    owner.save()
    option = f">{escape(choice_label(owner))}</option>"
    assert choice_label(owner) == f"Olga Owner ({owner.username})"
    for url in (
        reverse("inventory:system_edit", args=[system.pk]),
        reverse("risk:risk_create", args=[system.pk]),
    ):
        body = client_as(officer).get(url).content.decode()
        assert option in body, url
