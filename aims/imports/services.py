"""Import jobs: upload (the file is kept with its SHA-256 and previewed at once), preview
(every row planned through its app's rules, nothing written) and commit (every row through
its app's service in one transaction: all rows or none)."""

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from aims.errors import BusinessRuleError, Code, RuleForbidden, TransitionNotAllowed
from aims.history import history_reason, save_with_history
from aims.notifications.services import HeldNotifications, notifications_held, notify
from aims.people import display_name
from aims.permissions import has_global_perm
from aims.storage import stored_as_one_unit

from .kinds import Kind, Plan, RowError, get_kind
from .models import ImportJob
from .reading import FileRefused, Row, detect_format, read_rows

#: Rows planned together: one lookup query per chunk and per table, whatever the file's size.
CHUNK_ROWS = 500
Status = ImportJob.Status


def can_import(user, kind: Kind | None = None) -> bool:
    """Whether ``user`` may upload imports (of ``kind``): the import permission, and the
    kind's own rule (owners import systems, auditors nothing)."""
    if not has_global_perm(user, "aims.add_importjob"):
        return False
    return kind is None or kind.may_import(user)


def can_commit(user, job: ImportJob) -> bool:
    """The person who uploaded a previewed import with no refused rows may commit it."""
    return (
        job.status == Status.PREVIEWED
        and job.error_count == 0
        and job.created_by_id == getattr(user, "pk", None)
        and can_import(user, get_kind(job.kind))
    )


@transaction.atomic
def import_upload(*, actor, kind: str, uploaded) -> ImportJob:
    """Keep the uploaded file as a new import job and preview it (nothing else written)."""
    found = get_kind(kind)
    if found is None:
        raise BusinessRuleError(f"Unknown import kind '{kind}'.", code=Code.IMPORT_KIND_UNKNOWN)
    if not can_import(actor, found):
        raise RuleForbidden(
            f"You may not import {found.label.lower()}.", code=Code.PERMISSION_DENIED
        )
    limit = settings.IMPORT_MAX_BYTES
    if uploaded.size > limit:
        raise FileRefused(
            f"The file is {uploaded.size:,} bytes; imports take at most {limit:,}.",
            code=Code.IMPORT_FILE_REFUSED,
        )
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    file_format = detect_format(uploaded.name, uploaded.read(4))
    uploaded.seek(0)
    job = ImportJob(
        kind=found.name,
        file_format=file_format,
        original_filename=uploaded.name[:255],
        size_bytes=uploaded.size,
        sha256=digest.hexdigest(),
        created_by=actor,
    )
    with stored_as_one_unit() as store:
        store(job.file, uploaded.name.rsplit("/", 1)[-1][:100], uploaded)
        save_with_history(job, actor=actor, reason="Uploaded")
    return import_preview(actor=actor, job=job)


@dataclass
class Tally:
    rows: int = 0
    create: int = 0
    update: int = 0
    unchanged: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    error_count: int = 0

    def refuse(self, row: int, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < settings.IMPORT_MAX_ERRORS_KEPT:
            self.errors.append({"row": row, "column": column, "message": message})


def _plans(actor, job: ImportJob, kind: Kind, tally: Tally) -> Iterator[tuple[Row, Plan]]:
    """Each row with its plan, a chunk at a time; refused rows are counted in ``tally``."""
    seen: dict = {}
    with job.file.open("rb") as handle:
        chunk: list[Row] = []
        for row in read_rows(handle, job.file_format, kind.headings):
            chunk.append(row)
            if len(chunk) == CHUNK_ROWS:
                yield from _plan_chunk(actor, kind, chunk, seen, tally)
                chunk = []
        if chunk:
            yield from _plan_chunk(actor, kind, chunk, seen, tally)


def _plan_chunk(actor, kind, rows, seen, tally) -> Iterator[tuple[Row, Plan]]:
    for row, plan in zip(rows, kind.plan_rows(actor, rows, seen), strict=True):
        tally.rows += 1
        problems = [*row.problems, *((e.column, e.message) for e in plan.errors)]
        if problems:
            for column, message in problems:
                tally.refuse(row.number, column, message)
            continue
        setattr(tally, plan.action, getattr(tally, plan.action) + 1)
        yield row, plan


def _record(job: ImportJob, tally: Tally, status: str, message: str = "") -> None:
    job.rows_total = tally.rows
    job.to_create, job.to_update, job.unchanged = tally.create, tally.update, tally.unchanged
    job.error_count = tally.error_count
    job.errors = tally.errors
    job.status = status
    job.message = message


def import_preview(*, actor, job: ImportJob) -> ImportJob:
    """Plan every row as ``actor`` (nothing written but the job): counts and refused rows."""
    kind = get_kind(job.kind)
    tally = Tally()
    try:
        for _ in _plans(actor, job, kind, tally):
            pass
    except FileRefused as refused:
        _record(job, Tally(), Status.FAILED, refused.message)
    else:
        _record(job, tally, Status.PREVIEWED)
    job.previewed_at = timezone.now()
    save_with_history(job, actor=actor, reason=f"Previewed: {_summary(job)}")
    return job


def _summary(job: ImportJob) -> str:
    if job.message:
        return f"file refused ({job.message[:150]})"
    return (
        f"{job.rows_total} rows: {job.to_create} to create, {job.to_update} to update, "
        f"{job.unchanged} unchanged, {job.error_count} refused"
    )


class _Refused(Exception):
    """Raised inside the commit's transaction to undo every row written so far."""


def import_commit(*, actor, job: ImportJob) -> ImportJob:
    """Write every row through its service, in one transaction; the history of each record
    names the import. Any refused row (the data changed since the preview, a rule refused
    it) undoes them all: the job is then failed, with the rows named."""
    tally = Tally()
    try:
        with transaction.atomic(), history_reason(f"Import {job.reference}"):
            # Locked: two commits of one import (a double click) run one after the other,
            # and the second finds it committed.
            job = ImportJob.objects.select_for_update().get(pk=job.pk)
            _check_commit(actor, job)
            with notifications_held() as held:
                _apply_all(actor, job, tally)
            if tally.error_count:
                raise _Refused
            _record(job, tally, Status.COMMITTED)
            job.committed_at, job.committed_by = timezone.now(), actor
            save_with_history(job, actor=actor, reason=f"Committed: {_summary(job)}")
            _notify_held(actor, job, held)
        return job
    except FileRefused as refused:
        _record(job, Tally(), Status.FAILED, refused.message)
    except _Refused:
        _record(job, tally, Status.FAILED, "Nothing was written: some rows were refused.")
    save_with_history(job, actor=actor, reason=f"Commit refused: {_summary(job)}")
    return job


def _notify_held(actor, job: ImportJob, held: HeldNotifications) -> None:
    """One message per person instead of one per imported row (10,000 intakes would be
    10,000 messages and emails): how many there would have been, and the first of them."""
    by = display_name(actor)
    link = reverse("imports:import_detail", args=[job.pk])
    for pk, count in held.count.items():
        first = held.first_title[pk]
        more = f" and {count - 1} more like it" if count > 1 else ""
        notify(
            recipients=[held.users[pk]],
            title=f"Import {job.reference} by {by}: {_summary(job)}",
            body=f"It would have sent you {count} notification(s): “{first}”{more}.",
            link=link,
        )


def _check_commit(actor, job: ImportJob) -> None:
    if job.created_by_id != actor.pk or not can_import(actor, get_kind(job.kind)):
        raise RuleForbidden("Only the person who uploaded an import may commit it.",
                            code=Code.PERMISSION_DENIED)  # fmt: skip
    if job.status != Status.PREVIEWED:
        raise TransitionNotAllowed(
            f"An import that is {job.get_status_display().lower()} cannot be committed.",
            code=Code.TRANSITION_NOT_ALLOWED,
        )
    if job.error_count:
        raise TransitionNotAllowed(
            f"{job.error_count} row(s) are refused: correct the file and upload it again.",
            code=Code.IMPORT_HAS_ERRORS,
        )
    if _file_digest(job) != job.sha256:
        raise BusinessRuleError("The stored file no longer matches its SHA-256; upload it again.",
                                code=Code.IMPORT_FILE_REFUSED)  # fmt: skip


def _apply_all(actor, job: ImportJob, tally: Tally) -> None:
    for row, plan in _plans(actor, job, get_kind(job.kind), tally):
        if plan.apply is None or tally.error_count:
            continue  # after a refusal nothing more is written: it will all be undone
        try:
            with transaction.atomic():
                plan.apply()
        except RowError as error:
            tally.refuse(row.number, error.column, error.message)
        except BusinessRuleError as error:
            tally.refuse(row.number, "", error.message)
        except ValidationError as error:
            for column, message in validation_messages(error):
                tally.refuse(row.number, column, message)


def validation_messages(error: ValidationError) -> list[tuple[str, str]]:
    if hasattr(error, "message_dict"):
        return [(f, " ".join(m)) for f, m in error.message_dict.items()]
    return [("", " ".join(error.messages))]


def _file_digest(job: ImportJob) -> str:
    digest = hashlib.sha256()
    with job.file.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
