"""Demo records of the management system, loaded by ``manage.py load_demo`` after the
inventory. Each part lives in its own ``aims/demo_<part>.py`` with an idempotent
``load(*, stdout)``."""

import importlib
import importlib.util

PARTS = ("demo_ms", "demo_competence", "demo_evidence", "demo_reminders")


def load(*, stdout) -> None:
    for part in PARTS:
        if importlib.util.find_spec(f"aims.{part}") is not None:
            importlib.import_module(f"aims.{part}").load(stdout=stdout)
