"""Every tab of a system's page, its API detail and history, the evidence list and the API
lists cost the same number of queries whatever the size of the organisation and however long
the system's history (issue 21): counted on the benchmark's own estate (benchmarks/scale.py)
at two sizes ten times apart, the system's history grown twentyfold in between. Tests never
time; `make bench-scale` does."""

import copy
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from scale import Seeder, pages  # noqa: E402  (benchmarks/ is not a package)

from inventory.models import AISystem  # noqa: E402
from inventory.views import TABS  # noqa: E402

pytestmark = pytest.mark.django_db

SMALL, LARGE = 0.0003, 0.003  # of the benchmark's full size: 3 systems, then 30
HISTORY_SMALL, HISTORY_LARGE = 3, 60  # rows of the system whose tabs are counted


# Lists whose count may differ by one for a reason other than the size, and why. The incident
# list reads the incident time targets (one query, then cached) only when its page shows an
# open incident: the small estate's first page may have none.
CACHED_ONCE = {"api:incident-list"}


def system_pages(pk: int) -> dict[str, str]:
    found = {"overview": reverse("inventory:system_detail", args=[pk])}
    found |= {tab: reverse("inventory:system_tab", args=[pk, tab]) for tab, _label in TABS}
    found |= {
        "history page 2": reverse("inventory:system_tab", args=[pk, "history"]) + "?page=2",
        "api:system-detail": reverse("api:system-detail", args=[pk]),
        "api:system-history": reverse("api:system-history", args=[pk]),
        "risk:system_risk": reverse("risk:system_risk", args=[pk]),
    }
    return found


def count(client, path: str) -> int | None:
    """Statements of one request; None when the role may not open it (or a list needs a
    parameter the benchmark does not give, such as the comments of one record)."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    if response.status_code in (302, 400, 403, 404):
        return None
    assert response.status_code == 200, (path, response.status_code)
    return len(ctx.captured_queries)


def more_history(seeder: Seeder, rows: int) -> None:
    """The tab system's history grown to ``rows`` rows, as the benchmark seeds it."""
    system = AISystem.objects.get(pk=seeder.tab_system.pk)
    missing = rows - system.history.count()
    seeder._create(AISystem, [], update_of=[copy.copy(system) for _ in range(missing)])


@pytest.mark.parametrize("role", ["officer", "owner"])
def test_system_pages_cost_the_same_at_two_sizes(client, role):
    seeder = Seeder(tab_history=HISTORY_SMALL)
    seeder.top_up(SMALL)
    client.force_login(seeder.users[role])
    # The evidence list and every API list the benchmark measures (parameterless routes).
    lists = {name: path for name, path in pages(seeder)
             if name == "evidence:evidence_list" or name.endswith("-list")}  # fmt: skip
    targets = {**system_pages(seeder.tab_system.pk), **lists}
    for path in targets.values():  # caches warmed (content types), as at the larger size
        client.get(path)
    small = {name: count(client, path) for name, path in targets.items()}
    seeder.top_up(LARGE)
    more_history(seeder, HISTORY_LARGE)
    large = {name: count(client, path) for name, path in targets.items()}
    assert small["overview"] is not None and small["history"] is not None
    assert small["api:system-detail"] is not None
    differ = {name: (small[name], large[name]) for name in targets if small[name] != large[name]}
    assert {name for name in differ if name not in CACHED_ONCE} == set(), differ
    assert all(abs(a - b) <= 1 for a, b in differ.values()), differ
