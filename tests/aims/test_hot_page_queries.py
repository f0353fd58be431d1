"""The dashboard, readiness (page and API) and the systems export read a number of queries
that does not grow with the organisation (issue 21): counted at two sizes, with overdue
systems and risks, serious incidents without corrective action, high-tier systems without
oversight and evidence, so every panel and every gap check has rows to read."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone

from aims.models import Evidence
from incidents.models import Incident, Severity, Status
from inventory.models import AISystem, LifecycleStage
from risk.models import Level, Risk
from tests.factories import make_system

pytestmark = pytest.mark.django_db

SMALL, LARGE = 3, 30


def grow(owner, total: int) -> None:
    """Systems of ``owner`` (through the intake service, so the owner sees them) up to
    ``total``, each with two overdue risks, a serious open incident and a piece of evidence."""
    today = timezone.localdate()
    have = AISystem.objects.count()
    new = [make_system(owner, name=f"System {i}") for i in range(have, total)]
    ids = [s.pk for s in new]
    AISystem.objects.filter(pk__in=ids).update(
        next_review_date=today - timedelta(days=3),
        lifecycle_stage=LifecycleStage.DEPLOYED,
        risk_tier="high",
        in_aims_scope=True,
    )
    system_type = ContentType.objects.get_for_model(AISystem)
    with transaction.atomic():
        Risk.objects.bulk_create(
            Risk(
                system_id=pk,
                title=f"Risk {k} of {pk}",
                category=Risk.Category.FAIRNESS,
                risk_source=Risk.Source.OTHER,
                inherent_likelihood=4,
                inherent_impact=4,
                inherent_score=16,
                inherent_level=Level.HIGH,
                treatment=Risk.Treatment.MITIGATE,
                residual_likelihood=2,
                residual_impact=2,
                residual_score=4,
                residual_level=Level.LOW,
                methodology_version=1,
                appetite=Level.MEDIUM,
                owner=owner,
                review_date=today - timedelta(days=k + 1),
            )
            for pk in ids
            for k in range(2)
        )
        Incident.objects.bulk_create(
            Incident(
                system_id=pk,
                title=f"Incident on {pk}",
                description="Wrong answers.",
                owner=owner,
                reporter=owner,
                detection_channel="monitoring",
                category="harmful_output",
                severity=Severity.SEV1,
                status=Status.REPORTED,
                aware_at=timezone.now() - timedelta(days=2),
            )
            for pk in ids
        )
        Evidence.objects.bulk_create(
            Evidence(
                title=f"Evidence {pk}",
                kind=Evidence.Kind.LINK,
                url="https://example.org/proof",
                owner=owner,
                target_type=system_type,
                target_id=pk,
            )
            for pk in ids
        )


def queries_of(client, url: str) -> int:
    """Statements run by one request, the streamed body of an export included."""
    statements = []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url)
        assert response.status_code == 200, url
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
    return len(statements)


def counts_at_two_sizes(owner, client, url: str) -> tuple[int, int]:
    grow(owner, SMALL)
    client.get(url)  # caches (content types, methodology) warm, as on a live server
    small = queries_of(client, url)
    grow(owner, LARGE)
    return small, queries_of(client, url)


@pytest.mark.parametrize(
    "role,url",
    [
        ("officer", "/"),
        ("owner", "/"),
        ("auditor", "/"),
        ("officer", "/controls/readiness/"),
        ("auditor", "/controls/readiness/"),
        ("officer", "/api/v1/readiness/"),
        ("officer", "/systems/export.csv"),
        ("owner", "/systems/export.csv"),
    ],
)
def test_queries_do_not_grow_with_the_organisation(request, client_as, api_as, owner, role, url):
    user = request.getfixturevalue(role)
    client = api_as(user) if url.startswith("/api/") else client_as(user)
    small, large = counts_at_two_sizes(owner, client, url)
    # A gap list's first rows may come from fewer checks once there are more gaps, so the
    # count may fall with the size, never rise.
    assert large <= small, (role, url, small, large)


def test_the_readiness_api_lists_the_first_gaps_and_counts_them_all(api_as, officer, owner):
    grow(owner, LARGE)
    body = api_as(officer).get("/api/v1/readiness/").json()
    assert body["gap_count"] > body["gaps_limit"] == len(body["gaps"]) == 100
    assert body["gaps_complete"] is False
    assert [g["severity"] for g in body["gaps"]][:LARGE] == ["high"] * LARGE


def test_the_systems_export_lists_every_visible_system_with_its_labels(client_as, owner):
    grow(owner, SMALL)
    response = client_as(owner).get("/systems/export.csv")
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert len(lines) == SMALL + 1
    first = AISystem.objects.order_by("id").first()
    assert lines[1].startswith(f"{first.reference},System 0,")
    assert f",{owner.username},Approved for release (deployed),High," in lines[1]
