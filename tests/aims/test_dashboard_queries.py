"""The dashboard reads a bounded number of statements for every role (issue 21): with several
systems, risks, incidents and pieces of evidence, each with something to show on a panel
(overdue reviews, serious incidents without corrective action, systems without oversight), a
panel that read one query per record (an N+1) would exceed the limit."""

import pytest

from audits.soa.gaps import gap_list
from tests.aims.test_hot_page_queries import LARGE, grow

pytestmark = pytest.mark.django_db

# Statements of one dashboard request per role: the session, user and permissions, each
# panel's figures and first rows, the readiness gaps counted together, the checks behind the
# first gaps' links. Measured, then fixed here: a rise is a regression to explain.
MAX_QUERIES = {"officer": 64, "owner": 44, "approver": 57, "auditor": 57}


@pytest.mark.parametrize("role", sorted(MAX_QUERIES))
def test_the_dashboard_reads_a_bounded_number_of_queries(
    request, client_as, owner, role, django_assert_max_num_queries
):
    user = request.getfixturevalue(role)
    client = client_as(user)
    grow(owner, LARGE)
    client.get("/")  # caches (content types, methodology) warm, as on a live server
    with django_assert_max_num_queries(MAX_QUERIES[role]):
        response = client.get("/")
    assert response.status_code == 200
    # The readiness panel's figure, counted in one statement, is the length of the whole gap
    # list the user sees (the same gaps as the gap register), and its first gaps are the
    # list's first.
    panel = next(p for t, p in response.context["panels"] if t == "soa/_dashboard_panel.html")
    every_gap = gap_list(user=user)
    assert panel["gap_count"] == len(every_gap) > 5
    assert panel["gaps"] == every_gap[:5]
    assert b'id="incidents-panel"' in response.content


def test_count_each_counts_as_count_does_in_one_statement(owner, django_assert_num_queries):
    from django.db.models import Exists, OuterRef

    from aims.aggregates import count_each
    from incidents.models import Incident
    from inventory.models import AISystem
    from risk.models import Risk

    grow(owner, 3)
    querysets = [
        AISystem.objects.all(),
        Risk.objects.filter(review_date__isnull=False).order_by("-review_date"),
        Risk.objects.filter(system__name="System 1").select_related("system"),
        AISystem.objects.filter(Exists(Incident.objects.filter(system=OuterRef("pk")))),
        Incident.objects.filter(title="none"),
        # Filters that can match nothing are not even compiled by Django: counted as 0
        # (a certification auditor whose audit samples no system yet).
        AISystem.objects.filter(pk__in=[]),
        Risk.objects.none(),
    ]
    expected = [qs.count() for qs in querysets]
    assert expected == [3, 6, 2, 3, 0, 0, 0]
    with django_assert_num_queries(1):
        assert count_each(querysets) == expected
    assert count_each([]) == []
