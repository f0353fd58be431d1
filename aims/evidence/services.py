"""Writes of evidence: attaching a file or a link to a record (hashed, size- and type-checked)
and replacing it with a new version; who may attach to what."""

import os
from datetime import date

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from aims.errors import Code, RuleForbidden, TransitionNotAllowed
from aims.evidence.content import FILE_CONTENT_MISMATCH, file_content_refusal
from aims.history import stamp
from aims.models import Evidence
from aims.permissions import can_change_record, has_perm
from aims.storage import Store, stored_as_one_unit


def _validate_upload(uploaded) -> None:
    errors = {}
    limit = settings.EVIDENCE_MAX_UPLOAD_BYTES
    if uploaded.size > limit:
        errors["file"] = [
            f"The file is {uploaded.size / 1_048_576:.1f} MiB; the limit is "
            f"{limit / 1_048_576:.0f} MiB."
        ]
    extension = os.path.splitext(uploaded.name)[1].lower().lstrip(".")
    if extension not in settings.EVIDENCE_ALLOWED_EXTENSIONS:
        allowed = ", ".join(settings.EVIDENCE_ALLOWED_EXTENSIONS)
        errors.setdefault("file", []).append(
            f"Files of type '.{extension or '?'}' are not accepted. Allowed: {allowed}."
        )
    elif not errors:
        # The bytes, not only the name: an HTML page renamed .pdf is refused.
        refusal = file_content_refusal(uploaded, extension)
        if refusal:
            errors["file"] = [ValidationError(refusal, code=FILE_CONTENT_MISMATCH)]
    if errors:
        raise ValidationError(errors)


def _build_evidence(
    *,
    actor,
    target_type: ContentType,
    target_id: int,
    title: str,
    file=None,
    url: str = "",
    description: str = "",
    valid_from: date | None = None,
    valid_until: date | None = None,
) -> Evidence:
    """An unsaved evidence row, checked before anything is written to storage: a refused
    upload (too large, a refused type, a bad field) leaves neither a row nor a file."""
    if bool(file) == bool(url):
        raise ValidationError({"file": ["Give either a file or a link, not both or neither."]})
    evidence = Evidence(
        title=title,
        description=description,
        owner=actor,
        url=url or "",
        valid_from=valid_from,
        valid_until=valid_until,
        target_type=target_type,
        target_id=target_id,
        kind=Evidence.Kind.FILE if file else Evidence.Kind.LINK,
    )
    if file:
        _validate_upload(file)
        evidence.sha256 = Evidence.hash_file(file)
        evidence.size_bytes = file.size
        evidence.original_filename = os.path.basename(file.name)[:255]
    evidence.full_clean(exclude=["file"])
    if valid_from and valid_until and valid_until < valid_from:
        raise ValidationError({"valid_until": ["The end of validity comes before its start."]})
    return evidence


def _store(evidence: Evidence, file, *, store: Store, actor, reason: str) -> Evidence:
    """The file, then the row: in one unit (aims.storage), so a storage failure keeps no row
    and a failed database write keeps no file."""
    if file:
        store(evidence.file, evidence.original_filename, file)
    stamp(evidence, actor=actor, reason=reason)
    evidence.save()
    return evidence


def _require_attach(actor, target: Model | None) -> None:
    if (
        target is None
        or not has_perm(actor, "aims.add_evidence")
        or not can_change_record(actor, target)
    ):
        raise RuleForbidden(
            "You may not attach evidence to this record.", code=Code.PERMISSION_DENIED
        )


def evidence_create(
    *,
    actor,
    target: Model,
    title: str,
    file=None,
    url: str = "",
    description: str = "",
    valid_from: date | None = None,
    valid_until: date | None = None,
) -> Evidence:
    """Attach a file (hashed with SHA-256) or a link to any record the actor may change."""
    return _attach(
        actor=actor,
        target=target,
        reason=f"Evidence attached to {target}",
        check=_require_attach,
        title=title,
        file=file,
        url=url,
        description=description,
        valid_from=valid_from,
        valid_until=valid_until,
    )


def _attach(*, actor, target: Model, reason: str, check=None, file=None, **fields) -> Evidence:
    """Build and store evidence on ``target`` as one unit: the record and its file are kept
    together or not at all (``stored_as_one_unit``); ``check`` runs inside the transaction."""
    with stored_as_one_unit() as store, transaction.atomic():
        if check is not None:
            check(actor, target)
        evidence = _build_evidence(
            actor=actor,
            target_type=ContentType.objects.get_for_model(target),
            target_id=target.pk,
            file=file,
            **fields,
        )
        return _store(evidence, file, store=store, actor=actor, reason=reason)


def evidence_attach_to_verification(
    *, actor, target: Model, title: str, file=None, url: str = ""
) -> Evidence:
    """Attach the evidence of an effectiveness check to the record verified. The verifier need
    not be able to change the record (independence is the point): the calling service has
    already applied its own rule (``aims.capa.services.verification_refusal``); attaching
    still needs the permission to add evidence."""
    if not has_perm(actor, "aims.add_evidence"):
        raise RuleForbidden(
            "You may not attach evidence to this record.", code=Code.PERMISSION_DENIED
        )
    return _attach(
        actor=actor,
        target=target,
        reason=f"Evidence of verification of {target}",
        title=title,
        file=file,
        url=url,
    )


def evidence_replace(
    *,
    actor,
    evidence: Evidence,
    file=None,
    url: str = "",
    title: str = "",
    description: str | None = None,
    valid_from: date | None = None,
    valid_until: date | None = None,
) -> Evidence:
    """A new version of ``evidence``: a new row (``replaces`` the old one, version + 1) on the
    same record. The old row is kept, file and all, and marked superseded, so what an earlier
    audit relied on can still be opened and its SHA-256 checked."""
    with stored_as_one_unit() as store, transaction.atomic():
        old = Evidence.objects.select_for_update().select_related("target_type").get(pk=evidence.pk)
        _require_attach(actor, old.target)
        if old.superseded_at is not None:
            newer = Evidence.objects.filter(replaces=old).first()
            raise TransitionNotAllowed(
                f"{old.reference} was already replaced"
                + (f" by {newer.reference}" if newer else "")
                + "; replace the current version instead.",
                code=Code.ALREADY_REPLACED,
            )
        new = _build_evidence(
            actor=actor,
            target_type=old.target_type,
            target_id=old.target_id,
            title=title or old.title,
            file=file,
            url=url,
            description=old.description if description is None else description,
            valid_from=valid_from,
            valid_until=valid_until,
        )
        new.replaces = old
        new.version = old.version + 1
        reason = f"New version {new.version} of {old.reference}"
        _store(new, file, store=store, actor=actor, reason=reason)
        old.superseded_at = timezone.now()
        stamp(old, actor=actor, reason=f"Replaced by {new.reference} (version {new.version})")
        old.save(update_fields=["superseded_at", "updated_at"])
        return new
