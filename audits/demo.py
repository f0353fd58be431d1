"""Demo records of the audits app, loaded by ``manage.py load_demo`` after the other apps.
Each domain with demo records has its own ``audits/<domain>/demo.py`` with an idempotent
``load(*, stdout)``."""

import importlib

PARTS = ("soa", "internal_audits", "plan", "certification")


def load(*, stdout) -> None:
    for part in PARTS:
        importlib.import_module(f"audits.{part}.demo").load(stdout=stdout)
