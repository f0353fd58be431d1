"""Browser pages of the management system: scope and context (4.1-4.3), policies (5.2) and
objectives (6.2). Thin: reads through aims.ms.selectors, writes through aims.ms.services.

Model permissions come from the roles (officers keep these records, approvers approve,
auditors read); an objective is also open to its owner. Refused actions re-render the page
with the reason and the HTTP status of the refusal.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from aims.errors import BusinessRuleError
from aims.evidence.selectors import evidence_on
from aims.history_diff import history_entries
from aims.models import (
    ContextIssue,
    InterestedParty,
    Objective,
    PartyFeedback,
    Policy,
    PolicyVersion,
)
from aims.ms import selectors as selectors
from aims.ms import services as services
from aims.ms.forms import (
    DeleteForm,
    FeedbackFilterForm,
    FeedbackForm,
    IssueFilterForm,
    IssueForm,
    ObjectiveCreateForm,
    ObjectiveFilterForm,
    ObjectiveForm,
    PartyFilterForm,
    PartyForm,
    PolicyCreateForm,
    PolicyForm,
    ProgressForm,
    ScopeForm,
    VersionForm,
)
from aims.permissions import has_perm
from aims.view_helpers import ServiceFormMixin, paginate


class MSView(LoginRequiredMixin, View):
    """Login, then the model permission ``permission`` (a role grant) if one is set."""

    permission = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.load(**kwargs)
        if self.permission and not has_perm(request.user, self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def load(self, **kwargs) -> None:
        """Fetch the record named in the URL (a 404 when missing or out of reach)."""

    def can(self, perm: str) -> bool:
        return has_perm(self.request.user, perm)


def _evidence_of(record: Model, user):
    return evidence_on(record, user=user, current_only=True)


# --- Overview and scope ---------------------------------------------------------------------


class OverviewView(MSView):
    permission = "aims.view_aimsscope"

    def get(self, request):
        user = request.user
        policies = list(selectors.policy_list(user=user))
        rows = [(p, *selectors.current_versions(p)) for p in policies]
        counts = selectors.acknowledgement_counts([published for _, published, _ in rows])
        context = {
            "scope": services.scope_current(),
            "systems_in_scope": selectors.systems_in_scope().count(),
            "policies": [
                (p, published, pending, counts.get(published.pk, 0) if published else 0)
                for p, published, pending in rows
            ],
            "active_users": selectors.active_user_count(),
            "objectives": selectors.objective_list(user=user)
            .exclude(status__in=services.CLOSED_OBJECTIVE)
            .order_by("due_date")[:10],
            "today": timezone.localdate(),
        }
        if self.can("aims.view_contextissue"):
            context["issues_by_kind"] = {
                kind: selectors.issue_list(
                    user=user, filters={"kind": kind, "active": "yes"}
                ).count()
                for kind in ContextIssue.Kind.values
            }
            context["climate_issues"] = selectors.issue_list(
                user=user, filters={"category": ContextIssue.Category.CLIMATE, "active": "yes"}
            )[:5]
        if self.can("aims.view_interestedparty"):
            context["party_count"] = selectors.party_list(user=user).count()
        return render(request, "ms/overview.html", context)


def _scope_context(request) -> dict:
    scope = services.scope_current()
    user = request.user
    in_scope = selectors.systems_in_scope()
    can_list = has_perm(user, "inventory.view_aisystem")
    return {
        "scope": scope,
        "systems_in_scope": in_scope.count(),
        "system_names": list(in_scope.values_list("name", flat=True)[:50]) if can_list else None,
        "can_edit": has_perm(user, "aims.change_aimsscope" if scope else "aims.add_aimsscope"),
        "can_approve": scope is not None
        and scope.approved_at is None
        and has_perm(user, "aims.approve_policy")
        and services.scope_last_editor_id(scope) != user.pk,
    }


class ScopeView(MSView):
    permission = "aims.view_aimsscope"

    def get(self, request):
        return render(request, "ms/scope.html", _scope_context(request))


class ScopeEditView(ServiceFormMixin, MSView):
    template_name = "ms/scope_form.html"

    def load(self, **kwargs) -> None:
        self.scope = services.scope_current()
        self.permission = "aims.change_aimsscope" if self.scope else "aims.add_aimsscope"

    def context(self) -> dict:
        return {"scope": self.scope}

    def make_form(self, data=None):
        if data is not None:  # a fresh copy: a refused save must not leave its edits on it
            return ScopeForm(data, instance=services.scope_current())
        initial = {} if self.scope else {"owner": self.request.user.pk}
        return ScopeForm(instance=self.scope, initial=initial)

    def save(self, form) -> str:
        services.scope_save(actor=self.request.user, data=form.cleaned_data)
        messages.success(self.request, "Scope saved.")
        return reverse("ms:scope")


class ScopeApproveView(MSView):
    permission = "aims.approve_policy"

    def post(self, request):
        try:
            services.scope_approve(actor=request.user)
        except BusinessRuleError as exc:
            if exc.status_code == 403:
                raise PermissionDenied(exc.message) from exc
            context = {**_scope_context(request), "error": exc.message}
            return render(request, "ms/scope.html", context, status=exc.status_code)
        messages.success(request, "Scope approved.")
        return HttpResponseRedirect(reverse("ms:scope"))


class ScopeHistoryView(MSView):
    permission = "aims.view_aimsscope"

    def get(self, request):
        scope = services.scope_current()
        entries = history_entries([scope.history.all()]) if scope else []
        page, query = paginate(request, entries)
        return render(
            request,
            "ms/scope_history.html",
            {"scope": scope, "page_obj": page, "querystring_without_page": query},
        )


# --- Interested parties and context issues --------------------------------------------------


class RegisterConfig:
    """What differs between the two context registers."""

    model: type[Model]
    noun: str
    plural: str
    list_url: str
    form_class: type
    filter_form: type
    list_template: str
    save = staticmethod(lambda **kw: None)
    delete = staticmethod(lambda **kw: None)
    select = staticmethod(lambda **kw: None)
    record_kwarg = ""


class PartyConfig(RegisterConfig):
    model = InterestedParty
    noun = "interested party"
    plural = "interested parties"
    list_url = "ms:party_list"
    form_class = PartyForm
    filter_form = PartyFilterForm
    list_template = "ms/party_list.html"
    save = staticmethod(lambda *, actor, record, data: services.party_save(
        actor=actor, party=record, data=data))  # fmt: skip
    delete = staticmethod(lambda *, actor, record, reason: services.party_delete(
        actor=actor, party=record, reason=reason))  # fmt: skip
    select = staticmethod(selectors.party_list)


class FeedbackConfig(RegisterConfig):
    model = PartyFeedback
    noun = "feedback"
    plural = "feedback from interested parties"
    list_url = "ms:feedback_list"
    form_class = FeedbackForm
    filter_form = FeedbackFilterForm
    list_template = "ms/feedback_list.html"
    save = staticmethod(lambda *, actor, record, data: services.feedback_save(
        actor=actor, feedback=record, data=data))  # fmt: skip
    delete = staticmethod(lambda *, actor, record, reason: services.feedback_delete(
        actor=actor, feedback=record, reason=reason))  # fmt: skip
    select = staticmethod(selectors.feedback_list)


class IssueConfig(RegisterConfig):
    model = ContextIssue
    noun = "context issue"
    plural = "context issues"
    list_url = "ms:issue_list"
    form_class = IssueForm
    filter_form = IssueFilterForm
    list_template = "ms/issue_list.html"
    save = staticmethod(lambda *, actor, record, data: services.issue_save(
        actor=actor, issue=record, data=data))  # fmt: skip
    delete = staticmethod(lambda *, actor, record, reason: services.issue_delete(
        actor=actor, issue=record, reason=reason))  # fmt: skip
    select = staticmethod(selectors.issue_list)


class RegisterMixin(MSView):
    config: type[RegisterConfig]
    action = "view"

    def load(self, pk: int | None = None, **kwargs) -> None:
        meta = self.config.model._meta
        self.permission = f"aims.{self.action}_{meta.model_name}"
        self.record = get_object_or_404(self.config.model, pk=pk) if pk is not None else None

    def context(self, **extra) -> dict:
        return {"config": self.config, "record": self.record, **extra}


class RegisterListView(RegisterMixin):
    def get(self, request):
        form = self.config.filter_form(request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        page, query = paginate(request, self.config.select(user=request.user, filters=filters))
        model_name = self.config.model._meta.model_name
        return render(
            request,
            self.config.list_template,
            self.context(
                filter_form=form,
                page_obj=page,
                querystring_without_page=query,
                can_add=self.can(f"aims.add_{model_name}"),
                can_change=self.can(f"aims.change_{model_name}"),
                can_delete=self.can(f"aims.delete_{model_name}"),
            ),
        )


class RegisterFormView(ServiceFormMixin, RegisterMixin):
    template_name = "ms/register_form.html"

    def load(self, pk: int | None = None, **kwargs) -> None:
        self.action = "change" if pk is not None else "add"
        super().load(pk=pk, **kwargs)

    def make_form(self, data=None):
        if data is not None:  # a fresh copy: a refused save must not leave its edits on it
            instance = self.config.model.objects.get(pk=self.record.pk) if self.record else None
            return self.config.form_class(data, instance=instance)
        initial = {} if self.record else {"owner": self.request.user.pk}
        return self.config.form_class(instance=self.record, initial=initial)

    def save(self, form) -> str:
        saved = self.config.save(
            actor=self.request.user, record=self.record, data=form.cleaned_data
        )
        messages.success(self.request, f"{self.config.noun.capitalize()} '{saved}' saved.")
        return reverse(self.config.list_url)


class RegisterDeleteView(ServiceFormMixin, RegisterMixin):
    action = "delete"
    template_name = "ms/confirm_delete.html"
    raise_forbidden = True

    def make_form(self, data=None):
        return DeleteForm(data)

    def save(self, form) -> str:
        label = str(self.record)
        self.config.delete(
            actor=self.request.user, record=self.record, reason=form.cleaned_data["reason"]
        )
        messages.success(self.request, f"{self.config.noun.capitalize()} '{label}' removed.")
        return reverse(self.config.list_url)


class PartyListView(RegisterListView):
    config = PartyConfig


class PartyFormView(RegisterFormView):
    config = PartyConfig


class PartyDeleteView(RegisterDeleteView):
    config = PartyConfig


class FeedbackListView(RegisterListView):
    config = FeedbackConfig


class FeedbackFormView(RegisterFormView):
    config = FeedbackConfig


class FeedbackDeleteView(RegisterDeleteView):
    config = FeedbackConfig


class IssueListView(RegisterListView):
    config = IssueConfig


class IssueFormView(RegisterFormView):
    config = IssueConfig


class IssueDeleteView(RegisterDeleteView):
    config = IssueConfig


# --- Policies -------------------------------------------------------------------------------


class PolicyListView(MSView):
    permission = "aims.view_policy"

    def get(self, request):
        q = request.GET.get("q", "").strip()[:100]
        page, query = paginate(request, selectors.policy_list(user=request.user, filters={"q": q}))
        rows = [(p, *selectors.current_versions(p)) for p in page.object_list]
        counts = selectors.acknowledgement_counts([published for _, published, _ in rows])
        return render(
            request,
            "ms/policy_list.html",
            {
                "q": q,
                "page_obj": page,
                "querystring_without_page": query,
                "rows": [
                    (p, published, pending, counts.get(published.pk, 0) if published else None)
                    for p, published, pending in rows
                ],
                "active_users": selectors.active_user_count(),
                "can_add": self.can("aims.add_policy"),
            },
        )


class PolicyCreateView(ServiceFormMixin, MSView):
    permission = "aims.add_policy"
    template_name = "ms/policy_form.html"

    def make_form(self, data=None):
        return PolicyCreateForm(data, initial={"owner": self.request.user.pk})

    def save(self, form) -> str:
        policy = services.policy_create(actor=self.request.user, **form.cleaned_data)
        messages.success(self.request, f"{policy.reference} created with a first draft.")
        return reverse("ms:policy_detail", args=[policy.pk])


class PolicyMixin(MSView):
    def load(self, pk: int, **kwargs) -> None:
        self.policy = get_object_or_404(Policy.objects.select_related("owner"), pk=pk)


def _policy_context(request, policy: Policy, **extra) -> dict:
    user = request.user
    versions = list(policy.versions.select_related("drafted_by", "approved_by").order_by("-number"))
    published = next((v for v in versions if v.status == PolicyVersion.Status.PUBLISHED), None)
    in_progress = (PolicyVersion.Status.DRAFT, PolicyVersion.Status.APPROVED)
    pending = next((v for v in versions if v.status in in_progress), None)
    authors = services.version_authors(pending) if pending else set()
    return {
        "policy": policy,
        "versions": versions,
        "published": published,
        "pending": pending,
        "can_change": has_perm(user, "aims.change_policy"),
        "can_draft": pending is None and has_perm(user, "aims.add_policyversion"),
        "can_edit_draft": pending is not None
        and pending.status == PolicyVersion.Status.DRAFT
        and has_perm(user, "aims.change_policyversion"),
        "can_approve": pending is not None
        and pending.status == PolicyVersion.Status.DRAFT
        and has_perm(user, "aims.approve_policy")
        and user.pk not in authors,
        "is_author": user.pk in authors,
        "can_publish": pending is not None
        and pending.status == PolicyVersion.Status.APPROVED
        and has_perm(user, "aims.approve_policy"),
        "can_see_acks": has_perm(user, "aims.view_policyacknowledgement"),
        "ack_status": selectors.acknowledgement_status(policy)
        if has_perm(user, "aims.view_policyacknowledgement")
        else None,
        "my_ack": published.acknowledgements.filter(user=user).first() if published else None,
        "evidence_list": _evidence_of(policy, user),
        "can_attach": has_perm(user, "aims.add_evidence") and has_perm(user, "aims.change_policy"),
        "history": policy.history.select_related("history_user").order_by("-history_id")[:20],
        **extra,
    }


class PolicyDetailView(PolicyMixin):
    permission = "aims.view_policy"

    def get(self, request, pk: int):
        return render(request, "ms/policy_detail.html", _policy_context(request, self.policy))


class PolicyEditView(ServiceFormMixin, PolicyMixin):
    permission = "aims.change_policy"
    template_name = "ms/policy_form.html"

    def context(self) -> dict:
        return {"policy": self.policy}

    def make_form(self, data=None):
        if data is not None:  # a fresh copy: a refused save must not leave its edits on it
            return PolicyForm(data, instance=Policy.objects.get(pk=self.policy.pk))
        return PolicyForm(instance=self.policy)

    def save(self, form) -> str:
        services.policy_update(actor=self.request.user, policy=self.policy, data=form.cleaned_data)
        messages.success(self.request, f"{self.policy.reference} saved.")
        return reverse("ms:policy_detail", args=[self.policy.pk])


class VersionCreateView(ServiceFormMixin, PolicyMixin):
    permission = "aims.add_policyversion"
    template_name = "ms/version_form.html"

    def context(self) -> dict:
        return {"policy": self.policy}

    def make_form(self, data=None):
        if data is not None:
            return VersionForm(data)
        published = services.published_version(self.policy)
        return VersionForm(initial={"body": published.body if published else ""})

    def get(self, request, pk: int):
        pending = services.version_in_progress(self.policy)
        return self.render_form(self.make_form(), pending=pending)

    def save(self, form) -> str:
        version = services.version_create(
            actor=self.request.user, policy=self.policy, **form.cleaned_data
        )
        messages.success(self.request, f"Version {version.number} drafted.")
        return reverse("ms:policy_detail", args=[self.policy.pk])


class VersionMixin(MSView):
    def load(self, pk: int, **kwargs) -> None:
        self.version = get_object_or_404(
            PolicyVersion.objects.select_related("policy", "drafted_by", "approved_by"), pk=pk
        )
        self.policy = self.version.policy


class VersionDetailView(VersionMixin):
    permission = "aims.view_policyversion"

    def get(self, request, pk: int):
        return render(
            request,
            "ms/version_detail.html",
            {
                "version": self.version,
                "policy": self.policy,
                "history": self.version.history.select_related("history_user").order_by(
                    "-history_id"
                ),
            },
        )


class VersionEditView(ServiceFormMixin, VersionMixin):
    permission = "aims.change_policyversion"
    template_name = "ms/version_form.html"

    def context(self) -> dict:
        return {"policy": self.policy, "version": self.version}

    def make_form(self, data=None):
        if data is not None:  # a fresh copy: a refused save must not leave its edits on it
            return VersionForm(data, instance=PolicyVersion.objects.get(pk=self.version.pk))
        return VersionForm(instance=self.version)

    def get(self, request, pk: int):
        if self.version.status != PolicyVersion.Status.DRAFT:
            return self.locked(request)
        return super().get(request, pk)

    def locked(self, request):
        message = (
            f"Version {self.version.number} is {self.version.get_status_display().lower()}: "
            "only drafts change."
        )
        context = _policy_context(request, self.policy, error=message)
        return render(request, "ms/policy_detail.html", context, status=409)

    def refused(self, form, exc):
        if isinstance(exc, BusinessRuleError) and exc.status_code == 409:
            return self.locked(self.request)
        return super().refused(form, exc)

    def save(self, form) -> str:
        services.version_update(
            actor=self.request.user, version=self.version, data=form.cleaned_data
        )
        messages.success(self.request, f"Draft of version {self.version.number} saved.")
        return reverse("ms:policy_detail", args=[self.policy.pk])


class VersionActionView(VersionMixin):
    permission = "aims.approve_policy"
    done = ""

    def act(self, actor, version):
        raise NotImplementedError

    def post(self, request, pk: int):
        try:
            self.act(request.user, self.version)
        except BusinessRuleError as exc:
            if exc.status_code == 403:
                raise PermissionDenied(exc.message) from exc
            context = _policy_context(request, self.policy, error=exc.message)
            return render(request, "ms/policy_detail.html", context, status=exc.status_code)
        messages.success(request, f"{self.version}: {self.done}.")
        return HttpResponseRedirect(reverse("ms:policy_detail", args=[self.policy.pk]))


class VersionApproveView(VersionActionView):
    done = "approved"

    def act(self, actor, version):
        return services.version_approve(actor=actor, version=version)


class VersionPublishView(VersionActionView):
    done = "published; every user is asked to acknowledge it"

    def act(self, actor, version):
        return services.version_publish(actor=actor, version=version)


class PolicyAcknowledgementsView(PolicyMixin):
    permission = "aims.view_policyacknowledgement"

    def get(self, request, pk: int):
        status = selectors.acknowledgement_status(self.policy)
        return render(
            request,
            "ms/policy_acknowledgements.html",
            {"policy": self.policy, "status": status},
        )


class PolicyReadView(PolicyMixin):
    """The published text, for every logged-in user, with the acknowledgement button."""

    def get(self, request, pk: int):
        version = services.published_version(self.policy)
        if version is None:
            raise Http404("This policy has no published version.")
        return render(
            request,
            "ms/policy_read.html",
            {
                "policy": self.policy,
                "version": version,
                "my_ack": version.acknowledgements.filter(user=request.user).first(),
            },
        )


class PolicyAcknowledgeView(PolicyMixin):
    def post(self, request, pk: int):
        version = request.POST.get("version", "")
        try:
            ack, created = services.policy_acknowledge(
                actor=request.user,
                policy=self.policy,
                version_id=int(version) if version.isdigit() else None,
            )
        except (BusinessRuleError, ValidationError) as exc:
            status = getattr(exc, "status_code", 409)  # a stale version: read the new one
            messages.error(request, getattr(exc, "message", None) or " ".join(exc.messages))
            return render(
                request,
                "ms/policy_pending.html",
                _pending_context(request),
                status=status,
            )
        if created:
            messages.success(request, f"Thank you: you acknowledged {ack.version}.")
        else:
            messages.info(
                request,
                f"You had already acknowledged {ack.version} on "
                f"{timezone.localtime(ack.acknowledged_at):%d %b %Y}.",
            )
        return HttpResponseRedirect(reverse("ms:policy_pending"))


def _pending_context(request) -> dict:
    return {
        "pending": list(selectors.pending_acknowledgements(request.user)),
        "done": selectors.acknowledgements_of(request.user)[:20],
    }


class PolicyPendingView(MSView):
    def get(self, request):
        return render(request, "ms/policy_pending.html", _pending_context(request))


# --- Objectives -----------------------------------------------------------------------------


class ObjectiveListView(MSView):
    def get(self, request):
        form = ObjectiveFilterForm(request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        qs = selectors.objective_list(user=request.user, filters=filters)
        page, query = paginate(request, qs)
        today = timezone.localdate()
        return render(
            request,
            "ms/objective_list.html",
            {
                "filter_form": form,
                "page_obj": page,
                "querystring_without_page": query,
                "rows": [
                    (o, selectors.progress_percent(o), selectors.is_overdue(o, today))
                    for o in page.object_list
                ],
                "can_add": self.can("aims.add_objective"),
            },
        )


class ObjectiveCreateView(ServiceFormMixin, MSView):
    permission = "aims.add_objective"
    template_name = "ms/objective_form.html"

    def make_form(self, data=None):
        return ObjectiveCreateForm(data, initial={"owner": self.request.user.pk})

    def save(self, form) -> str:
        objective = services.objective_create(actor=self.request.user, data=form.cleaned_data)
        messages.success(self.request, f"{objective.reference} set.")
        return reverse("ms:objective_detail", args=[objective.pk])


class ObjectiveMixin(MSView):
    def load(self, pk: int, **kwargs) -> None:
        try:
            self.objective = selectors.objective_get(user=self.request.user, pk=pk)
        except Objective.DoesNotExist:
            raise Http404 from None


class ObjectiveDetailView(ObjectiveMixin):
    def get(self, request, pk: int):
        objective, user = self.objective, request.user
        return render(
            request,
            "ms/objective_detail.html",
            {
                "objective": objective,
                "progress": selectors.progress_percent(objective),
                "overdue": selectors.is_overdue(objective),
                "updates": selectors.objective_updates(objective),
                "can_change": has_perm(user, "aims.change_objective"),
                "can_record": services.can_record_progress(user, objective)
                and objective.status not in services.CLOSED_OBJECTIVE,
                "evidence_list": _evidence_of(objective, user),
                "can_attach": has_perm(user, "aims.add_evidence")
                and has_perm(user, "aims.change_objective"),
                "history": objective.history.select_related("history_user").order_by("-history_id")[
                    :20
                ],
            },
        )


class ObjectiveEditView(ServiceFormMixin, ObjectiveMixin):
    permission = "aims.change_objective"
    template_name = "ms/objective_form.html"

    def context(self) -> dict:
        return {"objective": self.objective}

    def make_form(self, data=None):
        if data is not None:  # a fresh copy: a refused save must not leave its edits on it
            return ObjectiveForm(data, instance=Objective.objects.get(pk=self.objective.pk))
        return ObjectiveForm(instance=self.objective)

    def save(self, form) -> str:
        services.objective_update(
            actor=self.request.user, objective=self.objective, data=form.cleaned_data
        )
        messages.success(self.request, f"{self.objective.reference} saved.")
        return reverse("ms:objective_detail", args=[self.objective.pk])


class ObjectiveProgressView(ServiceFormMixin, ObjectiveMixin):
    template_name = "ms/objective_progress.html"
    raise_forbidden = True

    def check(self, request) -> None:
        if not services.can_record_progress(request.user, self.objective):
            raise PermissionDenied(
                "Only the objective's owner or a governance officer records its progress."
            )

    def get(self, request, pk: int):
        self.check(request)
        return super().get(request, pk)

    def post(self, request, pk: int):
        self.check(request)
        return super().post(request, pk)

    def context(self) -> dict:
        return {"objective": self.objective}

    def make_form(self, data=None):
        return ProgressForm(data, initial={"recorded_on": timezone.localdate()})

    def save(self, form) -> str:
        services.objective_record_progress(
            actor=self.request.user, objective=self.objective, **form.cleaned_data
        )
        messages.success(self.request, f"{self.objective.reference}: progress recorded.")
        return reverse("ms:objective_detail", args=[self.objective.pk])
