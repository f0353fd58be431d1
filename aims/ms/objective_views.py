"""Browser pages of the AI objectives (6.2): list, create, edit and progress updates. Thin:
reads through aims.ms.selectors, writes through aims.ms.services; an objective is also open to
its owner."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from aims.models import (
    Objective,
)
from aims.ms import selectors, services
from aims.ms.forms import (
    ObjectiveCreateForm,
    ObjectiveFilterForm,
    ObjectiveForm,
    ProgressForm,
)
from aims.ms.views import MSView, current_evidence
from aims.permissions import has_perm
from aims.view_helpers import ServiceFormMixin, paginate

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
                "evidence_list": current_evidence(objective, user),
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
