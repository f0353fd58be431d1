"""``check --deploy``: production needs a cache that every web worker shares, or each worker
counts lockouts and throttles on its own (an attacker gets one allowance per worker)."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

PROCESS_LOCAL = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}
ONE_MACHINE = {"django.core.cache.backends.filebased.FileBasedCache"}


@register(Tags.caches, Tags.security, deploy=True)
def shared_cache_check(app_configs, **kwargs):
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    hint = "Set AIMS_CACHE_URL (or REDIS_URL) to a Redis database, e.g. redis://redis:6379/1."
    if backend in PROCESS_LOCAL:
        return [
            Error(
                "The default cache is local to each process: sign-in lockouts and API "
                "throttles would be counted per worker.",
                hint=hint,
                id="aims.E101",
            )
        ]
    if backend in ONE_MACHINE and getattr(settings, "PRODUCTION", False):
        return [
            Warning(
                "The default cache is a folder: it is shared by the processes of one machine "
                "only, and counts lockouts without atomic increments.",
                hint=hint,
                id="aims.W101",
            )
        ]
    return []
