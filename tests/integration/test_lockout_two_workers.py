"""Two real web server processes count one lockout: failed sign-ins alternate between them
and the account locks after five in all, in both (the counters live in the shared cache, not in
a worker's memory)."""

import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
from http.cookiejar import CookieJar
from pathlib import Path
from urllib import error, request
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db import connection

from tests.factories import PASSWORD, user_with_role

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 90


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database_url(tmp_path: Path) -> str:
    """The test database for another process: PostgreSQL's by name; SQLite's in-memory one
    copied to a file (the users the test made included)."""
    db = settings.DATABASES["default"]
    if connection.vendor == "postgresql":
        return (
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or 'localhost'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        )
    path = tmp_path / "aims.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    return f"sqlite:///{path}"


def _cache_url(backend: str, tmp_path: Path) -> str:
    if backend == "file":
        return f"file://{tmp_path / 'shared-cache'}"
    if backend == "locmem":
        return "locmem://"
    broker = os.environ.get("CELERY_BROKER_URL", "")
    if not broker.startswith("redis"):
        pytest.skip("no Redis (CELERY_BROKER_URL): the folder cache is tested instead")
    # The broker's database, this test process's own (each xdist worker has one, see
    # tests/conftest.py): the cache's keys (Django's ":1:..." ones) are emptied, Celery's kept.
    import redis

    client = redis.Redis.from_url(broker)
    for key in client.scan_iter(match=":1:*"):
        client.delete(key)
    return broker


@pytest.fixture
def owner(transactional_db, django_db_serialized_rollback):
    """Committed before the servers start (they copy or open the test database)."""
    return user_with_role("System owner", username="two_workers_owner")


@pytest.fixture
def two_servers(tmp_path, request, owner):
    """Two gunicorn processes (one worker each) on the test database and one shared cache."""
    env = {
        key: value for key, value in os.environ.items() if key in {"HOME", "LANG", "PATH", "TMPDIR"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="aims.settings",
        PYTHONDONTWRITEBYTECODE="1",
        DATABASE_URL=_database_url(tmp_path),
        AIMS_CACHE_URL=_cache_url(request.param, tmp_path),
        AIMS_VAR_DIR=str(tmp_path / "var"),
        AIMS_LOCKOUT_FAILURES="5",
        AIMS_TRUSTED_PROXY_COUNT="0",
    )
    servers, urls = [], []
    for n in range(2):
        port = _free_port()
        log = (tmp_path / f"web{n}.log").open("w")
        servers.append(
            (
                subprocess.Popen(
                    [sys.executable, "-m", "gunicorn", "aims.wsgi:application",
                     "--bind", f"127.0.0.1:{port}", "--workers", "1"],
                    cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                ),
                log,
            )
        )  # fmt: skip
        urls.append(f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + START_TIMEOUT
        for (server, _), url in zip(servers, urls, strict=True):
            while True:
                try:
                    if _open(Browser(), f"{url}/accounts/login/").status == 200:
                        break
                except OSError:
                    pass
                logs = "\n".join(p.read_text() for p in tmp_path.glob("web*.log"))
                assert server.poll() is None, f"a server exited:\n{logs}"
                assert time.monotonic() < deadline, f"a server never answered:\n{logs}"
                time.sleep(0.3)
        yield urls
    finally:
        for server, log in servers:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            log.close()


class _NoRedirect(request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Cookies (the CSRF cookie) shared by both servers, as a browser would: same host."""

    def __init__(self):
        self.opener = request.build_opener(request.HTTPCookieProcessor(CookieJar()), _NoRedirect())


class Answer:
    def __init__(self, status: int, body: bytes):
        self.status, self.text = status, body.decode()


def _open(browser: Browser, url: str, data: bytes | None = None, headers=None) -> Answer:
    req = request.Request(url, data=data, headers=headers or {})  # noqa: S310 (our servers)
    try:
        with browser.opener.open(req, timeout=10) as response:
            return Answer(response.status, response.read())
    except error.HTTPError as answer:
        return Answer(answer.code, answer.read())


def _sign_in(browser: Browser, base: str, username: str, password: str) -> Answer:
    page = _open(browser, f"{base}/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    body = urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": token}
    ).encode()
    return _open(browser, f"{base}/accounts/login/", body, {"Referer": f"{base}/accounts/login/"})


@pytest.mark.parametrize("two_servers", ["file", "redis"], indirect=True)
def test_two_workers_share_the_failure_count(owner, two_servers):
    a, b = two_servers
    browser = Browser()
    codes = [_sign_in(browser, base, owner.username, "wrong").status for base in (a, b, a, b)]
    assert codes == [200] * 4  # the form again: four failures, two per worker
    locked = _sign_in(browser, a, owner.username, "wrong")
    assert locked.status == 429, "the fifth failure, counted across both workers, locks"
    refused = _sign_in(browser, b, owner.username, PASSWORD)
    assert refused.status == 429
    assert "Sign-in paused" in refused.text
    token = _open(
        Browser(),
        f"{a}/api/v1/auth/token/",
        json.dumps({"username": owner.username, "password": PASSWORD}).encode(),
        {"Content-Type": "application/json"},
    )
    assert token.status == 429
    assert json.loads(token.text)["code"] == "locked_out"


@pytest.mark.parametrize("two_servers", ["locmem"], indirect=True)
def test_the_control_a_cache_per_process_would_let_the_attacker_through(owner, two_servers):
    """Why the shared cache matters (and that the test above can fail): with a cache local to
    each worker, the same five failures lock nothing."""
    a, b = two_servers
    browser = Browser()
    codes = [_sign_in(browser, base, owner.username, "wrong").status for base in (a, b, a, b, a)]
    assert codes == [200] * 5
