import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from aims.roles import APPROVER, AUDITOR, OFFICER, OWNER

from .factories import make_system, user_with_role


@pytest.fixture
def officer(db):
    return user_with_role(OFFICER, username="officer_t")


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
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    """Uploaded files go to a temporary folder; throttle counters start empty."""
    settings.MEDIA_ROOT = tmp_path / "media"
    # Users are created per test: a fast hasher keeps the suite quick (not a security path).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    yield
    cache.clear()
