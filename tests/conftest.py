import os
import re

import pytest
from django.conf import settings
from django.core.cache import cache
from rest_framework.test import APIClient

from aims.roles import APPROVER, AUDITOR, OFFICER, OWNER

from .factories import make_system, user_with_role


def _own_redis_database_per_xdist_worker() -> None:
    """Under pytest-xdist each worker process gets its own Redis database: the configured one
    plus the worker's index (gw0 the configured one, gw1 the next). Integration tests start a
    real Celery worker on the broker; two of them on one database would take each other's
    tasks. Django has read its settings by now, Celery not yet (it reads them on first use);
    the worker processes the tests start inherit the environment."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    broker = os.environ.get("CELERY_BROKER_URL", "")
    match = re.fullmatch(r"(rediss?://[^/]*)/(\d+)", broker)
    if not worker.startswith("gw") or match is None:
        return
    own = f"{match[1]}/{int(match[2]) + int(worker.removeprefix('gw'))}"
    os.environ["CELERY_BROKER_URL"] = settings.CELERY_BROKER_URL = own
    backend = settings.CELERY_RESULT_BACKEND
    if backend == broker:
        settings.CELERY_RESULT_BACKEND = own
    if os.environ.get("CELERY_RESULT_BACKEND") == broker:
        os.environ["CELERY_RESULT_BACKEND"] = own


_own_redis_database_per_xdist_worker()


def _outside_the_guard(method):
    """Run a test-database reset with PostgreSQL's triggers off (as a database superuser
    does): the history guard refuses TRUNCATE of history, which a transactional test's flush
    issues, and back-dated rows, which restoring a serialized snapshot inserts."""

    def wrapper(self, *args, **kwargs):
        connection = getattr(self, "connection", None)
        if connection is None or connection.vendor != "postgresql":
            return method(self, *args, **kwargs)
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
        try:
            return method(self, *args, **kwargs)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = origin")

    return wrapper


def _patch_test_database_resets() -> None:
    from django.db.backends.base.creation import BaseDatabaseCreation
    from django.db.backends.base.operations import BaseDatabaseOperations

    BaseDatabaseOperations.execute_sql_flush = _outside_the_guard(
        BaseDatabaseOperations.execute_sql_flush
    )
    BaseDatabaseCreation.deserialize_db_from_string = _outside_the_guard(
        BaseDatabaseCreation.deserialize_db_from_string
    )


_patch_test_database_resets()


@pytest.fixture
def officer(db):
    return user_with_role(OFFICER, username="officer_t")


@pytest.fixture
def officer2(db):
    """A second governance officer (segregation of duties between officers)."""
    return user_with_role(OFFICER, username="officer2_t")


@pytest.fixture
def approver(db):
    return user_with_role(APPROVER, username="approver_t")


@pytest.fixture
def approver2(db):
    return user_with_role(APPROVER, username="approver2_t")


@pytest.fixture
def owner(db):
    return user_with_role(OWNER, username="owner_t")


@pytest.fixture
def other_owner(db):
    return user_with_role(OWNER, username="owner2_t")


@pytest.fixture
def auditor(db):
    return user_with_role(AUDITOR, username="auditor_t")


@pytest.fixture
def nobody(db):
    """Logged in, but in no role."""
    return user_with_role(None, username="nobody_t")


@pytest.fixture
def system(owner):
    return make_system(owner)


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def api_as(api):
    def login(user):
        api.force_authenticate(user)
        return api

    return login


@pytest.fixture
def client_as(client):
    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture(autouse=True)
def eager_celery(request, settings):
    """Run tasks in-process in ordinary tests even when a broker is configured (CI sets one);
    tests marked ``integration`` talk to the real broker and worker instead."""
    from aims.celery import app

    if request.node.get_closest_marker("integration"):
        yield
        return
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    # Long jobs (evidence packs) run in the request too, not in a background thread, so a test
    # reads their outcome at once (tests/audits/test_pack_background.py covers the thread).
    settings.AIMS_BACKGROUND_THREAD_TASKS = False
    # Webhook tests deliver to a receiver on 127.0.0.1 (tests/aims/webhooks).
    settings.AIMS_WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(scope="session")
def cache_folder(tmp_path_factory):
    """The folder cache of this test run: never the developer's var/cache, nor another run's."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path, cache_folder):
    """Uploaded files go to a temporary folder; throttle and lockout counters start empty."""
    settings.MEDIA_ROOT = tmp_path / "media"
    if settings.CACHES["default"]["BACKEND"].endswith("FileBasedCache"):
        settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": str(cache_folder)}}
    # Users are created per test: a fast hasher keeps the suite quick (not a security path).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    yield
    cache.clear()
