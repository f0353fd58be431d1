"""Importing AI systems from CSV and XLSX: preview before writing, all or nothing, upsert by
reference or external id, the forms' rules, and files refused as a whole."""

import io

import pytest
from django.db import transaction
from openpyxl import Workbook

from aims.errors import BusinessRuleError
from aims.imports import services
from aims.imports.models import ImportJob
from inventory.models import AISystem
from tests.factories import make_system

from .helpers import csv_bytes, system_row, table, upload, xlsx_bytes

pytestmark = pytest.mark.django_db(transaction=False)


def history_rows() -> int:
    return AISystem.history.count()


def test_preview_counts_and_writes_nothing_then_commit_creates_with_import_reason(officer):
    rows = table(system_row(), system_row(**{"External id": "EXT-2", "Name": "Second"}))
    job = upload(officer, csv_bytes(rows))
    assert (job.status, job.to_create, job.to_update, job.unchanged, job.error_count) == (
        "previewed", 2, 0, 0, 0,
    )  # fmt: skip
    assert AISystem.objects.count() == 0
    assert len(job.sha256) == 64

    job = services.import_commit(actor=officer, job=job)

    assert job.status == "committed"
    created = AISystem.objects.get(external_id="EXT-2")
    assert created.name == "Second" and created.owner == officer
    assert created.business_unit == "hr" and created.used_in_eu is True
    reason = created.history.get().history_change_reason
    assert reason.startswith(f"Import {job.reference}: ")


def test_importing_the_same_file_twice_reports_unchanged_and_writes_no_history(officer):
    content = csv_bytes(table(system_row()), bom=True)
    services.import_commit(actor=officer, job=upload(officer, content))
    before = history_rows()

    again = upload(officer, content)

    assert (again.to_create, again.to_update, again.unchanged) == (0, 0, 1)
    services.import_commit(actor=officer, job=again)
    assert history_rows() == before
    assert AISystem.objects.count() == 1


def test_a_file_with_bad_rows_names_each_and_commits_nothing(officer):
    rows = table(
        system_row(),
        system_row(**{"External id": "EXT-2", "Business unit": "Astrology"}),
        system_row(**{"External id": "", "Reference": ""}),
        system_row(**{"External id": "EXT-4", "Next review": "next week"}),
        system_row(**{"External id": "EXT-5", "Risk tier": "High"}),
    )
    job = upload(officer, csv_bytes(rows))

    refused = {(e["row"], e["column"]) for e in job.errors}
    assert refused == {
        (3, "Business unit"), (4, "External id"), (5, "Next review"), (6, "Risk tier"),
    }  # fmt: skip
    assert "Astrology" in job.errors[0]["message"]
    assert job.to_create == 1 and job.error_count == 4
    with pytest.raises(BusinessRuleError) as refused_commit:
        services.import_commit(actor=officer, job=job)
    assert refused_commit.value.code == "import_has_errors"
    assert AISystem.objects.count() == 0


def test_a_row_refused_at_commit_undoes_every_row(officer, other_owner):
    job = upload(officer, csv_bytes(table(
        system_row(), system_row(**{"External id": "EXT-2", "Owner": other_owner.username})
    )))  # fmt: skip
    assert job.error_count == 0
    other_owner.is_active = False  # the named owner leaves between preview and commit
    other_owner.save()

    job = services.import_commit(actor=officer, job=job)

    assert job.status == "failed" and job.errors[0]["row"] == 3
    assert AISystem.objects.count() == 0


def test_updates_by_reference_go_through_the_edit_service(officer, owner):
    with transaction.atomic():
        system = make_system(owner)
    rows = table({"Reference": system.reference, "Name": "Renamed", "Next review": "2027-03-01"})
    job = services.import_commit(actor=officer, job=upload(officer, csv_bytes(rows)))
    assert (job.status, job.to_update) == ("committed", 1)
    system.refresh_from_db()
    assert system.name == "Renamed" and system.next_review_date.isoformat() == "2027-03-01"
    assert system.history.first().history_change_reason.startswith(f"Import {job.reference}")


def test_an_owner_cannot_import_over_someone_elses_system(owner, other_owner):
    with transaction.atomic():
        theirs = make_system(other_owner)
    job = upload(owner, csv_bytes(table({"Reference": theirs.reference, "Name": "Mine now"})))
    assert job.error_count == 1 and "that you can see" in job.errors[0]["message"]
    theirs.refresh_from_db()
    assert theirs.name != "Mine now"


def test_an_owner_may_not_name_another_owner(owner, other_owner):
    job = upload(owner, csv_bytes(table(system_row(Owner=other_owner.username))))
    assert [e["column"] for e in job.errors] == ["Owner"]


def test_an_auditor_may_not_import(auditor):
    from aims.errors import RuleForbidden

    with pytest.raises(RuleForbidden):
        upload(auditor, csv_bytes(table(system_row())))
    assert ImportJob.objects.count() == 0


def test_the_stage_cannot_be_changed_by_an_import(officer, owner):
    with transaction.atomic():
        system = make_system(owner)
    job = upload(
        officer, csv_bytes(table({"Reference": system.reference, "Lifecycle stage": "Deployed"}))
    )
    assert job.errors[0]["column"] == "Lifecycle stage"


@pytest.mark.parametrize(
    ("cell", "refused"),
    [("=HYPERLINK(\"http://x\")", True), ("@SUM(A1)", True), ("+cmd", True), ("-2", False),
     ("'=kept as text", False)],
)  # fmt: skip
def test_csv_formula_cells_are_refused_but_numbers_and_escaped_text_are_not(officer, cell, refused):
    job = upload(officer, csv_bytes(table(system_row(Purpose=cell))))
    assert (job.error_count == 1) is refused
    if refused:
        assert job.errors[0]["column"] == "Purpose" and "formula" in job.errors[0]["message"]


def test_xlsx_formula_cells_are_refused(officer):
    rows = table(system_row())
    rows[1][rows[0].index("Name")] = '=CONCAT("a","b")'
    job = upload(officer, xlsx_bytes(rows), name="systems.xlsx")
    assert [(e["row"], e["column"]) for e in job.errors] == [(2, "Name")]


def test_xlsx_import_commits(officer):
    job = upload(officer, xlsx_bytes(table(system_row())), name="systems.xlsx")
    assert job.file_format == "xlsx" and job.to_create == 1
    assert services.import_commit(actor=officer, job=job).status == "committed"


@pytest.mark.parametrize(
    ("content", "name", "words"),
    [
        (csv_bytes([["Name"], ["Café"]], encoding="latin-1"), "s.csv", "not UTF-8"),
        (b"PK\x03\x04 not really a zip", "s.xlsx", "not a readable Excel workbook"),
        (b"Name,Colour\nx,blue\n", "s.csv", "Unknown column"),
        (b"Reference\nAIS-0001\n", "s.csv", "Missing column(s): Name"),
        (b'Name\n"unterminated\n', "s.csv", "malformed"),
        (b"", "s.csv", "empty"),
    ],
)
def test_a_refused_file_fails_the_job_with_a_clear_message(officer, content, name, words):
    job = upload(officer, content, name=name)
    assert job.status == "failed" and words in job.message
    assert AISystem.objects.count() == 0


def test_too_large_a_file_is_refused(officer, settings):
    settings.IMPORT_MAX_BYTES = 100
    with pytest.raises(BusinessRuleError) as refused:
        upload(officer, csv_bytes(table(system_row(), system_row())))
    assert refused.value.code == "import_file_refused"


def test_too_many_rows_are_refused(officer, settings):
    settings.IMPORT_MAX_ROWS = 2
    rows = table(*(system_row(**{"External id": f"E{i}"}) for i in range(3)))
    job = upload(officer, csv_bytes(rows))
    assert job.status == "failed" and "more than 2 rows" in job.message


def test_a_sheet_of_blank_rows_is_refused_without_reading_it_all(officer, settings):
    settings.IMPORT_MAX_BLANK_ROWS = 50
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["Name"])
    for _ in range(100_000):
        sheet.append([None, ""])
    out = io.BytesIO()
    book.save(out)

    job = upload(officer, out.getvalue(), name="blank.xlsx")

    assert job.status == "failed" and "blank rows in a row (from row 2)" in job.message


def test_the_same_system_twice_in_one_file_is_refused(officer):
    job = upload(officer, csv_bytes(table(system_row(), system_row())))
    assert [(e["row"], e["message"]) for e in job.errors] == [(3, "The same system as row 2.")]


def test_officers_get_one_message_per_import_not_one_per_system(officer, owner):
    """Each intake tells the officers; an import of many tells each of them once, with how
    many messages it stands for and a link to the import."""
    from aims.models import Notification
    from aims.outbox.models import OutboxMessage

    rows = table(*(system_row(**{"External id": f"EXT-{n}", "Name": f"Bot {n}"})
                   for n in range(5)))  # fmt: skip
    job = upload(owner, csv_bytes(rows))
    mails_before = OutboxMessage.objects.count()

    job = services.import_commit(actor=owner, job=job)

    assert job.status == "committed" and AISystem.objects.count() == 5
    messages = Notification.objects.filter(recipient=officer)
    assert messages.count() == 1
    message = messages.get()
    assert message.title.startswith(f"Import {job.reference} by ")
    assert "5 notification(s)" in message.body and "and 4 more like it" in message.body
    assert "New intake" in message.body
    assert message.link == f"/imports/{job.pk}/"
    assert OutboxMessage.objects.count() == mails_before + 1  # one email, not five


def test_a_refused_import_tells_nobody(officer, officer2, other_owner):
    from aims.models import Notification

    job = upload(officer2, csv_bytes(table(
        system_row(), system_row(**{"External id": "EXT-2", "Owner": other_owner.username})
    )))  # fmt: skip
    other_owner.is_active = False  # the named owner leaves between preview and commit
    other_owner.save()
    job = services.import_commit(actor=officer2, job=job)
    assert job.status == "failed"
    assert not Notification.objects.filter(recipient=officer).exists()
