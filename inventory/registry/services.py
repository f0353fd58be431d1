"""Writes of model registry links: link, change, unlink (officers and the system's owner),
and the sync that reads the registry and reports what moved.

A sync reads the registry outside any transaction (a slow server never holds a row lock),
then, in one transaction holding the link's row, compares what it read with the version the
link saw last: the first read is the baseline (no notice); a different version is reported
through the observation path (``component_report_identifier``) with a detection key made of
the link, what it saw before (and when) and the new version, so the change makes one notice
however often, and however concurrently, it is seen. A registry that cannot be read leaves
the error on the link, in words, and changes nothing else."""

import logging
import re
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from aims.errors import BusinessRuleError, RuleForbidden, TransitionNotAllowed
from aims.history import save_with_history, stamp
from aims.permissions import has_global_perm, has_perm

from ..errors import Code
from ..models import Component, LifecycleStage
from . import mlflow
from .models import ModelRegistryLink
from .targets import tracking_uri_problem

logger = logging.getLogger(__name__)
Follow = ModelRegistryLink.Follow

MANAGE_PERMISSION = "inventory.change_modelregistrylink"
MANAGERS_ONLY = "Only governance officers and the system's owner manage its registry links."
#: The account the scheduled sync reports as (an integration: no password, one permission).
SYNC_USERNAME = "model-registry-sync"
SYNC_PERMISSION = ("suppliers", "add_vendorchangenotice")
CLOSED = (LifecycleStage.RETIRED, LifecycleStage.REJECTED)
ALIAS_PATTERN = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")


@dataclass(frozen=True)
class SyncResult:
    link: ModelRegistryLink
    #: The version the followed pointer names now ("" when the registry was not read).
    version: str = ""
    #: A notice was reported (or an earlier report of the same change found).
    changed: bool = False
    #: This sync created the notice.
    created: bool = False
    notice_reference: str = ""
    error: str = ""


# --- Rules ---------------------------------------------------------------------------------


def can_manage_link(user, component: Component) -> bool:
    """Governance officers manage every link; a system's owner (whoever may change the
    system) manages the links of its components."""
    return has_global_perm(user, MANAGE_PERMISSION) or has_perm(
        user, "inventory.change_aisystem", component.system
    )


def _require_manager(user, component: Component) -> None:
    if not can_manage_link(user, component):
        raise RuleForbidden(MANAGERS_ONLY, code=Code.PERMISSION_DENIED)


def link_refusal(component: Component) -> BusinessRuleError | None:
    """Why ``component`` cannot be followed in a registry, or None."""
    if component.system.lifecycle_stage in CLOSED:
        return TransitionNotAllowed(
            f"{component.system.reference} is closed: its components are no longer followed.",
            code=Code.SYSTEM_CLOSED,
        )
    if component.supplier_id is None:
        return BusinessRuleError(
            f"{component.reference} has no supplier: link it to one first, since a new "
            "version in the registry is reported as a change of that supplier's model.",
            code=Code.NO_SUPPLIER,
        )
    return None


def _clean(*, tracking_uri: str, model_name: str, follow: str, follow_value: str) -> dict:
    errors: dict[str, list[str]] = {}
    tracking_uri, model_name, follow_value = (
        tracking_uri.strip(), model_name.strip(), follow_value.strip(),
    )  # fmt: skip
    problem = tracking_uri_problem(tracking_uri)
    if problem:
        errors["tracking_uri"] = [problem]
    if not model_name:
        errors["model_name"] = ["Give the registered model's name."]
    elif len(model_name) > 256:
        errors["model_name"] = ["A registered model's name has at most 256 characters."]
    if follow not in Follow.values:
        errors["follow"] = ["Follow the newest version, an alias or a stage."]
    elif follow == Follow.ALIAS and not ALIAS_PATTERN.match(follow_value):
        errors["follow_value"] = ["Name the alias to follow (letters, digits, _ . -)."]
    elif follow == Follow.STAGE and follow_value not in mlflow.STAGES:
        errors["follow_value"] = [f"Choose a stage: {', '.join(mlflow.STAGES)}."]
    if follow == Follow.LATEST:
        follow_value = ""
    if errors:
        raise ValidationError(errors, code="invalid")
    return {
        "tracking_uri": tracking_uri.rstrip("/"),
        "model_name": model_name,
        "follow": follow,
        "follow_value": follow_value,
    }


def _baseline(fields: dict) -> tuple[str, str]:
    """The version the pointer names now and "" , or "" and why the registry was not read.
    A registry that answers and does not know the model, alias or stage is bad input (a
    field error); one that cannot be reached is not: the first sync that reaches it records
    the baseline."""
    try:
        followed = mlflow.read_followed(
            tracking_uri=fields["tracking_uri"], model_name=fields["model_name"],
            follow=fields["follow"], value=fields["follow_value"],
        )  # fmt: skip
    except mlflow.RegistryNotFound as missing:
        on_model = "registered model" in str(missing) or fields["follow"] == Follow.LATEST
        field = "model_name" if on_model else "follow_value"
        raise ValidationError({field: [str(missing)]}, code="invalid") from None
    except mlflow.RegistryError as error:
        return "", str(error)[:500]
    return followed.version, ""


# --- Links ---------------------------------------------------------------------------------


def link_create(
    *, actor, component: Component, tracking_uri: str, model_name: str,
    follow: str = Follow.LATEST, follow_value: str = "",
) -> ModelRegistryLink:  # fmt: skip
    """Follow ``component`` in a registry. The version the pointer names now is the baseline:
    no notice for it."""
    component = Component.objects.select_related("system").get(pk=component.pk)
    _require_manager(actor, component)
    refusal = link_refusal(component)
    if refusal is not None:
        raise refusal
    if ModelRegistryLink.objects.filter(component=component).exists():
        raise ValidationError(
            {"component": [f"{component.reference} is already linked to a registry model."]},
            code="invalid",
        )
    fields = _clean(tracking_uri=tracking_uri, model_name=model_name, follow=follow,
                    follow_value=follow_value)  # fmt: skip
    version, error = _baseline(fields)
    now = timezone.now()
    link = ModelRegistryLink(
        component=component, created_by=actor, last_seen_version=version,
        last_seen_at=now if version else None, last_synced_at=now, last_error=error, **fields,
    )  # fmt: skip
    reason = f"Linked to {fields['model_name']}" + (
        f", baseline version {version}" if version else ""
    )
    try:
        with transaction.atomic():
            return save_with_history(link, actor=actor, reason=reason[:100])
    except IntegrityError:  # another request linked the component first
        raise ValidationError(
            {"component": [f"{component.reference} is already linked to a registry model."]},
            code="invalid",
        ) from None


def link_update(
    *, actor, link: ModelRegistryLink, tracking_uri: str, model_name: str, follow: str,
    follow_value: str = "",
) -> ModelRegistryLink:  # fmt: skip
    """Follow something else: a new baseline is read, and nothing is reported for it."""
    component = Component.objects.select_related("system").get(pk=link.component_id)
    _require_manager(actor, component)
    fields = _clean(tracking_uri=tracking_uri, model_name=model_name, follow=follow,
                    follow_value=follow_value)  # fmt: skip
    unchanged = all(getattr(link, k) == v for k, v in fields.items())
    if unchanged:
        return link
    version, error = _baseline(fields)
    now = timezone.now()
    with transaction.atomic():
        link = ModelRegistryLink.objects.select_for_update().get(pk=link.pk)
        for key, value in fields.items():
            setattr(link, key, value)
        link.last_seen_version, link.last_seen_at = version, now if version else None
        link.last_synced_at, link.last_error = now, error
        return save_with_history(link, actor=actor, reason="Registry link changed; new baseline")


@transaction.atomic
def link_delete(*, actor, link: ModelRegistryLink) -> None:
    """Stop following; the history keeps the link, and notices already made stay."""
    _require_manager(actor, Component.objects.select_related("system").get(pk=link.component_id))
    stamp(link, actor=actor, reason="Registry link removed")
    link.delete()


# --- Sync ----------------------------------------------------------------------------------


def sync_actor():
    """The account the sync reports as: an integration's user with no password that may only
    report vendor changes. Made on first use (two workers at once: one makes it)."""
    User = get_user_model()
    user = User.objects.filter(username=SYNC_USERNAME).first()
    if user is None:
        try:
            with transaction.atomic():
                user = User(username=SYNC_USERNAME, first_name="Model registry",
                            last_name="sync")  # fmt: skip
                user.set_unusable_password()
                user.save()
        except IntegrityError:
            user = User.objects.get(username=SYNC_USERNAME)
    app_label, codename = SYNC_PERMISSION
    if not user.user_permissions.filter(codename=codename).exists():
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
        user = User.objects.get(pk=user.pk)  # forget the cached permissions
    return user


def detection_key(link: ModelRegistryLink, version: str) -> str:
    """One change of one link: what it saw before (and since when) and what it sees now. Two
    syncs that read the same state make the same key; a later move is another key."""
    since = link.last_seen_at.isoformat() if link.last_seen_at else "-"
    return (
        f"mlflow:{link.pk}:{link.follow}:{link.follow_value}:"
        f"{link.last_seen_version}@{since}->{version}"
    )[:300]


def _record_error(link_id: int, error: str) -> None:
    ModelRegistryLink.objects.filter(pk=link_id).update(
        last_error=error[:500], last_synced_at=timezone.now()
    )


def link_sync(*, link_id: int, actor=None) -> SyncResult:
    """Read the registry for one link and report a move once. ``actor`` is the person who
    asked ("sync now"), checked; the scheduled sync passes none. The report is made by the
    sync's account either way (the registry, not the person, observed the change)."""
    link = ModelRegistryLink.objects.select_related("component__system").get(pk=link_id)
    if actor is not None:
        _require_manager(actor, link.component)
    try:
        followed = mlflow.read_followed(
            tracking_uri=link.tracking_uri, model_name=link.model_name,
            follow=link.follow, value=link.follow_value,
        )  # fmt: skip
    except mlflow.RegistryError as error:
        _record_error(link.pk, str(error))
        return SyncResult(link=_fresh(link.pk), error=str(error)[:500])
    try:
        return _apply(link.pk, followed.version, actor)
    except (BusinessRuleError, ValidationError) as refused:
        message = getattr(refused, "message", None) or "; ".join(refused.messages)
        _record_error(link.pk, f"The change could not be reported: {message}")
        return SyncResult(link=_fresh(link.pk), version=followed.version, error=message)


def _fresh(pk: int) -> ModelRegistryLink:
    return ModelRegistryLink.objects.select_related("component__system").get(pk=pk)


@transaction.atomic
def _apply(link_id: int, version: str, actor) -> SyncResult:
    from ..vendor_changes import component_report_identifier

    # Lock the link's row alone (a nullable join cannot be locked on PostgreSQL).
    link = ModelRegistryLink.objects.select_for_update(of=("self",)).get(pk=link_id)
    now = timezone.now()
    if link.last_seen_version == version:
        ModelRegistryLink.objects.filter(pk=link.pk).update(last_synced_at=now, last_error="")
        return SyncResult(link=_fresh(link.pk), version=version)
    if not link.last_seen_version:  # linked while the registry was down: this is the baseline
        reason = f"Baseline version {version} recorded"
        notice, created = None, False
    else:
        reporter = sync_actor()
        notice, created = component_report_identifier(
            actor=reporter, component=link.component, identifier=link.model_uri(version),
            previous=link.model_uri(link.last_seen_version),
            detection_key=detection_key(link, version),
        )  # fmt: skip
        reason = f"Registry: {link.followed_label} moved from {link.last_seen_version} to {version}"
    link.last_seen_version, link.last_seen_at = version, now
    link.last_synced_at, link.last_error = now, ""
    save_with_history(link, actor=actor or sync_actor(), reason=reason[:100])
    logger.info("Registry link %s: %s", link.pk, reason)
    return SyncResult(
        link=link, version=version, changed=notice is not None, created=created,
        notice_reference=notice.reference if notice is not None else "",
    )  # fmt: skip


def sync_all() -> dict[str, int]:
    """The scheduled sync: every link of a system that is not closed, the least recently
    synced first. One link's failure is recorded on it and never stops the others."""
    ids = (
        ModelRegistryLink.objects.exclude(component__system__lifecycle_stage__in=CLOSED)
        .order_by("last_synced_at", "pk")
        .values_list("pk", flat=True)
    )
    counts = {"links": 0, "changes": 0, "errors": 0}
    for link_id in list(ids):
        try:
            result = link_sync(link_id=link_id)
        except ModelRegistryLink.DoesNotExist:  # unlinked meanwhile
            continue
        counts["links"] += 1
        counts["changes"] += int(result.created)
        counts["errors"] += int(bool(result.error))
    return counts
