"""Browser pages of the management system: the overview, scope and context (4.1-4.3), with
the base view the policy and objective pages share (policies 5.2 in
:mod:`aims.ms.policy_views`, objectives 6.2 in :mod:`aims.ms.objective_views`). Thin: reads
through aims.ms.selectors, writes through aims.ms.services.

Model permissions come from the roles (officers keep these records, approvers approve,
auditors read); an objective is also open to its owner. Refused actions re-render the page
with the reason and the HTTP status of the refusal.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import HttpResponseRedirect
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
    PartyFeedback,
)
from aims.ms import selectors, services
from aims.ms.forms import (
    DeleteForm,
    FeedbackFilterForm,
    FeedbackForm,
    IssueFilterForm,
    IssueForm,
    PartyFilterForm,
    PartyForm,
    ScopeForm,
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


def current_evidence(record: Model, user):
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
