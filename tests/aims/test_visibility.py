"""One visibility rule per record type (aims.visibility): lists, details, downloads and the
API agree, and an incident is visible to the owner of every system it affects."""

import csv
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from aims.evidence import services as aims_services
from aims.evidence.registry import attachable_labels, attachable_model
from aims.evidence.selectors import visible_evidence
from aims.roles import OWNER
from aims.visibility import can, restrict
from audits.certification.access import grant_access
from audits.models import EvidencePack, ExternalAudit
from incidents import services as incident_services
from incidents.models import Incident
from tests.audits.certification.audit_helpers import certified
from tests.factories import make_system, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared_incident(officer, owner, other_owner):
    """An incident on ``owner``'s system that also affects ``other_owner``'s, with a file."""
    primary = make_system(owner, name="Primary system")
    secondary = make_system(other_owner, name="Secondary system")
    incident = incident_services.incident_report(
        actor=officer,
        system=primary,
        other_systems=[secondary],
        title="Drift on both systems",
        description="Scores drifted after the vendor update.",
        detection_channel="monitoring",
        category="inaccurate",
        severity="sev3",
    )
    evidence = aims_services.evidence_create(
        actor=officer,
        target=incident,
        title="Drift report",
        file=SimpleUploadedFile("drift.txt", b"drift figures", content_type="text/plain"),
    )
    return incident, evidence


def test_secondary_owner_sees_incident_and_opens_its_evidence(
    shared_incident, other_owner, client_as, api_as
):
    incident, evidence = shared_incident
    assert list(Incident.objects.restrict(other_owner)) == [incident]
    assert can(other_owner, "view", incident)
    # The evidence is listed and opens: page, download and both API lists agree.
    client = client_as(other_owner)
    page = client.get(reverse("evidence:evidence_detail", args=[evidence.pk]))
    assert page.status_code == 200 and "Drift report" in page.content.decode()
    download = client.get(reverse("aims:evidence_download", args=[evidence.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"drift figures"
    api = api_as(other_owner)
    listed = api.get(reverse("api:evidence-list"), {"page_size": 100}).json()
    assert evidence.pk in {row["id"] for row in listed["results"]}
    library = api.get(reverse("api:evidence-library-list"), {"page_size": 100}).json()
    assert evidence.pk in {row["id"] for row in library["results"]}
    assert api.get(reverse("api:evidence-download", args=[evidence.pk])).status_code == 200


def test_secondary_owner_may_not_change_the_incident(shared_incident, other_owner, owner):
    incident, _ = shared_incident
    assert not can(other_owner, "change", incident)
    assert can(owner, "change", incident)
    assert not restrict(Incident.objects.all(), other_owner, "change").exists()


def test_unrelated_owner_sees_neither_incident_nor_evidence(shared_incident, client_as, db):
    stranger = user_with_role(OWNER, username="stranger_t")
    incident, evidence = shared_incident
    assert not Incident.objects.restrict(stranger).exists()
    assert not can(stranger, "view", incident)
    assert not visible_evidence(stranger).filter(pk=evidence.pk).exists()
    client = client_as(stranger)
    assert client.get(reverse("aims:evidence_download", args=[evidence.pk])).status_code == 404
    assert client.get(incident.get_absolute_url()).status_code == 404


def _governed_models() -> list:
    models = {attachable_model(label) for label in attachable_labels()}
    models |= {m for m in apps.get_models() if hasattr(m, "permission_parent")}
    models |= {m for m in apps.get_models() if hasattr(m, "visibility_rule")}
    return sorted(models, key=lambda m: m._meta.label)


def imported_and_linked(owner) -> None:
    """Records the demo organisation has none of: an owner's import job (previewed, not
    committed) and a model registry link on one of the owner's components."""
    from aims.imports.kinds import get_kind
    from aims.imports.services import import_upload
    from inventory.models import Component
    from inventory.registry.services import link_create

    kind = get_kind("systems")
    lines = StringIO()
    writer = csv.writer(lines)
    writer.writerow([column.heading for column in kind.columns])
    writer.writerow([kind.example.get(column.heading, "") for column in kind.columns])
    upload = SimpleUploadedFile("systems.csv", lines.getvalue().encode(), "text/csv")
    import_upload(actor=owner, kind="systems", uploaded=upload)
    component = Component.objects.filter(system__owner=owner, supplier__isnull=False).first()
    # Nothing listens on the discard port: the link records that the registry was unreachable.
    link_create(actor=owner, component=component, tracking_uri="http://127.0.0.1:9",
                model_name="demo-model")  # fmt: skip


def test_single_record_check_agrees_with_the_list_for_every_record_type(shared_incident, settings):
    """``can`` (one record in hand) and ``restrict`` (a list in SQL) give the same answer for
    every record of every governed type in the demo organisation, for every demo user and
    for users in no role: a list never shows what its detail refuses, nor hides what opens."""
    call_command("load_demo", stdout=StringIO())
    # The demo organisation is not certified yet: record a certificate (and its cycle) too;
    # give the body's auditor an account on the planned stage 2, with its pack requested.
    officer = get_user_model().objects.get(username="officer")
    certified(officer)
    stage2 = ExternalAudit.objects.get(kind="stage2", status="planned")
    today = timezone.localdate()
    grant_access(
        audit=stage2, actor=officer, username="cb_auditor_t", valid_from=today,
        valid_until=stage2.end_date,
    )  # fmt: skip
    EvidencePack.objects.create(
        scope=EvidencePack.Scope.OPERATIONS, external_audit=stage2, requested_by=officer
    )
    settings.AIMS_MODEL_REGISTRY_ALLOW_PRIVATE = True  # the discard port on this machine
    imported_and_linked(get_user_model().objects.get(username="owner"))
    users = list(get_user_model().objects.filter(is_active=True).order_by("pk"))
    assert len(users) >= 6
    empty = []
    for model in _governed_models():
        rows = list(model._base_manager.order_by("pk")[:40])
        if not rows:
            empty.append(model._meta.label)
            continue
        pks = {row.pk for row in rows}
        for user in users:
            for action in ("view", "change"):
                allowed = restrict(model._base_manager.all(), user, action)
                listed = set(allowed.filter(pk__in=pks).values_list("pk", flat=True))
                one_by_one = {row.pk for row in rows if can(user, action, row)}
                assert one_by_one == listed, (model._meta.label, user.username, action)
    # The demo organisation exercises nearly every governed record type.
    assert len(empty) <= 3, empty


def test_owner_sees_risk_records_of_own_system_only(owner, other_owner):
    """A record tied one-to-one to its system (a classification) follows the system."""
    from risk.models import Classification

    mine = make_system(owner, name="Mine")
    theirs = make_system(other_owner, name="Theirs")
    for system in (mine, theirs):
        Classification.objects.create(system=system, classified_by=system.owner)
    assert [c.system for c in Classification.objects.restrict(owner)] == [mine]
    assert not can(owner, "view", Classification.objects.get(system=theirs))
