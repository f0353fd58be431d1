"""Browser pages of corrective actions (CAPA): the register, one action, its status actions
and the independent verification. Thin: aims.capa.selectors and aims.capa.services."""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from aims.capa import selectors as capa_selectors
from aims.capa import services as capa_services
from aims.errors import BusinessRuleError, RuleForbidden
from aims.forms import BootstrapFormMixin
from aims.models import CorrectiveAction
from aims.view_helpers import ListPageMixin, RecordMixin
from aims.views import apply_errors


class CapaVerifyForm(BootstrapFormMixin, forms.Form):
    effective = forms.TypedChoiceField(
        label="Outcome",
        choices=[("yes", "Effective: the cause is removed"), ("no", "Not effective: more work")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    notes = forms.CharField(
        label="How effectiveness was checked", widget=forms.Textarea, max_length=5000
    )
    evidence_file = forms.FileField(label="Evidence file", required=False)
    evidence_url = forms.URLField(
        label="Or a link to the evidence", required=False, assume_scheme="https"
    )


class CapaListView(LoginRequiredMixin, ListPageMixin, View):
    template_name = "aims/capa_list.html"
    rows_name = "capas"

    def get_filters(self, form) -> dict:
        status = self.request.GET.get("status", "")
        filters = {"q": self.request.GET.get("q", "").strip()[:200]}
        if status in CorrectiveAction.Status.values:
            filters["status"] = status
        return filters

    def rows(self, filters):
        return capa_selectors.capa_list(user=self.request.user, filters=filters)

    def extra_context(self, page) -> dict:
        return {
            "status": self.request.GET.get("status", ""),
            "q": self.request.GET.get("q", ""),
            "statuses": CorrectiveAction.Status.choices,
        }


class CapaMixin(RecordMixin):
    record_attr = "capa"

    def load(self, user, pk):
        return capa_selectors.capa_get(user=user, pk=pk)

    def detail_url(self) -> str:
        return reverse("capa:capa_detail", args=[self.capa.pk])


class CapaDetailView(CapaMixin, View):
    def get(self, request, pk: int):
        capa, user = self.capa, request.user
        source = capa.source
        refusal = capa_services.verification_refusal(user, capa)
        return render(
            request,
            "aims/capa_detail.html",
            {
                "capa": capa,
                "source": source,
                "source_url": getattr(source, "get_absolute_url", lambda: "")(),
                "actions": capa_services.available_actions(actor=user, capa=capa),
                "can_verify": refusal is None,
                # A verifier kept out by segregation of duties is told why, not just left
                # without a button.
                "verify_refusal": refusal
                if refusal is not None and refusal.code == "segregation_of_duties"
                else None,
                "evidence_list": capa.evidence.select_related("owner"),
                "history": capa.history.select_related("history_user").order_by("-history_id"),
            },
        )


class CapaTransitionView(CapaMixin, View):
    def post(self, request, pk: int, action: str):
        try:
            capa_services.capa_transition(actor=request.user, capa=self.capa, action=action)
        except BusinessRuleError as exc:
            if exc.status_code == 403:
                raise PermissionDenied(exc.message) from exc
            messages.error(request, exc.message)
        else:
            label = capa_services.TRANSITIONS[action].label
            messages.success(request, f"{self.capa.reference}: {label.lower()} — done.")
        return HttpResponseRedirect(self.detail_url())


class CapaVerifyView(CapaMixin, View):
    template_name = "aims/capa_verify.html"

    def check(self, request) -> None:
        # The service's own rule, before a form is offered that it would refuse.
        refusal = capa_services.verification_refusal(request.user, self.capa)
        if isinstance(refusal, RuleForbidden):
            raise PermissionDenied(refusal.message)

    def get(self, request, pk: int):
        self.check(request)
        return render(request, self.template_name, {"capa": self.capa, "form": CapaVerifyForm()})

    def post(self, request, pk: int):
        self.check(request)
        form = CapaVerifyForm(request.POST, request.FILES)
        status = 400
        if form.is_valid():
            try:
                capa = capa_services.capa_verify(
                    actor=request.user, capa=self.capa, **form.cleaned_data
                )
            except (ValidationError, BusinessRuleError) as exc:
                if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
                    renamed = {"file": "evidence_file", "url": "evidence_url"}
                    exc = ValidationError(
                        {renamed.get(k, k): v for k, v in exc.message_dict.items()}
                    )
                status = apply_errors(form, exc)
            else:
                messages.success(request, f"{capa.reference}: {capa.get_status_display()}.")
                return HttpResponseRedirect(self.detail_url())
        return render(request, self.template_name, {"capa": self.capa, "form": form}, status=status)
