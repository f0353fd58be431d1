"""The whole-AIMS evidence pack states every requirement of clauses 4-10 (status, owner, how
it is implemented, its evidence), and the evidence of those statements is packed in the ZIP
like the Annex A evidence. Read back from the PDF text and the ZIP manifest."""

import io
import json
import zipfile

import pytest

from aims.models import Evidence
from audits.models import CatalogueItem, ControlStatement, EvidencePack

from .test_evidence_packs import pdf_text, request_and_build
from .test_pack_contents import evidence_on

pytestmark = pytest.mark.django_db
Implementation = ControlStatement.Implementation


def clause(code: str, title: str, sort_key: str) -> CatalogueItem:
    """A clause requirement of the catalogue (loaded after migrate; created if it is not)."""
    item, _ = CatalogueItem.objects.get_or_create(
        code=code,
        defaults={"kind": CatalogueItem.Kind.CLAUSE, "title": title, "sort_key": sort_key},
    )
    return item


@pytest.fixture
def clauses(officer, owner):
    """A statement on every clause requirement, with notes naming its clause, owned in turn by
    the officer and the owner; a file on 4.1 (in two versions), a link on 10.2."""
    clause("4.1", "Understanding the organization and its context", "1.04.01")
    clause("10.2", "Nonconformity and corrective action", "1.10.02")
    statements = {}
    requirements = CatalogueItem.objects.filter(kind=CatalogueItem.Kind.CLAUSE, is_heading=False)
    for number, item in enumerate(requirements.order_by("sort_key")):
        statement, _ = ControlStatement.objects.get_or_create(item=item)
        statement.owner = (officer, owner)[number % 2]
        statement.implementation_status = Implementation.PARTIAL
        statement.implementation_notes = f"Handled under clause {item.code} by the AIMS team"
        statement.save()
        statements[item.code] = statement
    old = evidence_on(statements["4.1"], officer, b"context v1", "context.txt")
    current = evidence_on(statements["4.1"], officer, b"context v2", "context.txt", old)
    link = Evidence.objects.create(
        title="Review minutes on the intranet", kind=Evidence.Kind.LINK, owner=officer,
        url="https://intranet.example.org/aims/review", target=statements["10.2"],
    )  # fmt: skip
    return {"statements": statements, "old": old, "file": current, "link": link}


def open_zip(pack: EvidencePack) -> tuple[zipfile.ZipFile, dict]:
    with pack.zip.open("rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    return archive, json.loads(archive.read("manifest.json"))


def test_every_clause_requirement_is_stated_in_the_pack(
    clauses, officer, auditor, django_capture_on_commit_callbacks
):
    pack = request_and_build(django_capture_on_commit_callbacks, auditor, scope="whole")

    assert pack.status == EvidencePack.Status.READY, pack.error
    text = pdf_text(pack)
    assert "Requirements of clauses 4 to 10" in text
    for code, statement in clauses["statements"].items():
        row = (
            f"{code} {statement.item.title} Partially implemented "
            f"{statement.owner.get_full_name()} "
            f"Handled under clause {code} by the AIMS team"
        )
        assert " ".join(row.split()) in text, f"clause {code} is missing from the pack"
    assert f"{clauses['file'].reference} Audit report" in text
    assert f"{clauses['link'].reference} Review minutes on the intranet" in text


def test_a_clause_without_statement_says_so(officer, auditor, django_capture_on_commit_callbacks):
    item = clause("4.1", "Understanding the organization and its context", "1.04.01")
    ControlStatement.objects.filter(item=item).delete()
    pack = request_and_build(django_capture_on_commit_callbacks, auditor, scope="whole")

    text = pdf_text(pack)
    assert "4.1 Understanding the organization and its context No statement recorded." in text
    assert "without a statement yet" in text


def test_clause_evidence_is_packed_in_the_zip(clauses, auditor, django_capture_on_commit_callbacks):
    pack = request_and_build(django_capture_on_commit_callbacks, auditor, scope="whole")

    archive, manifest = open_zip(pack)
    by_reference = {row["reference"]: row for row in manifest["files"] + manifest["entries"]}
    on_statements = Evidence.objects.filter(
        target_type__app_label="audits", target_type__model="controlstatement"
    )
    assert set(on_statements.values_list("id", flat=True))  # the check below is not vacuous
    for item in on_statements:
        assert item.reference in by_reference, f"{item.reference} is not in the manifest"
    packed = by_reference[clauses["file"].reference]
    assert archive.read(packed["path"]) == b"context v2"
    assert packed["attached_to"] == "control statement 4.1"
    assert by_reference[clauses["old"].reference]["kind"] == "superseded version"
    link = by_reference[clauses["link"].reference]
    assert link["kind"] == "link" and link["url"] == "https://intranet.example.org/aims/review"


def test_clause_statements_are_gathered_without_a_query_per_row(clauses, officer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from audits.packs import gather as packs

    pack = EvidencePack.objects.create(scope="whole", requested_by=officer)
    with CaptureQueriesContext(connection) as captured:
        context = packs.gather(pack, lambda *_: None)
    rows = context["ms"].clause_requirements
    assert len(rows) >= len(clauses["statements"])
    assert [e.reference for e in rows[0].evidence_items] == [clauses["file"].reference]
    sql = [q["sql"] for q in captured.captured_queries]
    assert not [q for q in sql if 'FROM "audits_controlstatement"' in q], "read row by row"
    assert len([q for q in sql if 'FROM "aims_evidence"' in q]) == 1
