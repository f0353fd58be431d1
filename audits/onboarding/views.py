"""Pages of the first run (/start/): thin views over audits.onboarding.services and
selectors. Governance officers only; every step saves on submit, so the officer can leave at
any point and come back to what was saved."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from aims.concurrency import is_versioned
from aims.errors import BusinessRuleError
from aims.ms import services as ms_services
from aims.view_helpers import add_version, editing, take_version
from aims.views import apply_errors
from inventory.models import AISystem

from ..models import PlanTask
from . import selectors, services
from .forms import GapFormSet, ProfileForm, ScopeStepForm, StockFormSet


class StepView(LoginRequiredMixin, View):
    step = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if services.first_run_refusal(request.user) is not None:
            raise PermissionDenied("Only governance officers run the first set-up.")
        return super().dispatch(request, *args, **kwargs)

    @staticmethod
    def versioned(form, record):
        """The step's form carries the version of the record it edits (aims.concurrency):
        a save over a change made since it was loaded is refused with what changed."""
        if is_versioned(record):
            add_version(form, record)
        return form

    def page(self, template: str, status: int = 200, **context):
        steps = selectors.first_run_progress()
        context = {"steps": steps, "current": self.step, **context}
        return render(self.request, f"onboarding/{template}", context, status=status)


class StartView(StepView):
    def get(self, request):
        steps = selectors.first_run_progress()
        return self.page("start.html", next_step=selectors.next_step(steps))


class ProfileView(StepView):
    step = "profile"

    def form(self, data=None):
        profile = ms_services.organisation_profile_current()
        return self.versioned(ProfileForm(data, instance=profile), profile), profile

    def get(self, request):
        return self.page("profile.html", form=self.form()[0])

    def post(self, request):
        form, profile = self.form(request.POST)
        status = 400
        if form.is_valid():
            version = take_version(form)
            data = {name: form.cleaned_data[name] for name in ProfileForm.Meta.fields}
            try:
                with editing(profile, version):
                    services.profile_step_save(actor=request.user, data=data)
            except (ValidationError, BusinessRuleError) as exc:
                status = apply_errors(form, exc)
            else:
                messages.success(request, "Organisation profile saved.")
                return HttpResponseRedirect(reverse("onboarding:scope"))
        return self.page("profile.html", status=status, form=form)


class ScopeView(StepView):
    step = "scope"

    def initial(self) -> dict:
        profile = ms_services.organisation_profile_current()
        frameworks = profile.frameworks if profile and profile.frameworks else ["iso42001"]
        return {
            "frameworks": frameworks,
            "frameworks_other": profile.frameworks_other if profile else "",
            **({} if ms_services.scope_current() else {"owner": self.request.user.pk}),
        }

    def form(self, data=None, initial=None):
        scope = ms_services.scope_current()
        form = ScopeStepForm(data, instance=scope, initial=initial)
        return self.versioned(form, scope), scope

    def get(self, request):
        form = self.form(initial=self.initial())[0]
        return self.page("scope.html", form=form, refusal=services.scope_step_refusal())

    def post(self, request):
        # The version is the scope's, the record this step edits; the frameworks it also
        # saves (kept on the profile) are not checked: a form carries one version.
        form, scope_record = self.form(request.POST)
        status = 400
        if form.is_valid():
            version = take_version(form)
            scope = {name: form.cleaned_data[name] for name in ScopeStepForm.Meta.fields}
            try:
                with editing(scope_record, version):
                    services.scope_step_save(
                        actor=request.user,
                        scope=scope,
                        frameworks=form.cleaned_data["frameworks"],
                        frameworks_other=form.cleaned_data["frameworks_other"],
                    )
            except (ValidationError, BusinessRuleError) as exc:
                status = apply_errors(form, exc)
            else:
                messages.success(request, "Scope and frameworks saved.")
                return HttpResponseRedirect(reverse("onboarding:systems"))
        refusal = services.scope_step_refusal()
        return self.page("scope.html", status=status, form=form, refusal=refusal)


class SystemsView(StepView):
    step = "systems"

    def context(self, formset) -> dict:
        record = services.first_run_current()
        stock = record.stock if record else {}
        labels = dict(services.StockStatus.choices)
        systems = [
            (system, labels.get(stock.get(system.reference), ""))
            for system in AISystem.objects.restrict(self.request.user, "view")
            .select_related("owner")
            .order_by("pk")
        ]
        return {"formset": formset, "systems": systems, "import_url": _import_url()}

    def get(self, request):
        return self.page("systems.html", **self.context(StockFormSet(prefix="rows")))

    def post(self, request):
        formset = StockFormSet(request.POST, prefix="rows")
        if formset.is_valid():
            rows = [
                services.StockRow(
                    name=form.cleaned_data["name"].strip(),
                    purpose=form.cleaned_data["purpose"].strip(),
                    owner=form.cleaned_data["owner"],
                    deployment_type=form.cleaned_data["deployment_type"],
                    vendor=form.cleaned_data["vendor"].strip(),
                    status=form.cleaned_data["status"],
                )
                for form in formset
                if not form.is_blank()
            ]
            try:
                with transaction.atomic():
                    systems = services.stock_add(actor=request.user, rows=rows)
                    finished = "finish" in request.POST
                    if finished:
                        services.first_run_mark_step(actor=request.user, step="systems")
            except (ValidationError, BusinessRuleError) as exc:
                message = getattr(exc, "message", None) or "; ".join(exc.messages)
                formset._non_form_errors = formset.error_class([message])
            else:
                if systems:
                    messages.success(request, f"{len(systems)} AI system(s) recorded.")
                target = "onboarding:assessment" if finished else "onboarding:systems"
                return HttpResponseRedirect(reverse(target))
        return self.page("systems.html", status=400, **self.context(formset))


def _import_url() -> str:
    """The inventory's import page, once it exists (another piece of work)."""
    from django.urls import NoReverseMatch

    try:
        return reverse("inventory:import")
    except NoReverseMatch:
        return ""


class AssessmentStartView(StepView):
    """The first section not fully assessed (the first one when all are)."""

    def get(self, request):
        sections = selectors.gap_sections()
        if not sections:
            raise Http404("The catalogue is not loaded.")
        section = next((s for s in sections if s.assessed < s.total), sections[0])
        return HttpResponseRedirect(reverse("onboarding:assessment_section", args=[section.code]))


class AssessmentSectionView(StepView):
    step = "assessment"

    def load(self, code: str):
        self.sections = selectors.gap_sections()
        codes = [s.code for s in self.sections]
        if code not in codes:
            raise Http404("No such clause or section.")
        index = codes.index(code)
        self.section = self.sections[index]
        self.next_section = self.sections[index + 1] if index + 1 < len(codes) else None
        self.previous_section = self.sections[index - 1] if index else None

    def initial(self) -> list[dict]:
        record = services.first_run_current()
        assessed = set(record.assessed) if record else set()
        return [
            {
                "code": s.item.code,
                "status": services.gap_status_of(s.implementation_status)
                if s.item.code in assessed
                else "",
                "owner": s.owner_id,
                "evidence_note": s.implementation_notes,
            }
            for s in self.section.statements
        ]

    def render_section(self, formset, status: int = 200):
        assessed, total = selectors.gap_counts()
        rows = list(zip(self.section.statements, formset.forms, strict=False))
        return self.page(
            "assessment.html",
            status=status,
            formset=formset,
            rows=rows,
            section=self.section,
            sections=self.sections,
            next_section=self.next_section,
            previous_section=self.previous_section,
            assessed=assessed,
            total=total,
        )

    def get(self, request, code: str):
        self.load(code)
        return self.render_section(GapFormSet(initial=self.initial(), prefix="gap"))

    def post(self, request, code: str):
        self.load(code)
        formset = GapFormSet(request.POST, initial=self.initial(), prefix="gap")
        section_codes = {s.item.code for s in self.section.statements}
        if formset.is_valid():
            answers = [
                services.GapAnswer(
                    code=form.cleaned_data["code"],
                    status=form.cleaned_data["status"],
                    owner=form.cleaned_data["owner"],
                    evidence_note=form.cleaned_data["evidence_note"],
                )
                for form in formset
                if form.cleaned_data.get("status") and form.cleaned_data["code"] in section_codes
            ]
            try:
                if answers:
                    services.gap_assess(actor=request.user, answers=answers)
            except ValidationError as exc:
                formset._non_form_errors = formset.error_class(exc.messages)
            else:
                messages.success(request, f"{len(answers)} item(s) of {self.section.label} saved.")
                if "stay" in request.POST:
                    target = reverse("onboarding:assessment_section", args=[code])
                elif self.next_section is not None:
                    target = reverse("onboarding:assessment_section", args=[self.next_section.code])
                else:
                    target = reverse("onboarding:plan")
                return HttpResponseRedirect(target)
        return self.render_section(formset, status=400)


class PlanView(StepView):
    """The last step: how many gaps the assessment found, and the way to the 90-day plan.
    POST records that the step was reached (a read writes nothing)."""

    step = "plan"

    def get(self, request):
        assessed, total = selectors.gap_counts()
        record = services.first_run_current()
        return self.page(
            "plan.html",
            gaps=selectors.gaps_open(),
            assessed=assessed,
            total=total,
            reached=bool(record and "plan" in record.steps_done),
            planned=PlanTask.objects.exists(),
        )

    def post(self, request):
        services.first_run_mark_step(actor=request.user, step="plan")
        messages.success(request, "Plan step reached.")
        return HttpResponseRedirect(reverse("onboarding:plan"))
