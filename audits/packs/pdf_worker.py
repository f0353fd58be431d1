"""Rendering a pack's sections in parallel: WeasyPrint in worker processes.

Why processes
    WeasyPrint is pure Python for layout: one process renders on one core. A pack is already
    cut into independent sections (see :mod:`.render`), so on a machine with several cores
    the sections are laid out and written at the same time, each by a worker process, while
    the building process renders the next sections' templates.

Why plain subprocesses
    The pack is built inside a Celery worker, whose prefork children are daemonic and may not
    start :mod:`multiprocessing` children. A worker here is ``python -m
    audits.packs.pdf_worker``, started with :mod:`subprocess`, spoken to over its standard
    input and output with pickles. It imports neither Django nor the project's models: it
    receives HTML and a stylesheet and sends back PDF bytes, so it starts in a fraction of a
    second. A worker reads its next job when it is free; when the building process goes away
    (a Celery worker killed mid-pack), the worker's input closes and it ends.

The parent side is :class:`SectionPool`; :func:`render_section` is the one rendering both
sides use, so one process (``AIMS_PACK_RENDER_PROCESSES=1``) and many give the same PDF.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import threading
import time
import traceback
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from queue import Queue
from typing import Any

STRUCTURE_TYPES = ("/StructElem", "/OBJR")


@dataclass
class PartStructure:
    """A section's structure tree, taken out of its PDF before it is written: the serialized
    structure elements by object number, and the keys of its parent tree."""

    root: int  # the section's StructTreeRoot (its top elements point at it)
    tops: list[int]
    objects: dict[int, bytes]
    parent_tree: list[tuple[int, list[int] | int]]  # key -> elements of a page, or one element
    lang: str = ""


@dataclass
class Part:
    pdf: bytes
    structure: PartStructure | None = None


@dataclass
class RenderedSection:
    """What a render gives back: the section's PDF part, its page count, the page index
    (0-based, within the section) of each anchor asked for, and the time inside WeasyPrint."""

    part: Part
    pages: int
    anchors: dict[str, int]
    weasyprint_s: float


def _number(reference) -> int:
    return int(bytes(reference if isinstance(reference, bytes) else str(reference).encode())
               .split()[0])  # fmt: skip


def take_structure(pdf) -> PartStructure | None:
    """WeasyPrint finisher: keep the section's structure elements, serialized, and leave the
    written section without them (empty dictionaries in their place).

    Why: read back with pypdf and copied object by object, a tagged section's thousands of
    structure elements cost more than the rest of the merge; as bytes they are only
    renumbered (:class:`.render.StructureMerger`).
    """
    root_ref = pdf.catalog.pop("StructTreeRoot", None)
    if root_ref is None:
        return None
    root = pdf.objects[_number(root_ref)]
    mapping = pdf.objects[_number(root["ParentTree"])]
    nums = list(mapping["Nums"])
    objects = {}
    for obj in pdf.objects:
        if isinstance(obj, dict) and obj.get("Type") in STRUCTURE_TYPES:
            objects[obj.number] = obj.data
            obj.clear()
    structure = PartStructure(
        root=root.number,
        tops=[_number(ref) for ref in root["K"]],
        objects=objects,
        parent_tree=[
            (int(key), [_number(r) for r in value] if isinstance(value, list) else _number(value))
            for key, value in zip(nums[::2], nums[1::2], strict=True)
        ],
        lang=str(getattr(pdf.catalog.get("Lang"), "string", "") or ""),
    )
    root.clear()
    mapping.clear()
    return structure


class Styles:
    """A renderer's stylesheet and fonts, made once per process and reused by its renders."""

    def __init__(self, css: str, base_url: str):
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        self.fonts = FontConfiguration()
        self.css = CSS(string=css, font_config=self.fonts)
        self.base_url = base_url


def render_section(styles: Styles, markup: str, anchors: list[str]) -> RenderedSection:
    """Lay out one section, note the page of each anchor asked for, and write it as a tagged
    PDF part. The layout is released when this returns."""
    from weasyprint import HTML

    t0 = time.perf_counter()
    document = HTML(string=markup, base_url=styles.base_url).render(
        stylesheets=[styles.css], font_config=styles.fonts
    )
    wanted = set(anchors)
    found: dict[str, int] = {}
    for index, page in enumerate(document.pages):
        for anchor in page.anchors:
            if anchor in wanted and anchor not in found:
                found[anchor] = index
    captured: list[PartStructure | None] = []
    data = document.write_pdf(
        pdf_tags=True, finisher=lambda _, pdf: captured.append(take_structure(pdf))
    )
    part = Part(data, captured[0] if captured else None)
    return RenderedSection(part, len(document.pages), found, time.perf_counter() - t0)


# --- The worker process -----------------------------------------------------------------------


def serve(source, sink) -> None:
    """A worker's loop: the first message is ``(css, base_url)``, each next one a job
    ``(markup, anchors)``; each job is answered ``("ok", RenderedSection)`` or ``("error",
    text)``. Ends when the input closes."""
    css, base_url = pickle.load(source)  # noqa: S301 -- a pipe from our own parent
    styles = Styles(css, base_url)
    while True:
        try:
            markup, anchors = pickle.load(source)  # noqa: S301 -- our parent's pipe
        except EOFError:
            return
        try:
            answer = ("ok", render_section(styles, markup, anchors))
        except Exception:  # noqa: BLE001 -- sent back whole, raised in the building process
            answer = ("error", traceback.format_exc())
        del markup
        pickle.dump(answer, sink, protocol=pickle.HIGHEST_PROTOCOL)
        sink.flush()


def main() -> None:
    # Our answers go out on the original standard output; anything a library prints goes to
    # standard error instead, so it can never be read as an answer.
    sink = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    serve(sys.stdin.buffer, sink)


# --- The building process's side ----------------------------------------------------------------


class WorkerFailed(RuntimeError):
    """A worker process failed to render a section (its traceback is the message) or died."""


class Worker:
    def __init__(self, css: str, base_url: str, niceness: int = 0):
        root = Path(__file__).resolve().parents[2]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [
            str(root), os.environ.get("PYTHONPATH", "")]))}  # fmt: skip
        self.process = subprocess.Popen(  # noqa: S603 -- our own module, no shell
            [sys.executable, "-m", "audits.packs.pdf_worker"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=root, env=env,
        )  # fmt: skip
        # Lowered from here (the worker imports no Django): background work gives way to pages.
        from aims.background_priority import lower_priority

        lower_priority(niceness, pid=self.process.pid)
        self._send((css, base_url))

    def _send(self, message: Any) -> None:
        pickle.dump(message, self.process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
        self.process.stdin.flush()

    def render(self, markup: str, anchors: list[str]) -> RenderedSection:
        try:
            self._send((markup, anchors))
            status, value = pickle.load(self.process.stdout)  # noqa: S301 -- our child
        except (EOFError, BrokenPipeError, pickle.UnpicklingError) as error:
            code = self.process.poll()
            raise WorkerFailed(f"The PDF worker process ended (exit code {code}).") from error
        if status != "ok":
            raise WorkerFailed(value)
        return value

    def close(self) -> None:
        try:
            self.process.stdin.close()
            self.process.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()


class SectionPool:
    """Renders sections in ``processes`` worker processes; ``submit`` answers a future.

    At most ``2 × processes`` sections wait for a worker at a time (``submit`` blocks beyond
    that), so the markup of a long pack is never all in memory at once. With one process the
    sections are rendered in this process, in order, with no worker started.
    """

    def __init__(self, css: str, base_url: str, processes: int, niceness: int = 0):
        self.processes = max(1, processes)
        self.styles: Styles | None = None
        self.workers: Queue[Worker] = Queue()
        self.started: list[Worker] = []
        self.executor: ThreadPoolExecutor | None = None
        self.room = threading.BoundedSemaphore(2 * self.processes)
        if self.processes == 1:
            self.styles = Styles(css, base_url)
            return
        self.executor = ThreadPoolExecutor(self.processes, thread_name_prefix="pack-pdf")
        try:
            for _ in range(self.processes):
                worker = Worker(css, base_url, niceness)
                self.started.append(worker)
                self.workers.put(worker)
        except Exception:
            self.close()
            raise

    def submit(self, markup: str, anchors: list[str]) -> Future:
        if self.styles is not None:
            future: Future = Future()
            future.set_result(render_section(self.styles, markup, anchors))
            return future
        self.room.acquire()
        return self.executor.submit(self._render, markup, anchors)

    def _render(self, markup: str, anchors: list[str]) -> RenderedSection:
        worker = self.workers.get()
        try:
            return worker.render(markup, anchors)
        finally:
            self.workers.put(worker)
            self.room.release()

    def close(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
        for worker in self.started:
            worker.close()

    def __enter__(self) -> SectionPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


if __name__ == "__main__":
    # Run from the module imported by its own name, so the answers' classes pickle as
    # ``audits.packs.pdf_worker.*`` (not ``__main__.*``), which the parent can load.
    from audits.packs import pdf_worker

    pdf_worker.main()
