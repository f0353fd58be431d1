"""The merged evidence pack stays a tagged PDF: assistive technology needs one structure tree
covering every page, a language and a title, whatever number of sections were merged."""

import io

import pytest
from pypdf import PdfReader

from audits.models import EvidencePack
from audits.packs import render as pack_render

from .test_evidence_packs import request_and_build

pytestmark = pytest.mark.django_db


def read_pack(pack: EvidencePack) -> PdfReader:
    with pack.pdf.open("rb") as handle:
        return PdfReader(io.BytesIO(handle.read()))


def parent_tree(reader: PdfReader) -> dict[int, object]:
    nums = reader.trailer["/Root"]["/StructTreeRoot"]["/ParentTree"]["/Nums"]
    return {int(nums[i]): nums[i + 1].get_object() for i in range(0, len(nums), 2)}


def elements(reader: PdfReader):
    """Every structure element, walked from the root."""
    stack = [reader.trailer["/Root"]["/StructTreeRoot"].raw_get("/K")]
    while stack:
        node = stack.pop().get_object()
        if isinstance(node, list):
            stack.extend(node)
        elif hasattr(node, "get") and "/S" in node:
            yield node
            if "/K" in node:
                stack.append(node.raw_get("/K"))


@pytest.fixture
def pack(owner, auditor, django_capture_on_commit_callbacks, monkeypatch):
    from ..factories import make_system

    for number in range(3):
        make_system(owner, name=f"Screening assistant {number}")
    monkeypatch.setattr(pack_render, "ROWS_PER_RENDER", 40)  # more sections to merge
    return request_and_build(django_capture_on_commit_callbacks, auditor, scope="whole")


def test_merged_pack_is_marked_with_language_and_title(pack):
    reader = read_pack(pack)
    catalog = reader.trailer["/Root"]

    assert bool(catalog["/MarkInfo"]["/Marked"]) is True
    assert str(catalog["/Lang"]) == "en"
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"]
    assert reader.metadata.title == f"Evidence pack {pack.reference}"


def test_every_page_resolves_in_one_structure_tree(pack):
    reader = read_pack(pack)
    tree = parent_tree(reader)
    root = reader.trailer["/Root"]["/StructTreeRoot"]
    document = root["/K"].get_object()

    assert document["/S"] == "/Document"
    assert len(document["/K"]) > 3, "one part per rendered section"
    assert int(root["/ParentTreeNextKey"]) == max(tree) + 1
    for number, page in enumerate(reader.pages, start=1):
        key = page.get("/StructParents")
        assert key is not None and int(key) in tree, f"page {number} is not in the tree"
        marked = tree[int(key)]
        on = {m.get_object().raw_get("/Pg").idnum for m in marked if "/Pg" in m.get_object()}
        assert on == {page.indirect_reference.idnum}, f"page {number} maps to another page"
    keys = [int(page["/StructParents"]) for page in reader.pages]
    assert len(set(keys)) == len(keys), "two pages share their marked-content keys"


def test_structure_points_at_pages_of_the_merged_pack(pack):
    reader = read_pack(pack)
    pages = {page.indirect_reference.idnum for page in reader.pages}
    tree = parent_tree(reader)
    found = list(elements(reader))

    assert {e["/S"] for e in found} >= {"/Part", "/H2", "/Table", "/TR", "/TD"}
    assert all(e.raw_get("/Pg").idnum in pages for e in found if "/Pg" in e)
    for page in reader.pages:  # the contents links keep their place in the tree
        for ref in page.get("/Annots") or []:
            annotation = ref.get_object()
            if "/StructParent" in annotation:
                assert int(annotation["/StructParent"]) in tree


def test_text_still_reads_and_footer_is_an_artifact(pack):
    reader = read_pack(pack)
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)

    assert "Screening assistant 2" in text and f"Page 1 of {len(reader.pages)}" in text
    footer = reader.pages[0].get_contents().get_data()
    assert b"/Artifact <</Type /Pagination>> BDC BT /AIMSFooter" in footer
