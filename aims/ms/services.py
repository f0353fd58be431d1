"""Writes of the management-system records (ISO/IEC 42001 clauses 4 to 6), with their rules.

- Scope (4.3): one current record, created once then edited; an edit withdraws its approval,
  and it is approved again by someone other than its last editor.
- Interested parties (4.2) and context issues (4.1): kept by governance officers.
- Policies (5.2): the text lives in versions: draft -> approved -> published -> superseded.
  One version is in progress at a time; whoever wrote or edited a version may not approve it;
  publishing supersedes the previous published version and schedules the next review; only
  drafts change. Every user acknowledges the published version once.
- Objectives (6.2): measurable targets; the owner or an officer records progress readings and
  the objective keeps the latest one.
"""

from datetime import date
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone

from aims.errors import Code, RuleForbidden, TransitionNotAllowed
from aims.history import save_with_history, stamp
from aims.models import (
    AIMSScope,
    ContextIssue,
    InterestedParty,
    Objective,
    ObjectiveUpdate,
    OrganisationProfile,
    PartyFeedback,
    Policy,
    PolicyAcknowledgement,
    PolicyVersion,
)
from aims.notifications.services import notify
from aims.permissions import has_perm, require

VersionStatus = PolicyVersion.Status
ObjectiveStatus = Objective.Status

PROFILE_FIELDS = (
    "legal_name",
    "sector",
    "size_band",
    "countries",
    "contact_name",
    "contact_email",
    "frameworks",
    "frameworks_other",
)
SCOPE_FIELDS = ("statement", "boundaries", "exclusions", "ai_roles", "owner", "next_review_date")
PARTY_FIELDS = (
    "name",
    "category",
    "is_internal",
    "requirements",
    "addressed_by",
    "relevant_to_aims",
    "owner",
)
FEEDBACK_FIELDS = ("party", "received_on", "summary", "owner")
ISSUE_FIELDS = ("title", "kind", "category", "description", "effect", "is_active", "owner")
POLICY_FIELDS = (
    "title",
    "purpose",
    "owner",
    "review_interval_months",
    "next_review_date",
    "requires_acknowledgement",
)
VERSION_FIELDS = ("body", "change_summary")
OBJECTIVE_FIELDS = (
    "title",
    "description",
    "measure",
    "baseline",
    "target_value",
    "unit",
    "higher_is_better",
    "owner",
    "due_date",
    "status",
)
CLOSED_OBJECTIVE = (ObjectiveStatus.ACHIEVED, ObjectiveStatus.MISSED, ObjectiveStatus.CANCELLED)


# --- Shared helpers -------------------------------------------------------------------------


def _assign(obj: Model, data: dict[str, Any], fields: tuple[str, ...]) -> list[str]:
    """Copy the known ``fields`` of ``data`` onto ``obj``; return the names that changed.
    An empty owner keeps the current one (on a new record, the actor)."""
    changed = []
    for name in fields:
        if name == "owner" and data.get(name) is None:
            continue
        # getattr's default: a required relation not set yet on a new record has no value
        if name in data and getattr(obj, name, None) != data[name]:
            setattr(obj, name, data[name])
            changed.append(name)
    return changed


def _labels(obj: Model, names: list[str]) -> str:
    return ", ".join(str(obj._meta.get_field(n).verbose_name) for n in names)


# --- Organisation profile --------------------------------------------------------------------


def organisation_profile_current() -> OrganisationProfile | None:
    """The organisation's profile (there is at most one)."""
    return OrganisationProfile.objects.order_by("pk").first()


def organisation_name() -> str:
    """The organisation's legal name, or "" before the profile is saved."""
    profile = organisation_profile_current()
    return profile.legal_name if profile else ""


@transaction.atomic
def organisation_profile_save(*, actor, data: dict[str, Any]) -> OrganisationProfile:
    """Create the profile (first time) or change the fields given in ``data``."""
    profile = organisation_profile_current()
    if profile is None:
        require(
            actor,
            "aims.add_organisationprofile",
            message="Only governance officers describe the organisation.",
        )
        profile = OrganisationProfile()
        _assign(profile, data, PROFILE_FIELDS)
        return save_with_history(profile, actor=actor, reason="Organisation profile recorded")
    require(
        actor,
        "aims.change_organisationprofile",
        message="Only governance officers change the organisation profile.",
    )
    profile = OrganisationProfile.objects.select_for_update().get(pk=profile.pk)
    changed = _assign(profile, data, PROFILE_FIELDS)
    if not changed:
        return profile
    reason = f"Organisation profile changed: {_labels(profile, changed)}"
    return save_with_history(profile, actor=actor, reason=reason)


# --- Scope (4.3) ----------------------------------------------------------------------------


def scope_current() -> AIMSScope | None:
    """The current scope record (there is at most one)."""
    return AIMSScope.objects.select_related("owner", "approved_by").order_by("pk").first()


def scope_last_editor_id(scope: AIMSScope) -> int | None:
    """Who made the last change to the scope's content (approvals aside)."""
    row = (
        scope.history.exclude(history_change_reason__startswith="Approved")
        .order_by("-history_id")
        .values_list("history_user_id", flat=True)
        .first()
    )
    return row


@transaction.atomic
def scope_save(*, actor, data: dict[str, Any]) -> AIMSScope:
    """Create the scope (first time) or change it. A change withdraws an earlier approval."""
    scope = scope_current()
    if scope is None:
        require(actor, "aims.add_aimsscope", message="Only governance officers define the scope.")
        scope = AIMSScope(owner=data.get("owner") or actor)
        _assign(scope, data, SCOPE_FIELDS)
        return save_with_history(scope, actor=actor, reason="Scope of the AIMS defined")
    require(actor, "aims.change_aimsscope", message="Only governance officers change the scope.")
    scope = AIMSScope.objects.select_for_update().get(pk=scope.pk)
    changed = _assign(scope, data, SCOPE_FIELDS)
    if not changed:
        return scope
    reason = f"Scope changed: {_labels(scope, changed)}"
    if scope.approved_at is not None:
        scope.approved_by, scope.approved_at = None, None
        reason += " (approval withdrawn until it is approved again)"
    return save_with_history(scope, actor=actor, reason=reason)


@transaction.atomic
def scope_approve(*, actor) -> AIMSScope:
    """Approve the current scope; not by whoever last changed it."""
    require(actor, "aims.approve_policy", message="Only approvers and officers approve the scope.")
    scope = scope_current()
    if scope is None:
        raise TransitionNotAllowed("There is no scope to approve yet.", code=Code.NO_SCOPE)
    scope = AIMSScope.objects.select_for_update().get(pk=scope.pk)
    if scope.approved_at is not None:
        raise TransitionNotAllowed(
            "The scope is already approved; it needs approving again only after a change.",
            code=Code.ALREADY_APPROVED,
        )
    if scope_last_editor_id(scope) == actor.pk:
        raise RuleForbidden(
            "You made the last change to the scope: someone else must approve it.",
            code=Code.SEGREGATION_OF_DUTIES,
        )
    scope.approved_by, scope.approved_at = actor, timezone.now()
    return save_with_history(scope, actor=actor, reason=f"Approved by {actor}")


# --- Interested parties (4.2) and context issues (4.1) ---------------------------------------


def _register_save(
    *, actor, record: Model, data: dict[str, Any], fields: tuple[str, ...], noun: str
) -> Model:
    model = type(record)
    meta = model._meta
    creating = record.pk is None
    action = "add" if creating else "change"
    require(
        actor, f"aims.{action}_{meta.model_name}", message=f"Only governance officers keep {noun}."
    )
    if creating:
        record.owner = data.get("owner") or actor
        _assign(record, data, fields)
        return save_with_history(
            record, actor=actor, reason=f"{meta.verbose_name.capitalize()} recorded"
        )
    record = model.objects.select_for_update().get(pk=record.pk)
    changed = _assign(record, data, fields)
    if not changed:
        return record
    return save_with_history(record, actor=actor, reason=f"Changed: {_labels(record, changed)}")


def _register_delete(*, actor, record: Model, reason: str, noun: str) -> None:
    meta = record._meta
    require(
        actor, f"aims.delete_{meta.model_name}", message=f"Only governance officers remove {noun}."
    )
    reason = reason.strip() or f"{meta.verbose_name.capitalize()} removed"
    stamp(record, actor=actor, reason=reason)
    record.delete()


@transaction.atomic
def party_save(*, actor, party: InterestedParty | None = None, data: dict) -> InterestedParty:
    return _register_save(
        actor=actor,
        record=party or InterestedParty(),
        data=data,
        fields=PARTY_FIELDS,
        noun="interested parties",
    )


@transaction.atomic
def party_delete(*, actor, party: InterestedParty, reason: str = "") -> None:
    _register_delete(actor=actor, record=party, reason=reason, noun="interested parties")


@transaction.atomic
def feedback_save(*, actor, feedback: PartyFeedback | None = None, data: dict) -> PartyFeedback:
    """Record what an interested party told us (received by the actor unless named)."""
    return _register_save(
        actor=actor,
        record=feedback or PartyFeedback(),
        data=data,
        fields=FEEDBACK_FIELDS,
        noun="feedback from interested parties",
    )


@transaction.atomic
def feedback_delete(*, actor, feedback: PartyFeedback, reason: str = "") -> None:
    _register_delete(
        actor=actor, record=feedback, reason=reason, noun="feedback from interested parties"
    )


@transaction.atomic
def issue_save(*, actor, issue: ContextIssue | None = None, data: dict) -> ContextIssue:
    return _register_save(
        actor=actor,
        record=issue or ContextIssue(),
        data=data,
        fields=ISSUE_FIELDS,
        noun="context issues",
    )


@transaction.atomic
def issue_delete(*, actor, issue: ContextIssue, reason: str = "") -> None:
    _register_delete(actor=actor, record=issue, reason=reason, noun="context issues")


# --- Policies (5.2) -------------------------------------------------------------------------


def published_version(policy: Policy) -> PolicyVersion | None:
    return policy.versions.filter(status=VersionStatus.PUBLISHED).order_by("-number").first()


def version_in_progress(policy: Policy) -> PolicyVersion | None:
    """The draft, or the approved version waiting to be published (at most one)."""
    return (
        policy.versions.filter(status__in=(VersionStatus.DRAFT, VersionStatus.APPROVED))
        .order_by("-number")
        .first()
    )


def _new_version(*, actor, policy: Policy, body: str, change_summary: str) -> PolicyVersion:
    last = policy.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = PolicyVersion(
        policy=policy,
        number=last + 1,
        body=body,
        change_summary=change_summary,
        drafted_by=actor,
    )
    return save_with_history(version, actor=actor, reason=f"Version {version.number} drafted")


@transaction.atomic
def policy_create(
    *,
    actor,
    title: str,
    body: str,
    purpose: str = "",
    owner=None,
    review_interval_months: int = 12,
    requires_acknowledgement: bool = True,
    next_review_date: date | None = None,
    change_summary: str = "",
) -> Policy:
    """A new policy with its first draft version."""
    require(actor, "aims.add_policy", message="Only governance officers create policies.")
    policy = Policy(
        title=title,
        purpose=purpose,
        owner=owner or actor,
        review_interval_months=review_interval_months,
        requires_acknowledgement=requires_acknowledgement,
        next_review_date=next_review_date,
    )
    save_with_history(policy, actor=actor, reason="Policy created")
    _new_version(
        actor=actor, policy=policy, body=body, change_summary=change_summary or "First version"
    )
    return policy


@transaction.atomic
def policy_update(*, actor, policy: Policy, data: dict[str, Any]) -> Policy:
    """Change what describes a policy (its text changes through versions)."""
    require(actor, "aims.change_policy", message="Only governance officers change policies.")
    policy = Policy.objects.select_for_update().get(pk=policy.pk)
    changed = _assign(policy, data, POLICY_FIELDS)
    if not changed:
        return policy
    return save_with_history(policy, actor=actor, reason=f"Changed: {_labels(policy, changed)}")


@transaction.atomic
def version_create(*, actor, policy: Policy, body: str, change_summary: str = "") -> PolicyVersion:
    """Start the next version of a policy; refused while another one is in progress."""
    require(
        actor, "aims.add_policyversion", message="Only governance officers draft policy versions."
    )
    policy = Policy.objects.select_for_update().get(pk=policy.pk)
    pending = version_in_progress(policy)
    if pending is not None:
        raise TransitionNotAllowed(
            f"Version {pending.number} is still {pending.get_status_display().lower()}: "
            "publish it, or edit the draft, before starting another.",
            code=Code.VERSION_IN_PROGRESS,
            extra={"version": pending.pk},
        )
    return _new_version(actor=actor, policy=policy, body=body, change_summary=change_summary)


@transaction.atomic
def version_update(*, actor, version: PolicyVersion, data: dict[str, Any]) -> PolicyVersion:
    """Edit a draft. Approved and published versions never change."""
    require(
        actor, "aims.change_policyversion", message="Only governance officers edit policy drafts."
    )
    version = PolicyVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != VersionStatus.DRAFT:
        raise TransitionNotAllowed(
            f"Version {version.number} is {version.get_status_display().lower()}: only drafts "
            "change. Start a new version instead.",
            code=Code.VERSION_LOCKED,
        )
    changed = _assign(version, data, VERSION_FIELDS)
    if not changed:
        return version
    return save_with_history(
        version, actor=actor, reason=f"Draft edited: {_labels(version, changed)}"
    )


def version_authors(version: PolicyVersion) -> set[int]:
    """Everyone who wrote or edited the version's text."""
    authors = set(
        version.history.exclude(history_user_id=None).values_list("history_user_id", flat=True)
    )
    return authors | {version.drafted_by_id}


@transaction.atomic
def version_approve(*, actor, version: PolicyVersion) -> PolicyVersion:
    """Approve a draft; whoever wrote or edited it may not (segregation of duties)."""
    require(actor, "aims.approve_policy", message="Only approvers and officers approve policies.")
    version = PolicyVersion.objects.select_for_update().select_related("policy").get(pk=version.pk)
    if version.status != VersionStatus.DRAFT:
        raise TransitionNotAllowed(
            f"Only drafts are approved; version {version.number} is "
            f"{version.get_status_display().lower()}.",
            code=Code.TRANSITION_NOT_ALLOWED,
        )
    if actor.pk in version_authors(version):
        raise RuleForbidden(
            "You wrote or edited this version: someone else must approve it.",
            code=Code.SEGREGATION_OF_DUTIES,
        )
    version.status = VersionStatus.APPROVED
    version.approved_by, version.approved_at = actor, timezone.now()
    save_with_history(version, actor=actor, reason=f"Version {version.number} approved by {actor}")
    notify(
        recipients=[version.drafted_by, version.policy.owner],
        title=f"{version} approved: ready to publish",
        link=_policy_url(version.policy),
    )
    return version


@transaction.atomic
def version_publish(*, actor, version: PolicyVersion) -> PolicyVersion:
    """Publish an approved version; the previous published version is superseded."""
    require(actor, "aims.approve_policy", message="Only approvers and officers publish policies.")
    policy = Policy.objects.select_for_update().get(pk=version.policy_id)
    version = PolicyVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != VersionStatus.APPROVED:
        hint = " Approve it first." if version.status == VersionStatus.DRAFT else ""
        raise TransitionNotAllowed(
            f"Only approved versions are published; version {version.number} is "
            f"{version.get_status_display().lower()}.{hint}",
            code=Code.TRANSITION_NOT_ALLOWED,
        )
    for previous in policy.versions.select_for_update().filter(status=VersionStatus.PUBLISHED):
        previous.status = VersionStatus.SUPERSEDED
        save_with_history(previous, actor=actor, reason=f"Superseded by version {version.number}")
    version.status = VersionStatus.PUBLISHED
    version.published_at = timezone.now()
    save_with_history(version, actor=actor, reason=f"Version {version.number} published")
    policy.next_review_date = timezone.localdate() + relativedelta(
        months=policy.review_interval_months
    )
    save_with_history(
        policy, actor=actor, reason=f"Version {version.number} published: next review set"
    )
    return version


def _policy_url(policy: Policy) -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("ms:policy_detail", args=[policy.pk])
    except NoReverseMatch:
        return ""


@transaction.atomic
def policy_acknowledge(
    *, actor, policy: Policy, version_id: int | None = None
) -> tuple[PolicyAcknowledgement, bool]:
    """Record that ``actor`` read the published version. Once: a repeat returns the first
    acknowledgement and ``False``. ``version_id``, when given, is the version the user read:
    refused if another version has been published since."""
    if not actor.is_authenticated or not actor.is_active:
        raise RuleForbidden("Log in to acknowledge a policy.", code=Code.PERMISSION_DENIED)
    if not policy.requires_acknowledgement:
        raise TransitionNotAllowed(
            f"{policy.reference} does not ask for acknowledgement.", code=Code.NOT_REQUIRED
        )
    version = published_version(policy)
    if version is None:
        raise TransitionNotAllowed(
            f"{policy.reference} has no published version to acknowledge yet.",
            code=Code.NOT_PUBLISHED,
        )
    if version_id is not None and version_id != version.pk:
        raise ValidationError(
            {
                "version": [
                    f"You read a version that is no longer the published one; version "
                    f"{version.number} is. Read it, then acknowledge."
                ]
            }
        )
    existing = PolicyAcknowledgement.objects.filter(version=version, user=actor).first()
    if existing is not None:
        return existing, False
    ack = PolicyAcknowledgement(version=version, user=actor)
    stamp(ack, actor=actor, reason=f"Acknowledged {version}")
    try:
        with transaction.atomic():
            ack.save()
    except IntegrityError:  # the same user, in a parallel request
        return PolicyAcknowledgement.objects.get(version=version, user=actor), False
    return ack, True


# --- Objectives (6.2) -----------------------------------------------------------------------


def _check_direction(objective: Objective) -> None:
    baseline, target = objective.baseline, objective.target_value
    if baseline is None or target is None:
        return
    if objective.higher_is_better and target <= baseline:
        raise ValidationError(
            {"target_value": ["Higher is better: the target must be above the baseline."]}
        )
    if not objective.higher_is_better and target >= baseline:
        raise ValidationError(
            {"target_value": ["Lower is better: the target must be below the baseline."]}
        )


@transaction.atomic
def objective_create(*, actor, data: dict[str, Any]) -> Objective:
    require(actor, "aims.add_objective", message="Only governance officers set objectives.")
    objective = Objective(owner=data.get("owner") or actor)
    _assign(objective, data, OBJECTIVE_FIELDS)
    _check_direction(objective)
    return save_with_history(objective, actor=actor, reason="Objective set")


@transaction.atomic
def objective_update(*, actor, objective: Objective, data: dict[str, Any]) -> Objective:
    require(actor, "aims.change_objective", message="Only governance officers change objectives.")
    objective = Objective.objects.select_for_update().get(pk=objective.pk)
    changed = _assign(objective, data, OBJECTIVE_FIELDS)
    if not changed:
        return objective
    _check_direction(objective)
    reason = f"Changed: {_labels(objective, changed)}"
    if "status" in changed:
        reason = f"Status set to '{objective.get_status_display()}'. " + reason
    return save_with_history(objective, actor=actor, reason=reason)


def can_record_progress(user, objective: Objective) -> bool:
    return user.is_authenticated and (
        objective.owner_id == user.pk or has_perm(user, "aims.add_objectiveupdate")
    )


@transaction.atomic
def objective_record_progress(
    *,
    actor,
    objective: Objective,
    value: Decimal,
    recorded_on: date | None = None,
    note: str = "",
) -> ObjectiveUpdate:
    """A progress reading by the objective's owner or an officer; the objective keeps the
    value of its latest reading."""
    if not can_record_progress(actor, objective):
        raise RuleForbidden(
            "Only the objective's owner or a governance officer records its progress.",
            code=Code.PERMISSION_DENIED,
        )
    objective = Objective.objects.select_for_update().get(pk=objective.pk)
    if objective.status in CLOSED_OBJECTIVE:
        raise TransitionNotAllowed(
            f"{objective.reference} is {objective.get_status_display().lower()}: reopen it "
            "(set its status) before recording progress.",
            code=Code.OBJECTIVE_CLOSED,
        )
    recorded_on = recorded_on or timezone.localdate()
    if recorded_on > timezone.localdate():
        raise ValidationError({"recorded_on": ["A reading cannot be dated in the future."]})
    update = ObjectiveUpdate(
        objective=objective, value=value, note=note, recorded_by=actor, recorded_on=recorded_on
    )
    save_with_history(update, actor=actor, reason=f"Progress recorded: {value}")
    latest = objective.updates.order_by("-recorded_on", "-id").values_list("value", flat=True)[0]
    if objective.current_value != latest:
        objective.current_value = latest
        save_with_history(
            objective, actor=actor, reason=f"Current value {latest} from a progress reading"
        )
    return update
