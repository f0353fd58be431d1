"""Background work runs at a lower scheduling priority than the pages (AIMS_BACKGROUND_NICENESS):
the Celery worker and the PDF processes of a pack build give way to requests on a shared
machine, instead of making everybody wait behind a pack."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from aims.background_priority import lower_priority
from audits.packs.pdf_worker import SectionPool

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(not hasattr(os, "getpriority"), reason="Unix priorities")


def run_python(code: str, **env: str) -> str:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "aims.settings", **env}
    done = subprocess.run(  # noqa: S603 -- our own interpreter and code
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True,
        text=True, timeout=120, check=True,
    )  # fmt: skip
    return done.stdout.strip()


def test_a_packs_pdf_processes_run_at_the_background_priority():
    own = os.getpriority(os.PRIO_PROCESS, 0)
    pool = SectionPool("body { margin: 0 }", str(ROOT), processes=2, niceness=own + 7)
    try:
        pids = [worker.process.pid for worker in pool.started]
        assert len(pids) == 2
        assert [os.getpriority(os.PRIO_PROCESS, pid) for pid in pids] == [own + 7, own + 7]
        # and they still render
        section = pool.submit("<h1 id='a'>Section</h1>", ["a"]).result(timeout=120)
        assert section.pages >= 1
    finally:
        pool.close()


def test_the_celery_worker_lowers_its_priority_as_it_starts():
    code = (
        "import os, django; django.setup()\n"
        "from celery.signals import worker_init\n"
        "before = os.getpriority(os.PRIO_PROCESS, 0)\n"
        "worker_init.send(sender=None)\n"
        "print(before, os.getpriority(os.PRIO_PROCESS, 0))"
    )
    before, after = map(int, run_python(code, AIMS_BACKGROUND_NICENESS="12").split())
    assert after == max(before, 12)
    before, after = map(int, run_python(code, AIMS_BACKGROUND_NICENESS="0").split())
    assert after == before  # 0 leaves the worker as it was started


def test_a_priority_is_never_raised_back():
    code = (
        "import os\n"
        "os.setpriority(os.PRIO_PROCESS, 0, 15)\n"
        "from aims.background_priority import lower_priority\n"
        "print(lower_priority(5))"
    )
    assert run_python(code) == "15"  # what an operator set (nice -n 15) stays
    assert lower_priority(-5) == os.getpriority(os.PRIO_PROCESS, 0)
