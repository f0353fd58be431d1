import os
import time
from pathlib import Path

from django.conf import settings

from audits.models import EvidencePack


def worker_env(tmp_path: Path) -> dict:
    """The worker's environment: the test database (pytest-django's), the test's media."""
    db = settings.DATABASES["default"]
    return {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or 'localhost'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "DJANGO_SETTINGS_MODULE": "aims.settings",
    }


def wait_for(pack: EvidencePack, done, timeout: float = 300) -> EvidencePack:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pack.refresh_from_db()
        if done(pack):
            return pack
        time.sleep(0.05)
    raise AssertionError(f"{pack.reference} stayed {pack.status} ({pack.progress}%, {pack.step})")


def finished(pack: EvidencePack) -> bool:
    return pack.status in (EvidencePack.Status.READY, EvidencePack.Status.FAILED)
