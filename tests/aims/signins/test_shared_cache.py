"""The shared cache from the environment, and the deployment check that refuses a cache local
to each process."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from aims.settings import cache_from_url
from aims.signins.checks import shared_cache_check


@pytest.mark.parametrize(
    "url,backend,location",
    [
        ("redis://redis:6379/1", "redis.RedisCache", "redis://redis:6379/1"),
        ("rediss://cache.example.org:6380/2", "redis.RedisCache", None),
        ("file:///srv/aims/cache", "filebased.FileBasedCache", "/srv/aims/cache"),
        ("locmem://", "locmem.LocMemCache", None),
    ],
)
def test_cache_from_url(url, backend, location):
    config = cache_from_url(url)
    assert config["BACKEND"] == f"django.core.cache.backends.{backend}"
    if location:
        assert config["LOCATION"] == location


def test_the_embedded_default_is_a_folder_under_var():
    from django.conf import settings

    config = cache_from_url("")
    assert config["BACKEND"].endswith("FileBasedCache")
    assert config["LOCATION"] == str(settings.VAR_DIR / "cache")


def test_an_unknown_scheme_is_refused():
    with pytest.raises(ImproperlyConfigured, match="memcached"):
        cache_from_url("memcached://localhost:11211")


def test_the_check_refuses_a_process_local_cache_and_warns_of_a_folder():
    def ids(url: str, production: bool) -> list[str]:
        caches = {"default": cache_from_url(url)}
        with override_settings(CACHES=caches, PRODUCTION=production):
            return [error.id for error in shared_cache_check(None)]

    assert ids("locmem://", production=False) == ["aims.E101"]
    assert ids("locmem://", production=True) == ["aims.E101"]
    assert ids("file:///tmp/x", production=True) == ["aims.W101"]
    assert ids("file:///tmp/x", production=False) == []
    assert ids("redis://redis:6379/1", production=True) == []
