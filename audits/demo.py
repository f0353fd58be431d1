"""Demo records of the audits app, loaded by ``manage.py load_demo`` after the other apps.
Each part lives in its own ``audits/demo_<part>.py`` with an idempotent ``load(*, stdout)``."""

import importlib
import importlib.util

PARTS = ("demo_soa", "demo_internal_audits")


def load(*, stdout) -> None:
    for part in PARTS:
        if importlib.util.find_spec(f"audits.{part}") is not None:
            importlib.import_module(f"audits.{part}").load(stdout=stdout)
