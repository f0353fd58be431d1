"""Demo records of the management system, loaded by ``manage.py load_demo`` after the
inventory. Each domain that has demo records keeps them in its own ``demo`` module
(``aims/<domain>/demo.py``) with an idempotent ``load(*, stdout)``."""

import importlib
import importlib.util

PARTS = ("aims.ms.demo", "aims.competence.demo", "aims.evidence.demo", "aims.reminders.demo")


def load(*, stdout) -> None:
    for part in PARTS:
        if importlib.util.find_spec(part) is not None:
            importlib.import_module(part).load(stdout=stdout)
