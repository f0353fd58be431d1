"""Rendering an evidence pack: WeasyPrint section by section, merged into one PDF with pypdf.

Why sections
    WeasyPrint keeps the layout of every page of a document in memory until the PDF is
    written, so one document of the whole AIMS needs memory in proportion to its pages (about
    2 GiB for the reference organisation of 200 systems). Rendered in sections, only one
    section's layout is alive at a time: peak memory is bounded by the largest section, and
    build time grows linearly with the content (long tables are also cut into chunks inside a
    section, since WeasyPrint's time on one very long table grows faster than its rows).

How
    1. :func:`plan_sections` cuts the body into sections: management system (scope, policy,
       objectives, training), the requirements of clauses 4-10 and the Statement of Applicability,
       inventory, the AI systems in batches of about ``ROWS_PER_RENDER`` table rows,
       suppliers, internal audits, management reviews, corrective actions, evidence and the
       audit trail (a long register continues in further sections). Every section starts on
       a new page.
    2. Each section's template is rendered here; its WeasyPrint render (one stylesheet and
       font configuration per process) runs in a pool of worker processes, several sections
       at a time on several cores (:mod:`.pdf_worker`, ``AIMS_PACK_RENDER_PROCESSES``). A
       worker writes the section to PDF bytes and releases its layout before the next one.
       While the layout is alive, the page of every anchor the contents list is read off its
       pages (``page.anchors``); the sections are collected in order, so each contents entry
       gets its page in the body.
    3. The front matter (cover and contents) is rendered last, when every page number is
       known. Its own length shifts the body, so it is rendered assuming a length and again
       if the assumption was wrong; it is a few pages long, so this costs little.
    4. pypdf appends the pages of all parts, then stamps "Page X of Y" in the bottom margin
       of every page: a few bytes of content stream added to each page in standard Helvetica
       (no font embedded, no page content parsed), so numbering is continuous across the
       sections. The header (pack reference and scope) is constant text that each section
       draws itself from the shared ``@page`` rules. Finally it adds an outline (bookmarks)
       and turns the contents entries into links to their pages.
    5. Sections are written tagged (``pdf_tags``) and :class:`StructureMerger` joins their
       structure trees into one, so the pack stays readable by assistive technology; the page
       numbers are marked as artifacts.
"""

import io
import os
import re
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from .gather import chunks
from .pdf_worker import Part, PartStructure, RenderedSection, SectionPool

ROWS_PER_RENDER = 600  # table rows per WeasyPrint render: about 20 pages
TOC_SCHEME = "aims-toc:"  # contents links, turned into links to pages after merging
FOOTER_SIZE = 8  # pt
FOOTER_Y = 28  # pt above the bottom edge, in the 20 mm bottom margin
# Helvetica glyph widths (1/1000 em) of the characters of "Page 12 of 345".
HELVETICA = {"P": 667, "a": 556, "g": 556, "e": 556, " ": 278, "o": 556, "f": 278,
             **dict.fromkeys("0123456789", 556)}  # fmt: skip


@dataclass
class TocEntry:
    anchor: str
    title: str
    level: int = 1
    page: int | None = None  # 1-based, in the whole document


@dataclass
class Section:
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    toc: list[TocEntry] = field(default_factory=list)


def batches(items: Iterable, weight: Callable[[Any], int], limit: int | None = None):
    """Consecutive groups of items whose weights add up to about ``limit`` (by default
    ``ROWS_PER_RENDER``); a group is never empty."""
    limit = limit or ROWS_PER_RENDER
    batch, total = [], 0
    for item in items:
        if batch and total + weight(item) > limit:
            yield batch
            batch, total = [], 0
        batch.append(item)
        total += weight(item)
    if batch:
        yield batch


def _parts(template: str, rows: list, entry: TocEntry, **extra) -> Iterator[Section]:
    """A register as one section per ``ROWS_PER_RENDER`` rows; the first carries the heading
    (and the contents entry), the others say they continue it."""
    parts = [rows[i : i + ROWS_PER_RENDER] for i in range(0, len(rows), ROWS_PER_RENDER)]
    for number, part in enumerate(parts or [[]]):
        context = {"rows": part, "row_chunks": chunks(part), "first": number == 0,
                   "anchor": entry.anchor, **extra}  # fmt: skip
        yield Section(template, context, [entry] if number == 0 else [])


def _grouped(template: str, items: list, key: str, entry: TocEntry, weight, child) -> Iterator:
    """Records with sub-tables (suppliers, audits, reviews) in batches; a contents entry for
    the register and one per record."""
    groups = list(batches(items, weight)) or [[]]
    for number, group in enumerate(groups):
        toc = [entry] if number == 0 else []
        toc += [child(item) for item in group]
        yield Section(template, {key: group, "first": number == 0, "anchor": entry.anchor}, toc)


def plan_sections(context: dict[str, Any]) -> Iterator[Section]:
    """The body of the pack, in order, as sections to render one by one. A pack made for an
    external audit follows its stage: stage 1 opens with the documented information and the
    readiness (gaps included) and leaves out the operating records; stage 2 (and
    surveillance, recertification) opens with the operating records of the period and keeps
    the documented information for the end."""
    parts = _section_parts(context)
    scope = context["pack"].scope
    if scope == "stage1":
        order = ["management", "soa", "readiness", "inventory", "audits", "reviews",
                 "evidence", "trail"]  # fmt: skip
    elif scope == "operations":
        order = ["inventory", "systems", "audits", "reviews", "capa", "suppliers", "evidence",
                 "management", "soa", "trail"]  # fmt: skip
    else:
        order = ["management", "soa", "inventory", "systems", "suppliers", "audits", "reviews",
                 "capa", "evidence", "trail"]  # fmt: skip
    for name in order:
        yield from parts[name]()


def _section_parts(context: dict[str, Any]) -> dict[str, Callable[[], Iterator[Section]]]:
    ms = context["ms"]

    def management():
        yield Section(
            "audits/pdf/management.html",
            toc=[TocEntry("scope", "Scope of the AI management system"),
                 TocEntry("policy", "AI policy"),
                 TocEntry("objectives", "AI objectives"),
                 TocEntry("training", "Competence and training")],
        )  # fmt: skip

    def soa():
        sections = list(_parts("audits/pdf/soa.html", ms.soa_rows,
                               TocEntry("soa", "Statement of Applicability")))  # fmt: skip
        # The clause requirements are a short list fixed by the standard: they open the first
        # SoA section rather than take a render of their own (each render pays for its fonts).
        sections[0].toc.insert(0, TocEntry("clauses", "Requirements of clauses 4 to 10"))
        sections[0].context.update(clause_chunks=chunks(ms.clause_rows))
        yield from sections

    def readiness():
        if context.get("readiness") is not None:
            yield Section(
                "audits/pdf/readiness.html",
                toc=[TocEntry("readiness", "Readiness for certification and open gaps")],
            )

    def inventory():
        yield from _parts("audits/pdf/inventory.html", context["systems"],
                          TocEntry("inventory", "AI system inventory"))  # fmt: skip

    def systems():
        for number, batch in enumerate(batches(context["sections"], lambda s: s.rows)):
            toc = [TocEntry(f"system-{batch[0].system.pk}", "AI systems")] if number == 0 else []
            toc += [TocEntry(f"system-{s.system.pk}", f"{s.system.reference} {s.system.name}", 2)
                    for s in batch]  # fmt: skip
            yield Section("audits/pdf/systems.html", {"batch": batch}, toc)

    def suppliers():
        yield from _grouped(
            "audits/pdf/suppliers.html", context["supplier_sections"], "suppliers",
            TocEntry("suppliers", "Suppliers"), lambda s: s.rows,
            lambda s: TocEntry(f"supplier-{s.supplier.pk}",
                               f"{s.supplier.reference} {s.supplier.name}", 2),
        )  # fmt: skip

    def audits():
        yield from _grouped(
            "audits/pdf/internal_audits.html", ms.audits, "audits",
            TocEntry("audits", "Internal audits and findings"),
            lambda a: 12 + len(a.findings_in_pack) * 2,
            lambda a: TocEntry(f"audit-{a.pk}", f"{a.reference} {a.title}", 2),
        )  # fmt: skip

    def reviews():
        yield from _grouped(
            "audits/pdf/reviews.html", ms.reviews, "reviews",
            TocEntry("reviews", "Management reviews"),
            lambda r: 15 + len(r.actions_in_pack) + len(r.input_lines),
            lambda r: TocEntry(f"review-{r.pk}", f"{r.reference} {r.title}", 2),
        )  # fmt: skip

    def capa():
        yield from _parts("audits/pdf/capa.html", context["capas"],
                          TocEntry("capa", "Corrective actions"))  # fmt: skip

    def evidence():
        yield from _parts("audits/pdf/evidence.html", context["evidence"],
                          TocEntry("evidence", "Evidence files"))  # fmt: skip

    def trail():
        yield from _parts("audits/pdf/trail.html", context["trail"],
                          TocEntry("trail", "Audit trail"))  # fmt: skip

    return {f.__name__: f for f in (management, soa, readiness, inventory, systems, suppliers,
                                    audits, reviews, capa, evidence, trail)}  # fmt: skip


def css_string(text: str) -> str:
    """``text`` as a CSS string literal (quotes, backslashes and line breaks escaped)."""
    escaped = "".join(c if c.isalnum() or c in " -_.,:;()/·" else f"\\{ord(c):x} " for c in text)
    return f'"{escaped}"'


class Renderer:
    """One pack's stylesheet, its pool of WeasyPrint processes (see :mod:`.pdf_worker`) and
    the timings of its renders. Templates are rendered here, in the building process (they
    read the gathered records); layout and PDF writing happen in the pool."""

    def __init__(self, context: dict[str, Any], stats: dict | None, processes: int):
        pack = context["pack"]
        self.context = context
        self.stats = stats if stats is not None else {}
        self.stats.update(template_s=0.0, weasyprint_s=0.0, merge_s=0.0, sections=0,
                          processes=processes)  # fmt: skip
        header = (
            f"@page {{ @top-left {{ content: {css_string('AIMS evidence pack')}; }}"
            f" @top-right {{ content: {css_string(f'{pack.reference} · {pack.scope_label}')}; }} }}"
        )
        css = render_to_string("audits/pdf/pack.css") + header
        self.pool = SectionPool(css, str(settings.BASE_DIR), processes,
                                niceness=settings.AIMS_BACKGROUND_NICENESS)  # fmt: skip

    def submit(self, template: str, extra: dict[str, Any], anchors: list[str]) -> Future:
        """Render the section's template now, and its PDF in the pool (a future of a
        :class:`RenderedSection`)."""
        t0 = time.perf_counter()
        markup = render_to_string(template, {**self.context, **extra})
        self.stats["template_s"] += time.perf_counter() - t0
        return self.pool.submit(markup, anchors)

    def collect(self, future: Future) -> RenderedSection:
        rendered = future.result()
        self.stats["weasyprint_s"] += rendered.weasyprint_s
        self.stats["sections"] += 1
        return rendered

    def close(self) -> None:
        self.pool.close()


def render_processes() -> int:
    """How many WeasyPrint processes a pack uses: ``AIMS_PACK_RENDER_PROCESSES``, by default
    one per core (at most four)."""
    configured = getattr(settings, "AIMS_PACK_RENDER_PROCESSES", None)
    return max(1, int(configured or min(os.cpu_count() or 1, 4)))


def render_pack(
    context: dict[str, Any], stats: dict | None = None, processes: int | None = None
) -> tuple[bytes, int]:
    """The whole pack as PDF bytes, and its page count (see the module's docstring)."""
    renderer = Renderer(context, stats, processes or render_processes())
    try:
        parts, toc = _render_body(renderer, context)
        front, front_pages = _render_front(renderer, toc)
    finally:
        renderer.close()
    progress = context.get("render_progress") or (lambda *_: None)
    progress(82, "Numbering the pages")
    t0 = time.perf_counter()
    pdf, pages = merge([front, *parts], toc, front_pages, context["pack"].reference)
    renderer.stats["merge_s"] = time.perf_counter() - t0
    renderer.stats["pages"] = pages
    return pdf, pages


def _render_body(renderer: Renderer, context: dict[str, Any]):
    """The body's sections, rendered in the pool while the next templates are rendered
    here; collected in order, which gives each contents entry its page."""
    progress = context.get("render_progress") or (lambda *_: None)
    parts: list[Part] = []
    toc: list[TocEntry] = []
    pending: deque[tuple[Section, Future]] = deque()
    body_pages = 0

    def collect_first() -> None:
        nonlocal body_pages
        section, future = pending.popleft()
        rendered = renderer.collect(future)
        for entry in section.toc:
            index = rendered.anchors.get(entry.anchor)
            entry.page = body_pages + (index if index is not None else 0) + 1
        body_pages += rendered.pages
        toc.extend(section.toc)
        parts.append(rendered.part)
        progress(min(40 + len(parts), 80), "Rendering the PDF")

    for section in plan_sections(context):
        anchors = [entry.anchor for entry in section.toc]
        pending.append((section, renderer.submit(section.template, section.context, anchors)))
        while pending and pending[0][1].done():
            collect_first()
    while pending:
        collect_first()
    return parts, toc


def _render_front(renderer: Renderer, toc: list[TocEntry]) -> tuple[Part, int]:
    """Cover and contents, with the contents' page numbers shifted by the front matter's own
    length (rendered again in the rare case the assumed length was wrong)."""
    assumed = 2
    body = [entry.page for entry in toc]
    for _ in range(5):
        for entry, page in zip(toc, body, strict=True):
            entry.page = page + assumed
        rendered = renderer.collect(renderer.submit("audits/pdf/front.html", {"toc": toc}, []))
        if rendered.pages == assumed:
            break
        assumed = rendered.pages
    return rendered.part, assumed


def _stream(writer, data: bytes):
    from pypdf.generic import DecodedStreamObject

    stream = DecodedStreamObject()
    stream.set_data(data)
    return writer._add_object(stream)


def _text_width(text: str, size: float) -> float:
    return sum(HELVETICA.get(c, 556) for c in text) * size / 1000


def merge(parts: list["Part"], toc: list[TocEntry], front_pages: int, title: str):
    """Append the parts' pages, number them, and add the outline and the contents links."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import DictionaryObject, NameObject

    writer = PdfWriter()
    structure = StructureMerger(writer)
    for part in parts:
        reader = PdfReader(io.BytesIO(part.pdf))
        first = len(writer.pages)
        for page in reader.pages:
            writer.add_page(page)
        structure.add(reader, writer.pages[first:], part.structure)
    structure.finish()
    total = len(writer.pages)
    font = writer._add_object(DictionaryObject({
        NameObject("/Type"): NameObject("/Font"),
        NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica"),
        NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
    }))  # fmt: skip
    save = _stream(writer, b"q\n")
    for number, page in enumerate(writer.pages, start=1):
        _stamp(writer, page, f"Page {number} of {total}", font, save)
    parents: dict[int, Any] = {}
    for entry in toc:
        parent = parents.get(entry.level - 1)
        parents[entry.level] = writer.add_outline_item(
            title=entry.title, page_number=entry.page - 1, parent=parent, is_open=False
        )
    _link_contents(writer, front_pages)
    writer.add_metadata({"/Title": f"Evidence pack {title}", "/Creator": "AIMS"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), total


REFERENCE = re.compile(rb"(\d+) 0 R")


class RawObject:
    """An object the merged PDF writes as it was serialized by WeasyPrint (renumbered)."""

    indirect_reference = None

    def __init__(self, data: bytes):
        self.data = data

    def write_to_stream(self, stream, encryption_key=None) -> None:
        stream.write(self.data)


class StructureMerger:
    """Carries the tagged structure of every section into the merged pack.

    pypdf copies pages but not the document's structure tree, so each section's tree would be
    lost and the pack would be unreadable by assistive technology. Each section's elements
    (taken out by :func:`.pdf_worker.take_structure`) are written into the pack with their object
    references renumbered: to the pages and annotations pypdf copied, to the other elements,
    and, for the section's top element (WeasyPrint's ``Document``, renamed ``Part``), to the
    pack's one ``Document``. The section's keys (``/StructParents`` of its pages,
    ``/StructParent`` of its annotations) are shifted by the keys used before it, so one
    ``/ParentTree`` covers the whole pack. ``finish`` marks the catalog (``/MarkInfo``,
    ``/Lang``, ``/ViewerPreferences``). No content is parsed and the elements are bytes, so
    time and memory stay close to the untagged merge.
    """

    def __init__(self, writer):
        from pypdf.generic import DictionaryObject

        self.writer = writer
        self.document = DictionaryObject()
        self.document_ref = writer._add_object(self.document)
        self.parts: list = []  # indirect references to each section's top elements
        self.nums: list[bytes] = []  # the merged ParentTree's entries: b"key value"
        self.next_key = 0
        self.lang = ""

    def add(self, reader, pages: list, captured: PartStructure | None) -> None:
        from pypdf.generic import IndirectObject, NameObject, NumberObject

        if captured is None:
            return  # an untagged part: its pages simply carry no structure
        writer, offset = self.writer, self.next_key
        self.lang = self.lang or captured.lang
        new = {number: writer._add_object(RawObject(b"")).idnum for number in captured.objects}
        # Where each object of the section went: annotations copied with the pages, the
        # pages, the section's elements, and its root (now the pack's Document).
        where = {k: v for k, v in writer._id_translated.get(id(reader), {}).items()
                 if isinstance(k, int) and isinstance(v, int)}  # fmt: skip
        where.update((source.indirect_reference.idnum, page.indirect_reference.idnum)
                     for source, page in zip(reader.pages, pages, strict=True))  # fmt: skip
        where.update(new)
        where[captured.root] = self.document_ref.idnum
        refs = {number: b"%d 0 R" % idnum for number, idnum in where.items()}

        def renumber(match) -> bytes:
            return refs.get(int(match.group(1)), b"null")

        tops = set(captured.tops)
        for number, data in captured.objects.items():
            data = REFERENCE.sub(renumber, data)
            if number in tops:
                data = data.replace(b"/S /Document", b"/S /Part", 1)
            writer._objects[new[number] - 1].data = data

        def ref(number: int):
            return IndirectObject(where[number], 0, writer)

        self.parts += [ref(number) for number in captured.tops]
        highest = -1
        for key, value in captured.parent_tree:
            highest = max(highest, key)
            value = (b"[%s]" % b" ".join(refs[n] for n in value) if isinstance(value, list)
                     else refs[value])  # fmt: skip
            self.nums.append(b"%d %s" % (key + offset, value))
        for source, page in zip(reader.pages, pages, strict=True):
            if "/StructParents" in source:  # pypdf leaves it out of the copied page
                key = NumberObject(int(source["/StructParents"]) + offset)
                page[NameObject("/StructParents")] = key
            for annotation_ref in page.get("/Annots") or []:
                annotation = annotation_ref.get_object()
                if "/StructParent" in annotation:
                    key = NumberObject(int(annotation["/StructParent"]) + offset)
                    annotation[NameObject("/StructParent")] = key
        self.next_key = offset + highest + 1

    def finish(self) -> None:
        from pypdf.generic import (
            ArrayObject,
            BooleanObject,
            DictionaryObject,
            NameObject,
            NumberObject,
            TextStringObject,
        )

        writer = self.writer
        parent_tree = writer._add_object(RawObject(b"<< /Nums [%s] >>" % b" ".join(self.nums)))
        root = writer._add_object(DictionaryObject({
            NameObject("/Type"): NameObject("/StructTreeRoot"),
            NameObject("/K"): self.document_ref,
            NameObject("/ParentTree"): parent_tree,
            NameObject("/ParentTreeNextKey"): NumberObject(self.next_key),
        }))  # fmt: skip
        self.document.update({
            NameObject("/Type"): NameObject("/StructElem"),
            NameObject("/S"): NameObject("/Document"),
            NameObject("/K"): ArrayObject(self.parts),
            NameObject("/P"): root,
        })  # fmt: skip
        catalog = writer._root_object
        catalog[NameObject("/StructTreeRoot")] = root
        catalog[NameObject("/MarkInfo")] = DictionaryObject(
            {NameObject("/Marked"): BooleanObject(True)}
        )
        catalog[NameObject("/Lang")] = TextStringObject(self.lang or "en")
        catalog[NameObject("/ViewerPreferences")] = DictionaryObject(
            {NameObject("/DisplayDocTitle"): BooleanObject(True)}
        )


def _stamp(writer, page, text: str, font, save) -> None:
    """Draw ``text`` centred in the bottom margin, after the page's own content (which is
    wrapped in q/Q so whatever state it leaves cannot move or hide the stamp)."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    box = page.mediabox
    x = float(box.left) + (float(box.width) - _text_width(text, FOOTER_SIZE)) / 2
    y = float(box.bottom) + FOOTER_Y
    # Marked as a pagination artifact: assistive technology skips it, like WeasyPrint's own
    # page headers, instead of reading "Page 3 of 70" into the text.
    ops = (f"Q q /Artifact <</Type /Pagination>> BDC BT /AIMSFooter {FOOTER_SIZE} Tf "
           f"0.267 0.267 0.267 rg {x:.2f} {y:.2f} Td ({text}) Tj ET EMC Q\n")  # fmt: skip
    contents = page.raw_get("/Contents") if "/Contents" in page else ArrayObject()
    if isinstance(contents, IndirectObject) and isinstance(contents.get_object(), ArrayObject):
        contents = contents.get_object()
    items = list(contents) if isinstance(contents, ArrayObject) else [contents]
    page[NameObject("/Contents")] = ArrayObject([save, *items,
                                                 _stream(writer, ops.encode("ascii"))])  # fmt: skip
    resources = page.get("/Resources")
    if resources is None:
        resources = DictionaryObject()
        page[NameObject("/Resources")] = resources
    resources = resources.get_object()
    fonts = resources.get("/Font")
    if fonts is None:
        fonts = DictionaryObject()
        resources[NameObject("/Font")] = fonts
    fonts.get_object()[NameObject("/AIMSFooter")] = font


def _link_contents(writer, front_pages: int) -> None:
    """The contents entries were written as ``aims-toc:<page>`` links: point them at the
    pages instead."""
    from pypdf.generic import ArrayObject, NameObject, NullObject

    for page in writer.pages[:front_pages]:
        for ref in page.get("/Annots") or []:
            annotation = ref.get_object()
            action = annotation.get("/A")
            uri = str(action.get_object().get("/URI", "")) if action is not None else ""
            if not uri.startswith(TOC_SCHEME):
                continue
            number = int(uri[len(TOC_SCHEME) :])
            target = writer.pages[min(max(number, 1), len(writer.pages)) - 1]
            del annotation["/A"]
            annotation[NameObject("/Dest")] = ArrayObject(
                [target.indirect_reference, NameObject("/XYZ"), NullObject(), NullObject(),
                 NullObject()]
            )  # fmt: skip
