"""Apply the database migrations, once, however many containers start at the same time.

Run by docker/entrypoint.sh before gunicorn. On PostgreSQL a session-level advisory lock
serialises concurrent runs: the first replica migrates, the others wait and then find
nothing left to apply. Other databases (SQLite in the embedded default) migrate directly.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aims.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

MIGRATION_LOCK_ID = 0x41494D53  # "AIMS"


def main() -> None:
    if connection.vendor != "postgresql":
        call_command("migrate", interactive=False)
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [MIGRATION_LOCK_ID])
    try:
        call_command("migrate", interactive=False)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [MIGRATION_LOCK_ID])


if __name__ == "__main__":
    main()
