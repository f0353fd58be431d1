"""Fixtures for the end-to-end tests: a real headless Chromium against pytest-django's
live server.

Chromium is Debian's (/usr/bin/chromium); no Playwright-managed browser is ever downloaded.
Without it the tests are skipped, unless AIMS_REQUIRE_BROWSER is set (CI), where they fail.

The live server needs a transactional database. Transactional tests flush the tables when
they finish, which also removes what the data migrations created (role groups and their
permissions, gate settings); the e2e tests therefore ask for a serialized rollback, which
reloads that state before each test (see the browser fixture for the one catch).
"""

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.factories import PASSWORD

# Playwright's sync API runs an asyncio event loop in the test thread; Django would otherwise
# refuse the ORM calls the tests make in that thread.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path(os.environ.get("AIMS_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEFAULT_TIMEOUT_MS = 10_000
SCREENSHOT_DIR = Path(os.environ.get("AIMS_E2E_SCREENSHOTS", "/tmp"))


@pytest.fixture(scope="session")
def browser(django_db_setup):
    """One headless Chromium for the whole session."""
    if not CHROMIUM.exists():
        reason = f"Chromium not found at {CHROMIUM}: the end-to-end tests need a real browser"
        if os.environ.get("AIMS_REQUIRE_BROWSER"):
            pytest.fail(f"AIMS_REQUIRE_BROWSER is set but {reason}", pytrace=False)
        pytest.skip(reason)
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Once Playwright runs, this thread has a "running" event loop, and Django's connection
    # handler (asgiref Local) hands out new, context-local connection objects. Those lack the
    # migration snapshot that the test database setup stored on the original connection, so
    # serialized rollback would silently do nothing (and the role groups would vanish after
    # the first test) whenever other tests set up the database before the browser started.
    snapshots = {
        conn.alias: conn._test_serialized_contents
        for conn in connections.all()
        if hasattr(conn, "_test_serialized_contents")
    }
    with sync_playwright() as playwright:
        for alias, snapshot in snapshots.items():
            connections[alias]._test_serialized_contents = snapshot
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
        # Close the context-local connections too, before their context goes away, so that
        # nothing holds the test database open when it is dropped.
        for conn in connections.all(initialized_only=True):
            conn.close()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Users are created and logged in through the real form in every test; a cheap hasher
    keeps that from dominating the run time. The live server runs in this process, so it
    sees the same settings."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def new_page(browser, live_server, request) -> Iterator[Callable]:
    """Open a fresh browser context (its own cookies, so its own session) and return its page.

    Each user of a test gets a context of their own; all are closed when the test ends, and a
    failed test leaves a screenshot of every open page in /tmp.
    """
    contexts = []

    def open_page():
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": 1280, "height": 900}
        )
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    for n, context in enumerate(contexts):
        if failed:
            name = re.sub(r"[^\w-]+", "_", request.node.name)
            for page in context.pages:
                # A screenshot that cannot be taken must not hide the test's own failure.
                try:
                    page.screenshot(path=SCREENSHOT_DIR / f"aims-e2e-failed-{name}-{n}.png")
                except Exception as exc:
                    print(f"no failure screenshot: {exc}")
        context.close()


@pytest.fixture
def page(new_page):
    """A page in a fresh browser context, not logged in."""
    return new_page()


@pytest.fixture
def screenshot() -> Callable:
    """Save a full-page screenshot as /tmp/aims-e2e-<name>.png, for a human to look at."""

    def shoot(page, name: str) -> None:
        page.screenshot(path=SCREENSHOT_DIR / f"aims-e2e-{name}.png", full_page=True)

    return shoot


@pytest.fixture
def login(new_page) -> Callable:
    """Log a user in through the real login form, in a browser context of their own."""
    from playwright.sync_api import expect

    def log_in(user, page=None):
        page = page or new_page()
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("heading", level=1, name="Dashboard")).to_be_visible()
        return page

    return log_in


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so fixtures can tell a failure."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
