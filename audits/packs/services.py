"""Evidence packs: requested by auditors and officers, built by a Celery task (without a
broker, in a background thread of the web process)."""

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.db import OperationalError, connections, transaction
from django.utils import timezone

from aims.errors import RuleForbidden, TransitionNotAllowed
from aims.history import save_with_history
from aims.notifications.services import notify
from aims.outbox.services import WAITING_FOR_BROKER, publish_on_commit
from aims.permissions import require
from aims.storage import stored_as_one_unit
from aims.webhooks.events import Event
from aims.webhooks.services import emit
from inventory.models import AISystem
from inventory.selectors import restrict_systems

from ..errors import Code
from ..models import EvidencePack
from ..trail.sealed_pack import trail_summary
from . import archive, render
from .gather import gather

logger = logging.getLogger(__name__)
Status = EvidencePack.Status
REQUESTERS_ONLY = "Only auditors and governance officers request evidence packs."


#: The Celery task that builds a pack (audits.packs.tasks), by name: sent through the outbox.
BUILD_TASK = "audits.tasks.build_evidence_pack"


def pack_key(pack_id: int) -> str:
    """The outbox key of a pack's build (aims.outbox)."""
    return f"audits.evidencepack:{pack_id}"


def _enqueue(pack: EvidencePack) -> None:
    """With a broker, the Celery task through the outbox: recorded with the pack, sent once
    the request's transaction commits, kept (the pack says so) when the broker is down and
    sent by the recovery sweep when it is back. Without one (eager tasks, the embedded
    default), the background thread, so that the request returns at once and the page shows
    the progress."""
    if getattr(settings, "AIMS_BACKGROUND_THREAD_TASKS", False):
        transaction.on_commit(lambda: _BACKGROUND_BUILDS.submit(_build_in_thread, pack.pk))
        return
    send_build(pack)


def send_build(pack: EvidencePack) -> None:
    """The build's task through the outbox, sent when the caller's transaction commits."""
    pack_id = pack.pk
    publish_on_commit(
        BUILD_TASK, [pack_id], key=pack_key(pack_id), on_unsent=lambda: _mark_waiting(pack_id)
    )


def _mark_waiting(pack_id: int) -> None:
    # Told in words on the pack's page and in the API (its step); the build's first progress
    # report replaces it. Not an event worth a history row.
    EvidencePack.objects.filter(pk=pack_id, status=Status.QUEUED).update(step=WAITING_FOR_BROKER)


#: Without a broker, builds run one at a time in one background thread of the web process:
#: each renders a whole PDF, and several at once would compete for memory and (on SQLite)
#: for the database's single writer.
_BACKGROUND_BUILDS = ThreadPoolExecutor(max_workers=1, thread_name_prefix="evidence-pack")


def _build_in_thread(pack_id: int) -> None:
    try:
        evidence_pack_build(pack_id=pack_id)  # records a failure of the build on the pack
    except Exception as exc:  # noqa: BLE001 -- a thread has nobody to raise to
        # A failure outside the build itself (the database busy when the build starts, the
        # files not stored): recorded too, so the pack never waits forever and can be retried.
        logger.exception("Evidence pack %s: the background build stopped", pack_id)
        _record_thread_failure(pack_id, exc)
    finally:
        connections.close_all()  # the thread's own database connection


#: Waits between attempts to record a background build's failure while the database is busy.
_BUSY_DATABASE_WAITS = (0.1, 0.3, 1.0, 3.0)


def _record_thread_failure(pack_id: int, exc: Exception) -> None:
    """Record the failure, waiting out a busy database: SQLite answers a write that meets
    another connection's open read with "locked" instead of waiting, and a pack left queued
    would never be retried."""
    for wait in (*_BUSY_DATABASE_WAITS, None):
        try:
            _finish_failed(EvidencePack(pk=pack_id), exc)
            return
        except OperationalError:
            if wait is None:
                break
            time.sleep(wait)
        except Exception:  # noqa: BLE001 -- a thread has nobody to raise to
            break
    logger.exception("Evidence pack %s: the failure could not be recorded", pack_id)


@transaction.atomic
def evidence_pack_request(
    *,
    actor,
    scope: str,
    system: AISystem | None = None,
    period_start: date | None = None,
    period_end: date | None = None,
) -> EvidencePack:
    """Record the request and queue the build; the requester sees its progress."""
    require(
        actor, "audits.request_evidencepack", message=REQUESTERS_ONLY, code=Code.PERMISSION_DENIED
    )
    if scope in (EvidencePack.Scope.STAGE1, EvidencePack.Scope.OPERATIONS):
        raise ValidationError(
            {"scope": "A stage pack is made for an external audit, from the audit's page."}
        )
    if system is not None and not restrict_systems(AISystem.objects.filter(pk=system.pk),
                                                   actor).exists():  # fmt: skip
        raise RuleForbidden("You may not see this AI system.", code=Code.PERMISSION_DENIED)
    pack = EvidencePack(
        scope=scope,
        system=system if scope == EvidencePack.Scope.SYSTEM else None,
        period_start=period_start if scope == EvidencePack.Scope.PERIOD else None,
        period_end=period_end if scope == EvidencePack.Scope.PERIOD else None,
        requested_by=actor,
    )
    save_with_history(pack, actor=actor, reason="Evidence pack requested")
    _enqueue(pack)
    return pack


def audit_pack_scope(audit) -> dict:
    """What the pack of an external audit covers: stage 1 the documented information and the
    readiness; any later stage the operating records of the audit's period (all records when
    it names none). Both are narrowed to the audit's sampled systems when it samples any."""
    if audit.kind == audit.Kind.STAGE_1:
        return {"scope": EvidencePack.Scope.STAGE1, "period_start": None, "period_end": None}
    return {
        "scope": EvidencePack.Scope.OPERATIONS,
        "period_start": audit.period_start,
        "period_end": audit.period_end,
    }


@transaction.atomic
def evidence_pack_for_audit(*, actor, audit) -> EvidencePack:
    """Build the pack made for ``audit``'s stage and name it as the audit's pack (a pack made
    earlier stays, listed with the others)."""
    from ..certification.models import ExternalAudit

    require(
        actor, "audits.request_evidencepack", message=REQUESTERS_ONLY, code=Code.PERMISSION_DENIED
    )
    require(
        actor,
        "audits.change_externalaudit",
        message="Only governance officers make the pack of an external audit.",
        code=Code.PERMISSION_DENIED,
    )
    audit = ExternalAudit.objects.select_for_update().get(pk=audit.pk)
    pack = EvidencePack(external_audit=audit, requested_by=actor, **audit_pack_scope(audit))
    save_with_history(pack, actor=actor, reason=f"Evidence pack requested for {audit.reference}")
    audit.evidence_pack = pack
    save_with_history(audit, actor=actor, reason=f"Stage pack {pack.reference} made")
    _enqueue(pack)
    return pack


@transaction.atomic
def evidence_pack_retry(*, actor, pack: EvidencePack) -> EvidencePack:
    require(
        actor, "audits.request_evidencepack", message=REQUESTERS_ONLY, code=Code.PERMISSION_DENIED
    )
    pack = EvidencePack.objects.select_for_update().get(pk=pack.pk)
    refusal = pack_retry_refusal(pack)
    if refusal is not None:
        raise refusal
    pack.status, pack.progress, pack.step, pack.error = Status.QUEUED, 0, "", ""
    save_with_history(pack, actor=actor, reason="Evidence pack build retried")
    _enqueue(pack)
    return pack


def pack_retry_refusal(pack: EvidencePack) -> TransitionNotAllowed | None:
    """Why ``pack`` may not be built again (None: it may). A failed pack may, and so may one
    whose build stopped without finishing (:meth:`EvidencePack.is_stalled`); a pack being
    built or ready may not: a second build would race the first."""
    if pack.status == Status.FAILED or pack.is_stalled():
        return None
    return TransitionNotAllowed(
        f"Only a failed or stalled pack can be retried; {pack.reference} is "
        f"{pack.get_status_display().lower()}.",
        code=Code.TRANSITION_NOT_ALLOWED,
    )


def not_ready_message(pack: EvidencePack) -> str:
    """Why a pack's files are not served yet: only a ready pack's are (its files are stored,
    and it is marked ready, only once its whole build has succeeded)."""
    return (
        f"{pack.reference} is {pack.get_status_display().lower()}, not ready: it can be "
        "downloaded once its build has finished."
    )


def _progress(pack: EvidencePack):
    def report(percent: int, step: str) -> None:
        # Progress ticks are not events worth a history row: a plain update, which also
        # moves updated_at so a build that is progressing never looks stalled.
        EvidencePack.objects.filter(pk=pack.pk).update(
            progress=percent, step=step[:100], updated_at=timezone.now()
        )

    return report


def lease_expired(pack: EvidencePack, now=None) -> bool:
    """A running build whose worker has not renewed its lease (a heartbeat moves
    ``updated_at``) for ``AIMS_TASK_LEASE_SECONDS``: its worker died and another may take it
    over."""
    lease = timedelta(seconds=settings.AIMS_TASK_LEASE_SECONDS)
    return pack.status == Status.RUNNING and (now or timezone.now()) - pack.updated_at > lease


def _take(pack_id: int) -> EvidencePack | None:
    """Mark the pack running for this worker; None when it is not to be built here: ready
    already, or running under another worker's live lease (a message delivered twice)."""
    with transaction.atomic():
        pack = EvidencePack.objects.select_for_update().get(pk=pack_id)
        if pack.status == Status.READY:
            return None
        if pack.status == Status.RUNNING and not lease_expired(pack):
            logger.info("Evidence pack %s is being built by another worker", pack.reference)
            return None
        reason = (
            "Evidence pack build taken over (its worker stopped)"
            if pack.status == Status.RUNNING
            else "Evidence pack build started"
        )
        pack.status, pack.started_at, pack.error = Status.RUNNING, timezone.now(), ""
        pack.progress, pack.step = 0, ""
        pack.attempts += 1
        save_with_history(pack, actor=pack.requested_by, reason=reason)
    return pack


@contextmanager
def _heartbeat(pack_id: int, enabled: bool):
    """Renew the build's lease from a side thread while the build runs: a long section of the
    PDF never makes a live build look dead. The thread stops with the build (or its worker)."""
    if not enabled:
        yield
        return
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(max(settings.AIMS_TASK_LEASE_SECONDS / 4, 0.5)):
                EvidencePack.objects.filter(pk=pack_id, status=Status.RUNNING).update(
                    updated_at=timezone.now()
                )
        except Exception:  # noqa: BLE001 -- the lease then expires: another worker takes over
            logger.exception("Evidence pack %s: the lease could not be renewed", pack_id)
        finally:
            connections.close_all()

    thread = threading.Thread(target=beat, name=f"pack-lease-{pack_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=10)


def evidence_pack_build(*, pack_id: int, heartbeat: bool = False) -> EvidencePack:
    """Build the PDF and the ZIP of a queued pack. Idempotent: a pack already ready, or being
    built under another worker's live lease, is left as it is; a failure is recorded with its
    reason and can be retried. The files are stored only once complete, and the pack is ready
    only once both are stored: a build stopped half-way never offers a partial file.
    ``heartbeat``: renew the lease while building (a worker's build; see :func:`_take`)."""
    pack = _take(pack_id)
    if pack is None:
        return EvidencePack.objects.get(pk=pack_id)
    report = _progress(pack)
    try:
        with _heartbeat(pack_id, heartbeat):
            context = gather(pack, report)
            report(40, "Rendering the PDF")
            context["render_progress"] = report  # the renderer reports each section (40-85 %)
            pdf, pages = render.render_pack(context)
            report(85, "Packing evidence files")
            zipped = archive.build_zip(
                pack,
                pdf,
                context["evidence"],
                context.get("superseded_evidence", ()),
                trail=trail_summary(context),
            )
    except Exception as exc:  # noqa: BLE001 -- any failure is recorded for the requester
        logger.exception("Evidence pack %s failed", pack.reference)
        return _finish_failed(pack, exc)
    del context  # the gathered records are not needed any more: free them before saving
    try:
        with zipped:
            return _store_ready(pack_id, pdf, zipped, pages)
    except Exception as exc:  # noqa: BLE001 -- storage down: recorded, the pack can be retried
        logger.exception("Evidence pack %s could not be stored", pack.reference)
        return _finish_failed(pack, exc)


def _store_ready(pack_id: int, pdf: bytes, zipped, pages: int) -> EvidencePack:
    """Store both files and mark the pack ready, as one unit (aims.storage): a failure keeps
    neither file and leaves the pack not ready."""
    with stored_as_one_unit() as store, transaction.atomic():
        pack = EvidencePack.objects.select_for_update().get(pk=pack_id)
        if pack.status != Status.RUNNING:  # taken over and finished by another worker
            return pack
        store(pack.pdf, f"{pack.reference}.pdf", ContentFile(pdf))
        pack.pdf_sha256, pack.zip_sha256 = archive.sha256(pdf), archive.file_sha256(zipped)
        store(pack.zip, f"{pack.reference}.zip", File(zipped))
        pack.page_count, pack.status, pack.progress, pack.step = pages, Status.READY, 100, ""
        pack.finished_at = timezone.now()
        save_with_history(
            pack, actor=pack.requested_by, reason=f"Evidence pack ready ({pages} pages)"
        )
        notify(
            recipients=[pack.requested_by],
            title=f"Evidence pack {pack.reference} is ready",
            link=f"/audits/packs/{pack.pk}/",
        )
        emit(Event.EVIDENCE_PACK_READY, lambda: {"pack": _pack_ref(pack)})
    return pack


def _pack_ref(pack: EvidencePack) -> dict:
    """The pack as a webhook's ``evidence_pack.ready`` event shows it (aims.webhooks)."""
    return {
        "id": pack.pk, "reference": pack.reference, "scope": pack.scope,
        "system": pack.system.reference if pack.system_id else None,
        "page_count": pack.page_count, "pdf_sha256": pack.pdf_sha256,
        "url": f"{settings.AIMS_BASE_URL}/audits/packs/{pack.pk}/",
    }  # fmt: skip


def _finish_failed(pack: EvidencePack, exc: Exception) -> EvidencePack:
    with transaction.atomic():
        pack = EvidencePack.objects.select_for_update().get(pk=pack.pk)
        pack.status, pack.finished_at = Status.FAILED, timezone.now()
        pack.error = f"{type(exc).__name__}: {exc}"[:2000]
        save_with_history(pack, actor=pack.requested_by, reason="Evidence pack build failed")
    return pack
