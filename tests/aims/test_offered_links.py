"""Only what the user may do is offered: a crawl of the demo organisation as each role, from the
dashboard and every menu entry, following every link (and htmx GET) on the pages it reaches,
finds none that answers 403. A link to a page its user may not open is a dead end; the pages
decide their links with the same predicates the views check (see aims.templatetags.aims_ui
``may``)."""

import re
from collections import defaultdict
from html.parser import HTMLParser
from io import StringIO
from urllib.parse import urldefrag, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db

ROLES = ("officer", "owner", "approver", "auditor")
# Pages that change state on GET or leave the application; everything else is followed.
SKIP = re.compile(r"^/(admin/|static/|media/|accounts/logout|logout)")
PER_SHAPE = 2  # pages of one shape (ids as N, query keys) visited: the template is the same
MAX_PAGES = 700  # per role: a bound, not a target
MAX_DEPTH = 3


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])
        if attrs.get("hx-get"):
            self.hrefs.append(attrs["hx-get"])


def links(html: str) -> list[str]:
    parser = Links()
    parser.feed(html)
    found = []
    for href in parser.hrefs:
        href = urldefrag(href)[0]
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue  # external, mailto:, "#" and relative-to-nothing
        if SKIP.match(parts.path):
            continue
        found.append(href)
    return found


def shape(url: str) -> str:
    parts = urlsplit(url)
    keys = sorted({pair.split("=")[0] for pair in parts.query.split("&") if pair})
    return re.sub(r"\d+", "N", parts.path) + "?" + "&".join(keys)


def crawl(client: Client) -> dict[str, list[str]]:
    """Forbidden link -> the pages that offered it."""
    seen: set[str] = set()
    per_shape: dict[str, int] = defaultdict(int)
    forbidden: dict[str, list[str]] = defaultdict(list)
    frontier = [("/", "(start)")]
    for depth in range(MAX_DEPTH + 1):
        next_frontier = []
        for url, referrer in frontier:
            if url in seen:
                continue
            key = shape(url)
            if per_shape[key] >= PER_SHAPE or len(seen) >= MAX_PAGES:
                continue
            seen.add(url)
            per_shape[key] += 1
            response = client.get(url)
            if response.status_code == 403:
                forbidden[url].append(referrer)
                continue
            assert response.status_code < 500, f"{url} (linked from {referrer}) answered 500"
            content_type = response.get("Content-Type", "")
            if depth == MAX_DEPTH or response.status_code != 200 or "html" not in content_type:
                continue
            if getattr(response, "streaming", False):
                continue
            next_frontier += [(href, url) for href in links(response.content.decode())]
        frontier = next_frontier
    return forbidden


@pytest.fixture
def demo(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("load_demo", stdout=StringIO())


def test_no_role_is_offered_a_link_it_may_not_open(demo):
    users = get_user_model().objects.in_bulk(ROLES, field_name="username")
    report = []
    for role in ROLES:
        client = Client()
        client.force_login(users[role])
        for url, referrers in sorted(crawl(client).items()):
            report.append(f"{role}: {url} (offered on {', '.join(sorted(set(referrers))[:3])})")
    assert not report, "Links answering 403:\n" + "\n".join(report)


# --- The predicate the pages use -----------------------------------------------------------


def test_may_open_asks_the_views_own_checks(owner, other_owner, officer, approver, auditor, system):
    from django.urls import reverse

    from aims.view_helpers.offer import may_open

    edit = reverse("inventory:system_edit", args=[system.pk])
    assert may_open(owner, edit) and may_open(officer, edit)
    # Seeing the system is not changing it (403), and another owner does not see it (404).
    assert not may_open(auditor, edit) and not may_open(approver, edit)
    assert not may_open(other_owner, edit)
    questions = reverse("suppliers:question_list")
    assert may_open(officer, questions) and not may_open(owner, questions)
    assert not may_open(officer, "/no/such/page/")
    # The page answered for each user as the probe said.
    for user, url, allowed in [(auditor, edit, False), (owner, edit, True)]:
        client = Client()
        client.force_login(user)
        assert (client.get(url).status_code == 200) is allowed


def test_pages_hide_what_their_user_may_not_open(client, owner, officer):
    client.force_login(owner)
    assert 'href="/suppliers/questions/"' not in client.get("/suppliers/").content.decode()
    client.force_login(officer)
    assert 'href="/suppliers/questions/"' in client.get("/suppliers/").content.decode()
