"""Faults survived (issue 21), with real services the tests start and stop themselves:
Redis stopped when a pack is requested, a worker killed mid-pack, PostgreSQL restarted
between and during writes. (A storage failure during an upload: tests/aims/
test_evidence_storage_faults.py.)"""

import json
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from .throwaway import ROOT, Postgres, Redis, free_port, run_scenario, stop, wait_for_port

pytestmark = pytest.mark.integration
FAULTS = Path(__file__).parent / "faults"


def _scenario_env() -> dict:
    """The scenario's own database (beside this run's: never the same test database) on the
    configured PostgreSQL; the broker is the scenario's own Redis."""
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        message = "a worker process cannot share SQLite's in-memory test database"
        if __import__("os").environ.get("AIMS_REQUIRE_SERVICES"):
            pytest.fail(f"AIMS_REQUIRE_SERVICES is set but the database is SQLite: {message}")
        pytest.skip(message)
    name = db["NAME"].removeprefix("test_") + "_faults"
    port = free_port()
    Redis(port)  # skips (or fails in CI) when redis-server is missing
    return {
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or 'localhost'}:"
            f"{db['PORT'] or 5432}/{name}"
        ),
        "CELERY_BROKER_URL": f"redis://127.0.0.1:{port}/0",
        "FAULT_REDIS_PORT": str(port),
        "AIMS_TASK_LEASE_SECONDS": "4",
        "AIMS_BROKER_VISIBILITY_TIMEOUT": "8",
    }


def test_redis_down_when_a_pack_is_requested():
    run_scenario(FAULTS / "scenario_broker_down.py", _scenario_env())


def test_worker_killed_in_the_middle_of_a_pack():
    run_scenario(FAULTS / "scenario_worker_killed.py", _scenario_env())


# --- PostgreSQL restarted under a real server ----------------------------------------------


def _call(url: str, token: str, method: str = "GET", body: dict | None = None):
    request = urllib.request.Request(  # noqa: S310 -- the test server on 127.0.0.1
        url, method=method, data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json",
                 "Accept": "application/json"},
    )  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


SETUP = """
from aims.accounts.services import token_issue_for_signin
from aims.roles import OFFICER
from tests.factories import user_with_role
user = user_with_role(OFFICER, username="fault_officer")
print("TOKEN", token_issue_for_signin(user=user)[1])
"""


@pytest.fixture(scope="module")
def restartable_server(tmp_path_factory):
    """gunicorn on a PostgreSQL cluster of the test's own, with persistent connections (the
    case where a restart leaves every worker holding a dead connection). Migrated once for
    the module's tests."""
    import psycopg

    tmp_path = tmp_path_factory.mktemp("restartable")
    pg = Postgres(free_port()).start()
    server = None
    try:
        with psycopg.connect(pg.url("postgres"), autocommit=True) as conn:
            conn.execute("CREATE DATABASE aims_fault")
        env = {
            **__import__("os").environ,
            "DATABASE_URL": pg.url("aims_fault"),
            "DB_CONN_MAX_AGE": "600",
            "DEBUG": "0",
            "MEDIA_ROOT": str(tmp_path / "media"),
        }
        env.pop("CELERY_BROKER_URL", None)  # builds run in the server's background thread
        manage = [sys.executable, "manage.py"]
        subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env,
                       check=True, capture_output=True, timeout=1200)  # fmt: skip
        out = subprocess.run([*manage, "shell", "-c", SETUP], cwd=ROOT, env=env, check=True,
                             capture_output=True, text=True, timeout=300).stdout  # fmt: skip
        token = next(line.split()[1] for line in out.splitlines() if line.startswith("TOKEN"))
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "aims.wsgi:application", "-b",
             f"127.0.0.1:{port}", "-w", "1", "--timeout", "300"],
            cwd=ROOT, env=env, stdout=(tmp_path / "server.log").open("wb"),
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        wait_for_port(port, timeout=120)
        yield pg, f"http://127.0.0.1:{port}", token
    finally:
        if server is not None:
            stop(server)
        pg.destroy()


def _count(pg: Postgres, table: str) -> int:
    import psycopg

    with psycopg.connect(pg.url("aims_fault"), autocommit=True) as conn:
        return conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]


def test_postgres_restarted_between_requests_the_next_request_reconnects(restartable_server):
    pg, base, token = restartable_server
    assert _call(f"{base}/api/v1/evidence-packs/", token)[0] == 200
    pg.restart()
    # The server's persistent connection died with the restart: checked before reuse, and a
    # new one made, so the user sees nothing of it.
    status, body = _call(f"{base}/api/v1/evidence-packs/", token)
    assert status == 200, body


def test_postgres_restarted_during_a_write_is_a_clear_503_and_nothing_half_written(
    restartable_server,
):
    """The write (a pack and its history row, one transaction) is held half-way, its pack
    row inserted and its history row waiting on a lock, when the database restarts: the
    answer is a 503 with a code, nothing of it is kept, and the same request then works."""
    import psycopg

    pg, base, token = restartable_server
    url = f"{base}/api/v1/evidence-packs/"
    assert _call(url, token)[0] == 200  # the server holds a connection already
    blocker = psycopg.connect(pg.url("aims_fault"))
    blocker.execute("LOCK TABLE audits_historicalevidencepack IN ACCESS EXCLUSIVE MODE")
    answer: dict = {}
    writer = threading.Thread(
        target=lambda: answer.update(result=_call(url, token, "POST", {"scope": "whole"}))
    )
    writer.start()
    with psycopg.connect(pg.url("aims_fault"), autocommit=True) as watch:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:  # until the write waits inside its transaction
            waiting = watch.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
            ).fetchone()[0]
            if waiting:
                break
            time.sleep(0.1)
        assert waiting, "the write never reached the locked table"
        assert watch.execute("SELECT count(*) FROM audits_evidencepack").fetchone()[0] == 0
    pg.restart()
    writer.join(timeout=180)
    blocker.close()
    status, body = answer["result"]
    assert status == 503, body
    assert body["code"] == "database_unavailable"
    assert "nothing was saved" in body["message"]
    assert _count(pg, "audits_evidencepack") == 0
    assert _count(pg, "audits_historicalevidencepack") == 0
    status, body = _call(url, token, "POST", {"scope": "whole"})
    assert status == 201, body
    assert _count(pg, "audits_evidencepack") == 1
