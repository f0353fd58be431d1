"""The HTML pages of the role matrix, with their URLs resolved the way the matrix resolves
them, for tests that walk every page a role may open in a browser (tests/e2e/test_axe_matrix.py).

The matrix builds a fresh world for every cell; a browser walk cannot afford that. Here one
world per lifecycle stage (one test each) is built and shared by all roles: the case kwargs
never depend on the acting role, only on the records.
"""

from collections.abc import Iterator
from dataclasses import dataclass

from django.urls import reverse

from .framework import Case
from .world import World

# Files, not pages: CSV/XLSX/PDF/ZIP exports, downloads, PDFs and import templates are not
# audited as HTML.
FILE_NAMES = ("export", "download", "pdf", "template")
BROWSER_ROLES = ("officer", "approver", "owner", "auditor")
USERS = ("owner", "officer", "approver", "auditor", "nobody", "other_owner")


@dataclass(frozen=True)
class Page:
    key: str  # the matrix key, e.g. "inventory:system_tab GET gates"
    url: str
    roles: tuple[str, ...]  # the browser roles the matrix lets open it


def html_get_cases() -> list[Case]:
    """Every GET row of the matrix that answers an HTML page (no API, no file)."""
    from .test_role_matrix import CASES  # the complete table, with every app's rows

    return [
        case
        for case in CASES
        if case.method == "GET"
        and not case.api
        and not any(word in case.name for word in FILE_NAMES)
    ]


def stages() -> list[str]:
    """The lifecycle stages the HTML pages need their target system at."""
    return sorted({case.stage for case in html_get_cases()})


def matrix_pages(stage: str, roles: tuple[str, ...] = BROWSER_ROLES) -> Iterator[Page]:
    """The matrix's HTML pages whose target system is at ``stage``, in the matrix's order, on
    one world shared by all roles. Each page's records (its kwargs and setup) are made only
    when it is reached, so a later row's setup cannot change the state an earlier page shows."""
    world = World("officer", stage).prepare()
    for name in USERS:  # every user exists before any page is opened
        getattr(world, name)
    for case in html_get_cases():
        allowed = tuple(role for role in roles if case.expected[role] == "ok")
        if case.stage != stage or not allowed:
            continue
        url = reverse(case.name, kwargs=case.kwargs(world))
        if case.setup:
            case.setup(world)
        yield Page(case.key, url, allowed)
