"""Browser UI of the supplier register. Thin: reads through suppliers.selectors, writes
through suppliers.services; a record the user may not see is a 404."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from aims.errors import BusinessRuleError
from aims.history_diff import history_entries
from aims.people import display_name
from aims.permissions import can_change_record, has_global_perm, has_perm
from aims.view_helpers import (
    ListPageMixin,
    RecordMixin,
    ServiceFormMixin,
    label_of,
    moment,
    moment_of,
    person_fields,
    person_of,
    reference_of,
    value_of,
    with_people,
)

from . import selectors, services
from .errors import Code
from .forms import (
    AnswerFormSet,
    AssessmentForm,
    ConfirmationForm,
    NoticeFilterForm,
    NoticeForm,
    QuestionForm,
    ReviewCompleteForm,
    SupplierFilterForm,
    SupplierForm,
    TransitionForm,
)
from .models import (
    ReportChannel,
    ReviewAnswer,
    ReviewQuestion,
    Supplier,
    SupplierReview,
    VendorChangeImpact,
    VendorChangeNotice,
)


def _messages_from(request, exc: Exception) -> None:
    if isinstance(exc, ValidationError):
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.error(request, exc.message)
        for item in exc.extra.get("missing", []):
            messages.error(request, item)


class PermissionMixin(LoginRequiredMixin):
    """Refuse (403) a logged-in user without ``permission`` (a role permission)."""

    permission = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if self.permission and not has_perm(request.user, self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class FormPage(ServiceFormMixin, PermissionMixin, View):
    """A form whose valid input goes to one service call (``save``); a refusal by the
    service is shown on the form with its status and nothing is saved."""

    template_name = "suppliers/form.html"
    form_class = None
    title = ""

    def make_form(self, data=None):
        return self.form_class(data)

    def success_message(self, obj) -> str:
        return f"{getattr(obj, 'reference', obj)} saved."

    def context(self) -> dict:
        return {"title": self.title, "cancel_url": self.cancel_url()}

    def cancel_url(self) -> str:
        return reverse("suppliers:supplier_list")


# --- Suppliers ------------------------------------------------------------------------------


# The export reads plain rows (``values()``, joined to the people): a streamed export of every
# supplier builds no model instance per row.
CSV_COLUMNS = [
    ("Reference", reference_of(Supplier)),
    ("Name", value_of("name")),
    ("Type", label_of(Supplier, "supplier_type")),
    ("Services used", value_of("services_used")),
    ("Criticality", label_of(Supplier, "criticality")),
    ("Status", label_of(Supplier, "status")),
    ("Conditions", value_of("status_conditions")),
    ("Owner", person_of("owner")),
    ("Approved by", person_of("approved_by")),
    ("Contract start", moment_of("contract_start")),
    ("Contract end", moment_of("contract_end")),
    ("Trains on our data", label_of(Supplier, "trains_on_our_data")),
    ("Data retention", value_of("data_retention")),
    ("Data location", value_of("data_location")),
    ("Output logging", value_of("output_logging")),
    ("ISO 27001 until", moment_of("iso27001_expires")),
    ("SOC 2 until", moment_of("soc2_expires")),
    ("ISO 42001 until", moment_of("iso42001_expires")),
    ("Other certifications", value_of("other_certifications")),
    ("Change notice commitment", value_of("change_notice_commitment")),
    ("Sub-processors", value_of("sub_processors")),
    ("Exit plan", value_of("exit_plan")),
    ("Reassessment every (months)", value_of("reassessment_cadence_months")),
    ("Next reassessment", moment_of("next_reassessment_date")),
]
# What the export reads (values(): the order does not matter, SUPPLIER_COLUMNS sets it).
EXPORT_FIELDS = (
    "id",
    *services.SUPPLIER_FIELDS,
    "status",
    "status_conditions",
    *person_fields("owner"),
    *person_fields("approved_by"),
)


SUPPLIER_COLUMNS = [
    ("reference", "Ref."),
    ("name", "Name"),
    ("type", "Type"),
    ("criticality", "Criticality"),
    ("status", "Status"),
    ("owner", "Owner"),
    ("contract_end", "Contract end"),
    ("next_reassessment", "Next reassessment"),
]


class SupplierListView(PermissionMixin, ListPageMixin, View):
    """The supplier register; with ``export="csv"`` or ``"xlsx"`` the file of the same
    filtered suppliers, every page of them."""

    permission = "suppliers.view_supplier"
    template_name = "suppliers/supplier_list.html"
    rows_name = "suppliers"
    filter_form_class = SupplierFilterForm
    sortable, default_sort = selectors.SORTABLE, "name"
    export_columns = CSV_COLUMNS
    export_filename = "suppliers.csv"

    def rows(self, filters):
        return selectors.supplier_list(user=self.request.user, filters=filters)

    def export_rows(self, rows):
        return rows.values(*EXPORT_FIELDS)

    def extra_context(self, page) -> dict:
        return {
            "columns": SUPPLIER_COLUMNS,
            "can_add": has_perm(self.request.user, "suppliers.add_supplier"),
        }


class SupplierMixin(RecordMixin, PermissionMixin):
    """The supplier named in the URL among those the user may see (else 404)."""

    permission = "suppliers.view_supplier"
    record_attr = "supplier"

    def load(self, user, pk):
        return selectors.supplier_get(user=user, pk=pk)

    def detail_url(self) -> str:
        return reverse("suppliers:supplier_detail", args=[self.supplier.pk])


class SupplierDetailView(SupplierMixin, View):
    def get(self, request, pk: int):
        user = request.user
        supplier = self.supplier
        return render(
            request,
            "suppliers/supplier_detail.html",
            {
                "supplier": supplier,
                "dependents": selectors.dependents(user=user, supplier=supplier),
                "reviews": selectors.review_list(user=user, supplier=supplier),
                "notices": selectors.notice_list(user=user, filters={"supplier": supplier.pk})[:20],
                "transitions": services.available_transitions(actor=user, supplier=supplier),
                "blockers": services.approval_blockers(supplier),
                "can_change": has_perm(user, "suppliers.change_supplier")
                and supplier.status != "offboarded",
                "can_review": has_perm(user, "suppliers.add_supplierreview")
                and supplier.status != "offboarded",
                "can_record_change": has_perm(user, "suppliers.add_vendorchangenotice"),
                "can_attach": can_change_record(user, supplier),
                "transition_form": TransitionForm(),
            },
        )


def supplier_history(*, user, supplier: Supplier) -> list[dict]:
    """Every change to ``supplier`` and the records under it that ``user`` may see, newest
    first: one query per history table (plus one for usernames), whatever the row count.

    Child records are chosen through their historical tables, so a deleted review or
    notice keeps its history; each kind is shown only to the roles that may read it, and
    impacts only as far as :func:`selectors.impact_list` lets the user see them."""
    querysets = [Supplier.history.filter(id=supplier.pk)]
    review_ids = SupplierReview.history.filter(supplier_id=supplier.pk).values("id")
    notice_ids = VendorChangeNotice.history.filter(supplier_id=supplier.pk).values("id")
    if has_global_perm(user, "suppliers.view_supplierreview"):
        querysets.append(SupplierReview.history.filter(supplier_id=supplier.pk))
    if has_global_perm(user, "suppliers.view_reviewanswer"):
        querysets.append(ReviewAnswer.history.filter(review_id__in=review_ids))
    if has_global_perm(user, "suppliers.view_vendorchangenotice"):
        querysets.append(VendorChangeNotice.history.filter(supplier_id=supplier.pk))
    impacts = VendorChangeImpact.history.filter(notice_id__in=notice_ids)
    if not has_global_perm(user, "suppliers.view_vendorchangeimpact"):
        visible = selectors.impact_list(user=user).filter(notice__supplier=supplier)
        impacts = impacts.filter(id__in=visible.values("pk"))
    querysets.append(impacts)
    return history_entries(querysets)


class SupplierHistoryView(SupplierMixin, View):
    def get(self, request, pk: int):
        return render(
            request,
            "suppliers/supplier_history.html",
            {
                "supplier": self.supplier,
                "history": with_people(supplier_history(user=request.user, supplier=self.supplier)),
            },
        )


class SupplierCreateView(FormPage):
    permission = "suppliers.add_supplier"
    form_class = SupplierForm
    template_name = "suppliers/supplier_form.html"
    title = "Register a supplier"

    def save(self, form):
        data = dict(form.cleaned_data)
        owner = data.pop("owner", None)
        return services.supplier_create(actor=self.request.user, data=data, owner=owner)

    def success_url(self, obj) -> str:
        return reverse("suppliers:supplier_detail", args=[obj.pk])


class SupplierEditView(SupplierMixin, FormPage):
    form_class = SupplierForm
    template_name = "suppliers/supplier_form.html"

    def get(self, request, *args, **kwargs):
        self._require_change(request)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self._require_change(request)
        return super().post(request, *args, **kwargs)

    def _require_change(self, request):
        if not has_perm(request.user, "suppliers.change_supplier"):
            raise PermissionDenied

    @property
    def title(self) -> str:
        return f"Edit {self.supplier.reference} {self.supplier.name}"

    def make_form(self, data=None):
        return SupplierForm(
            data, instance=selectors.supplier_get(user=self.request.user, pk=self.supplier.pk)
        )

    def cancel_url(self) -> str:
        return self.detail_url()

    def save(self, form):
        data = dict(form.cleaned_data)
        owner = data.pop("owner", None)
        return services.supplier_update(
            actor=self.request.user, supplier=self.supplier, data=data, owner=owner
        )

    def success_url(self, obj) -> str:
        return self.detail_url()


class SupplierTransitionView(SupplierMixin, View):
    def post(self, request, pk: int, action: str):
        form = TransitionForm(request.POST)
        form.is_valid()
        try:
            services.supplier_transition(
                actor=request.user,
                supplier=self.supplier,
                action=action,
                conditions=form.cleaned_data.get("conditions", ""),
                reason=form.cleaned_data.get("reason", ""),
            )
        except (ValidationError, BusinessRuleError) as exc:
            if isinstance(exc, BusinessRuleError) and exc.status_code == 403:
                raise PermissionDenied(exc.message) from exc
            _messages_from(request, exc)
            return HttpResponseRedirect(self.detail_url())
        label = services.TRANSITIONS[action].label
        messages.success(request, f"{label}: done. {self.supplier.reference} updated.")
        return HttpResponseRedirect(self.detail_url())


# --- Reviews --------------------------------------------------------------------------------


class ReviewStartView(SupplierMixin, View):
    def post(self, request, pk: int):
        try:
            review = services.review_start(actor=request.user, supplier=self.supplier)
        except BusinessRuleError as exc:
            if exc.status_code == 403:
                raise PermissionDenied(exc.message) from exc
            _messages_from(request, exc)
            return HttpResponseRedirect(self.detail_url())
        messages.success(request, f"{review.reference} started: answer each question.")
        return HttpResponseRedirect(reverse("suppliers:review_detail", args=[review.pk]))


class ReviewMixin(RecordMixin, PermissionMixin):
    """The review named in the URL among those the user may see (else 404)."""

    permission = "suppliers.view_supplierreview"
    record_attr = "review"

    def load(self, user, pk):
        return selectors.review_get(user=user, pk=pk)

    def review_url(self) -> str:
        return reverse("suppliers:review_detail", args=[self.review.pk])


class ReviewDetailView(ReviewMixin, View):
    template_name = "suppliers/review_detail.html"

    def render_page(self, request, formset, status=200):
        review = self.review
        can_answer = (
            has_perm(request.user, "suppliers.change_supplierreview")
            and review.status == SupplierReview.Status.IN_PROGRESS
        )
        return render(
            request,
            self.template_name,
            {
                "review": review,
                "supplier": review.supplier,
                "rows": list(formset.rows()),
                "values": AnswerFormSet.VALUES,
                "can_answer": can_answer,
                "can_attach": can_answer,
            },
            status=status,
        )

    def get(self, request, pk: int):
        answers = selectors.answer_list(user=request.user, review=self.review)
        return self.render_page(request, AnswerFormSet(answers))

    def post(self, request, pk: int):
        if not has_perm(request.user, "suppliers.change_supplierreview"):
            raise PermissionDenied
        formset = AnswerFormSet(
            selectors.answer_list(user=request.user, review=self.review), request.POST
        )
        answers = formset.cleaned()
        if formset.errors:
            return self.render_page(request, formset, 400)
        try:
            services.review_answer(actor=request.user, review=self.review, answers=answers)
        except (ValidationError, BusinessRuleError) as exc:
            _messages_from(request, exc)
            return self.render_page(request, formset, getattr(exc, "status_code", 400))
        messages.success(request, "Answers saved.")
        return HttpResponseRedirect(self.review_url())


class ReviewCompleteView(ReviewMixin, FormPage):
    permission = "suppliers.change_supplierreview"
    form_class = ReviewCompleteForm
    template_name = "suppliers/form.html"

    @property
    def title(self) -> str:
        return f"Complete {self.review.reference} of {self.review.supplier.name}"

    def get(self, request, *args, **kwargs):
        if self.review.status == SupplierReview.Status.COMPLETED:
            messages.info(request, f"{self.review.reference} is already completed.")
            return HttpResponseRedirect(self.review_url())
        return super().get(request, *args, **kwargs)

    def context(self) -> dict:
        return {
            **super().context(),
            "intro": "The score and rating are computed from the answers; your decision and "
            "any conditions are recorded with them. A completed review can no longer change.",
        }

    def cancel_url(self) -> str:
        return self.review_url()

    def save(self, form):
        return services.review_complete(
            actor=self.request.user, review=self.review, **form.cleaned_data
        )

    def success_url(self, obj) -> str:
        return self.review_url()


# --- The questionnaire ----------------------------------------------------------------------


class QuestionListView(PermissionMixin, View):
    permission = "suppliers.view_reviewquestion"

    def get(self, request):
        return render(
            request,
            "suppliers/question_list.html",
            {
                "questions": selectors.question_list(user=request.user),
                "can_edit": has_perm(request.user, "suppliers.change_reviewquestion"),
                "can_add": has_perm(request.user, "suppliers.add_reviewquestion"),
            },
        )


class QuestionFormView(FormPage):
    form_class = QuestionForm

    def dispatch(self, request, *args, **kwargs):
        self.permission = (
            "suppliers.change_reviewquestion" if "pk" in kwargs else "suppliers.add_reviewquestion"
        )
        return super().dispatch(request, *args, **kwargs)

    def get_question(self) -> ReviewQuestion:
        if "pk" not in self.kwargs:
            return ReviewQuestion()
        try:
            return selectors.question_list(user=self.request.user).get(pk=self.kwargs["pk"])
        except ReviewQuestion.DoesNotExist:
            raise Http404 from None

    @property
    def title(self) -> str:
        return "Edit a question" if "pk" in self.kwargs else "Add a question"

    def make_form(self, data=None):
        return QuestionForm(data, instance=self.get_question())

    def context(self) -> dict:
        return {
            **super().context(),
            "intro": "Reviews already started keep the question as it was when they began.",
        }

    def cancel_url(self) -> str:
        return reverse("suppliers:question_list")

    def save(self, form):
        return services.question_save(
            actor=self.request.user, question=form.instance, data=form.cleaned_data
        )

    def success_url(self, obj) -> str:
        return reverse("suppliers:question_list")


# --- Vendor change notices ------------------------------------------------------------------


NOTICE_EXPORT = [
    ("Reference", lambda n: n.reference),
    ("Supplier", lambda n: n.supplier.reference),
    ("Supplier name", lambda n: n.supplier.name),
    ("Affected service", lambda n: n.affected_service),
    ("Change", lambda n: n.title),
    ("Kind", lambda n: n.get_kind_display()),
    ("Learned from", lambda n: n.get_source_display()),
    ("Status", lambda n: n.get_status_display()),
    ("Announced or detected on", lambda n: moment(n.announced_on)),
    ("Takes effect on", lambda n: moment(n.effective_on)),
    ("Previous identifier", lambda n: n.previous_identifier),
    ("Observed identifier", lambda n: n.observed_identifier),
    ("Reports", lambda n: len(n.observations.all())),
    ("Recorded by", lambda n: display_name(n.recorded_by)),
    ("Recorded at", lambda n: moment(n.created_at)),
    ("Reviewed at", lambda n: moment(n.reviewed_at)),
    ("Description", lambda n: n.description),
]

NOTICE_COLUMNS = [
    ("reference", "Ref."),
    ("supplier", "Supplier"),
    ("title", "Change"),
    ("kind", "Kind"),
    ("source", "Learned from"),
    ("recorded", "Recorded"),
    ("status", "Status"),
]


class NoticeListView(PermissionMixin, ListPageMixin, View):
    """The vendor-change register; with ``export="csv"`` or ``"xlsx"`` the file of the same
    filtered notices, every page of them."""

    permission = "suppliers.view_vendorchangenotice"
    template_name = "suppliers/notice_list.html"
    rows_name = "notices"
    filter_form_class = NoticeFilterForm
    sortable, default_sort = selectors.NOTICE_SORTABLE, "-reference"
    export_columns = NOTICE_EXPORT
    export_filename = "vendor-changes.csv"

    def get_filter_form(self):
        suppliers = selectors.supplier_list(user=self.request.user)
        return NoticeFilterForm(self.request.GET or None, suppliers=suppliers)

    def rows(self, filters):
        return selectors.notice_list(user=self.request.user, filters=filters)

    def extra_context(self, page) -> dict:
        return {
            "columns": NOTICE_COLUMNS,
            "can_add": has_perm(self.request.user, "suppliers.add_vendorchangenotice"),
        }


class NoticeCreateView(FormPage):
    permission = "suppliers.add_vendorchangenotice"
    template_name = "suppliers/form.html"
    title = "Record a vendor change"

    def make_form(self, data=None):
        suppliers = selectors.supplier_list(user=self.request.user).exclude(status="offboarded")
        initial = {}
        if self.request.GET.get("supplier", "").isdigit():
            initial["supplier"] = int(self.request.GET["supplier"])
        return NoticeForm(data, suppliers=suppliers, initial=initial)

    def context(self) -> dict:
        return {
            **super().context(),
            "intro": "Every AI system with a component from this supplier is flagged for its "
            "owner to assess.",
        }

    def cancel_url(self) -> str:
        return reverse("suppliers:notice_list")

    def save(self, form):
        data = dict(form.cleaned_data)
        supplier = data.pop("supplier")
        notice, self.created = services.vendor_change_report(
            actor=self.request.user, supplier=supplier, data=data, channel=ReportChannel.BROWSER
        )
        return notice

    def success_message(self, obj) -> str:
        if self.created:
            return f"{obj.reference} recorded."
        return (
            f"This change was already recorded as {obj.reference}: your report was added to it "
            "(one notice, one assessment per system)."
        )

    def success_url(self, obj) -> str:
        return reverse("suppliers:notice_detail", args=[obj.pk])


class NoticeDetailView(PermissionMixin, View):
    permission = "suppliers.view_vendorchangenotice"

    def get(self, request, pk: int):
        try:
            notice = selectors.notice_get(user=request.user, pk=pk)
        except VendorChangeNotice.DoesNotExist:
            raise Http404 from None
        impacts = list(
            selectors.impact_list(user=request.user, notice=notice).select_related("confirmed_by")
        )
        assessable = {i.pk for i in impacts if services.can_assess_impact(request.user, i)}
        confirmable = {i.pk for i in impacts if services.can_confirm_impact(request.user, i)}
        under_review = set(
            selectors.impacts_under_review(
                queryset=selectors.impact_list(user=request.user, notice=notice)
            ).values_list("pk", flat=True)
        )
        return render(
            request,
            "suppliers/notice_detail.html",
            {
                "notice": notice,
                "impacts": impacts,
                "assessable": assessable,
                "confirmable": confirmable,
                "observations": notice.observations.select_related("reported_by"),
                "under_review": under_review,
                "hidden_count": notice.impacts.count() - len(impacts),
            },
        )


class ImpactAssessView(RecordMixin, FormPage):
    form_class = AssessmentForm
    record_attr = "impact"

    def load(self, user, pk):
        return selectors.impact_get(user=user, pk=pk)

    def check(self, request) -> None:
        refusal = services.impact_assess_refusal(request.user, self.impact)
        if refusal is not None and refusal.code == Code.PERMISSION_DENIED:
            raise PermissionDenied

    @property
    def title(self) -> str:
        return f"Assess {self.impact.notice.reference} for {self.impact.system_label}"

    def context(self) -> dict:
        notice = self.impact.notice
        return {
            **super().context(),
            "intro": f"{notice.supplier.name}: {notice.title}. {notice.description}",
        }

    def cancel_url(self) -> str:
        return reverse("suppliers:notice_detail", args=[self.impact.notice_id])

    def success_message(self, obj) -> str:
        return f"Assessment recorded for {obj.system_label}: {obj.get_assessment_display()}."

    def save(self, form):
        return services.impact_assess(
            actor=self.request.user, impact=self.impact, **form.cleaned_data
        )

    def success_url(self, obj) -> str:
        return reverse("suppliers:notice_detail", args=[obj.notice_id])


class ImpactConfirmView(RecordMixin, FormPage):
    """An officer confirms an owner's 'no impact' on a high-tier system, or sends it back."""

    form_class = ConfirmationForm
    record_attr = "impact"

    def load(self, user, pk):
        return selectors.impact_get(user=user, pk=pk)

    def check(self, request) -> None:
        refusal = services.impact_confirm_refusal(request.user, self.impact)
        if refusal is not None and refusal.code == Code.PERMISSION_DENIED:
            raise PermissionDenied

    @property
    def title(self) -> str:
        return (
            f"Confirm 'no impact' of {self.impact.notice.reference} on {self.impact.system_label}"
        )

    def context(self) -> dict:
        impact = self.impact
        return {
            **super().context(),
            "intro": f"{impact.notice.supplier.name}: {impact.notice.title}. The owner's "
            f"reasoning: {impact.rationale}",
        }

    def cancel_url(self) -> str:
        return reverse("suppliers:notice_detail", args=[self.impact.notice_id])

    def success_message(self, obj) -> str:
        return f"{obj.system_label}: {obj.get_assessment_display()}."

    def save(self, form):
        return services.impact_confirm(
            actor=self.request.user, impact=self.impact, **form.cleaned_data
        )

    def success_url(self, obj) -> str:
        return reverse("suppliers:notice_detail", args=[obj.notice_id])
