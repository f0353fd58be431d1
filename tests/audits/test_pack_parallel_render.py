"""Evidence packs laid out in parallel WeasyPrint processes: the same PDF as one process gives,
and a worker that fails or dies fails the build with a reason instead of hanging."""

import io
import signal

import pytest
from pypdf import PdfReader

from audits.models import EvidencePack
from audits.packs import gather as packs
from audits.packs import render as pack_render
from audits.packs.pdf_worker import SectionPool, WorkerFailed

from ..factories import make_system

pytestmark = pytest.mark.django_db
CSS = "@page { size: A4; margin: 20mm }"


def outline(reader: PdfReader) -> list[tuple[str, int]]:
    """(title, page number) of every bookmark, nested ones included, in order."""
    found = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                found.append((item.title, reader.get_destination_page_number(item) + 1))

    walk(reader.outline)
    return found


def render(context, processes: int) -> PdfReader:
    stats: dict = {}
    pdf, pages = pack_render.render_pack(context, stats=stats, processes=processes)
    assert stats["processes"] == processes
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == pages
    return reader


def test_two_processes_give_the_same_pack_as_one(owner, officer):
    for number in range(3):
        make_system(owner, name=f"Claims triage model {number}")
    pack = EvidencePack.objects.create(scope="whole", requested_by=officer)
    context = packs.gather(pack, lambda *_: None)
    one = render(context, processes=1)
    two = render(context, processes=2)
    assert len(two.pages) == len(one.pages) > 3
    assert [page.extract_text() for page in two.pages] == [
        page.extract_text() for page in one.pages
    ]
    assert outline(two) == outline(one)
    assert any(title.endswith("Claims triage model 2") for title, _ in outline(two))
    # still one tagged document, as assistive technology reads it
    assert two.trailer["/Root"]["/StructTreeRoot"]["/K"]["/S"] == "/Document"


def test_a_section_the_worker_cannot_render_fails_with_its_reason():
    with SectionPool(CSS, "/", processes=2) as pool:
        good = pool.submit("<h1 id=a>Scope</h1>", ["a"])
        bad = pool.submit("<p>x</p>", None)  # not a list of anchors: the worker's render fails
        assert good.result().anchors == {"a": 0}
        with pytest.raises(WorkerFailed, match="TypeError"):
            bad.result()
        # the worker that reported the failure keeps serving
        assert pool.submit("<p id=b>Next</p>", ["b"]).result().pages == 1


def test_a_worker_killed_mid_pack_fails_the_render_instead_of_hanging():
    with SectionPool(CSS, "/", processes=2) as pool:
        for worker in pool.started:
            worker.process.send_signal(signal.SIGKILL)
            worker.process.wait()
        with pytest.raises(WorkerFailed, match="ended"):
            pool.submit("<p>Lost</p>", []).result(timeout=30)


def test_workers_end_when_the_pool_is_closed():
    pool = SectionPool(CSS, "/", processes=2)
    pool.submit("<p id=c>Once</p>", ["c"]).result()
    pool.close()
    # each ended on its own when its input closed (exit code 0), none had to be killed
    assert [worker.process.returncode for worker in pool.started] == [0, 0]


def test_one_process_starts_no_worker():
    with SectionPool(CSS, "/", processes=1) as pool:
        assert pool.submit("<p id=d>Here</p>", ["d"]).result().anchors == {"d": 0}
        assert pool.started == []
