"""The guided intake in the browser: four steps, a draft saved at each (services.drafts), the
owner's drafts to resume or delete, and the warning about systems with a similar name."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from aims.errors import BusinessRuleError, RuleForbidden
from aims.permissions import has_perm
from aims.view_helpers import ServiceFormMixin

from . import selectors, services
from .forms import INTAKE_STEPS, STEP_FORMS
from .models import IntakeDraft

REVIEW_STEP = services.LAST_STEP


def step_url(draft: IntakeDraft, step: int) -> str:
    return reverse("inventory:intake_draft_step", args=[draft.pk, step])


class IntakePermissionMixin(LoginRequiredMixin):
    """Who may submit intake forms may write drafts; nobody else sees these pages."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not has_perm(request.user, "inventory.add_aisystem"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class DraftMixin(IntakePermissionMixin):
    """Loads the draft from the URL: out of the user's sight is a 404; one they may read
    but not continue (an officer reading an owner's draft) a 403, except its review page."""

    read_only_allowed = False

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            try:
                self.draft = selectors.draft_get(user=request.user, pk=kwargs["pk"])
            except IntakeDraft.DoesNotExist:
                raise Http404 from None
            self.refusal_now = services.draft_change_refusal(request.user, self.draft)
            if isinstance(self.refusal_now, RuleForbidden) and not self.read_only_allowed:
                raise PermissionDenied(self.refusal_now.message)
        return super().dispatch(request, *args, **kwargs)


def _similar(user, name: str) -> list:
    return selectors.similar_systems(user=user, name=name) if name else []


class IntakeStepMixin(ServiceFormMixin):
    template_name = "inventory/intake_step.html"
    draft: IntakeDraft | None = None

    @property
    def step(self) -> int:
        return int(self.kwargs.get("step", 1))

    def make_form(self, data=None):
        form_class = STEP_FORMS[self.step]
        answers = self.draft.answers if self.draft else {}
        return form_class(data, user=self.request.user, answers=answers)

    def context(self) -> dict:
        name = (self.draft.name if self.draft else "") or ""
        return {
            "draft": self.draft,
            "step": self.step,
            "steps": INTAKE_STEPS,
            "step_title": INTAKE_STEPS[self.step],
            "similar": _similar(self.request.user, name) if self.step == 1 else [],
        }

    def save(self, form):
        # The step's answers are valid: the draft resumes at the next step, left or not.
        draft = services.draft_save(
            actor=self.request.user, draft=self.draft, answers=form.answers(), step=self.step + 1
        )
        if self.step == 1:
            similar = _similar(self.request.user, draft.name)
            if similar:
                names = ", ".join(f"{s.reference} {s.name}" for s in similar)
                messages.warning(
                    self.request, f"Systems with a similar name already exist: {names}."
                )
        return draft

    def success_message(self, draft) -> str:
        return f"Draft saved: {draft.name or draft.reference}."

    def success_url(self, draft) -> str:
        if self.request.POST.get("go") == "leave":
            return reverse("inventory:intake_drafts")
        return step_url(draft, draft.step)


class IntakeStartView(IntakeStepMixin, IntakePermissionMixin, View):
    """Step 1 of a new guided intake; saving it creates the draft."""


class IntakeDraftStepView(IntakeStepMixin, DraftMixin, View):
    read_only_allowed = True  # an officer may read the review step of someone's draft

    def dispatch(self, request, *args, **kwargs):
        if not 1 <= int(kwargs["step"]) <= REVIEW_STEP:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def check_change(self):
        if self.refusal_now is not None:
            raise PermissionDenied(self.refusal_now.message)

    def get(self, request, *args, **kwargs):
        if self.step == REVIEW_STEP:
            return self.review()
        self.check_change()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.check_change()
        if self.step == REVIEW_STEP:
            return self.submit()
        return super().post(request, *args, **kwargs)

    def review(self, errors=None, status: int = 200):
        answers = self.draft.answers
        supplier = None
        if answers.get("supplier"):
            supplier = (
                selectors.supplier_choices(user=self.request.user)
                .filter(pk=answers["supplier"])
                .first()
            )
        rows = []
        for number in range(1, REVIEW_STEP):
            form = STEP_FORMS[number](user=self.request.user, answers=answers)
            shown = []
            for field in form:
                value = answers.get(field.name, "")
                if field.name == "supplier":
                    value = supplier.name if supplier else ""
                elif hasattr(field.field, "choices") and value not in ("", None):
                    value = dict(field.field.choices).get(value, value)
                elif isinstance(value, bool):
                    value = "yes" if value else "no"
                if value not in ("", None) or field.field.required:
                    shown.append((field.label, value, (errors or {}).get(field.name)))
            rows.append((number, INTAKE_STEPS[number], shown))
        return render(
            self.request,
            "inventory/intake_review.html",
            {
                "draft": self.draft,
                "step": REVIEW_STEP,
                "steps": INTAKE_STEPS,
                "rows": rows,
                "errors": errors,
                "can_change": self.refusal_now is None,
                "missing": services.drafts.missing_answers(answers),
            },
            status=status,
        )

    def submit(self):
        try:
            system = services.draft_submit(actor=self.request.user, draft=self.draft)
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            messages.error(
                self.request,
                "The intake was not submitted: "
                + " ".join(m for ms in errors.values() for m in ms),
            )
            return self.review(errors, status=400)
        except BusinessRuleError as exc:
            messages.error(self.request, exc.message)
            return self.review(status=exc.status_code)
        messages.success(
            self.request,
            f"{system.reference} submitted. The governance officers have been told and will "
            "triage it. Your next steps are below.",
        )
        return HttpResponseRedirect(reverse("inventory:system_detail", args=[system.pk]))


class IntakeDraftListView(IntakePermissionMixin, View):
    def get(self, request):
        return render(
            request,
            "inventory/intake_drafts.html",
            {"drafts": selectors.draft_list(user=request.user), "steps": INTAKE_STEPS},
        )


class IntakeDraftDeleteView(DraftMixin, View):
    def get(self, request, pk: int):
        return render(request, "inventory/intake_draft_delete.html", {"draft": self.draft})

    def post(self, request, pk: int):
        try:
            services.draft_delete(actor=request.user, draft=self.draft)
        except BusinessRuleError as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(reverse("inventory:intake_drafts"))
        messages.success(request, f"Draft '{self.draft.name or self.draft.reference}' deleted.")
        return HttpResponseRedirect(reverse("inventory:intake_drafts"))


class SimilarSystemsView(IntakePermissionMixin, View):
    """The similar-name warning as a fragment, fetched while the name is typed."""

    def get(self, request):
        name = request.GET.get("name", "")[:200]
        return render(
            request, "inventory/_similar_systems.html", {"similar": _similar(request.user, name)}
        )
