"""Browser pages of management reviews (ISO/IEC 42001 9.3) and their actions, in the
"internal_audits" namespace. Thin: reads through audits.reviews.selectors, writes through
audits.reviews.services. A review the user may not view is a 404; a write the role does not
allow is a 403; a refused rule is shown on the page with its reason."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from aims.evidence.selectors import evidence_on
from aims.history_diff import record_history
from aims.permissions import has_perm
from aims.view_helpers import paginate

from ..models import (
    ManagementReview,
    ReviewAction,
)
from ..view_bases import ActionView, Base, FormPage, T
from . import selectors
from . import services as reviews
from .display import input_sections, trend_rows
from .forms import (
    ReviewActionForm,
    ReviewActionStatusForm,
    ReviewCreateForm,
    ReviewForm,
    ReviewRecordForm,
)

# --- Management reviews ---------------------------------------------------------------------


class ReviewMixin:
    def load(self, request, pk: int, **kwargs) -> None:
        try:
            self.review = selectors.review_get(user=request.user, pk=pk)
        except ManagementReview.DoesNotExist:
            raise Http404 from None

    def back(self) -> str:
        return reverse("internal_audits:review_detail", args=[self.review.pk])


class ReviewListView(Base):
    permission = "audits.view_managementreview"

    def get(self, request):
        status = request.GET.get("status", "")
        filters = {"status": status} if status in ManagementReview.Status.values else {}
        filters["q"] = request.GET.get("q", "")
        page, qs = paginate(request, selectors.review_list(user=request.user, filters=filters))
        return render(
            request,
            T + "review_list.html",
            {
                "page_obj": page,
                "querystring_without_page": qs,
                "statuses": ManagementReview.Status.choices,
                "filters": filters,
                "can_add": has_perm(request.user, "audits.add_managementreview"),
            },
        )


class ReviewCreateView(FormPage):
    permission = "audits.add_managementreview"
    template_name = T + "review_form.html"

    def make_form(self, data=None):
        today = timezone.localdate()
        initial = {
            "title": f"Management review {today.year}",
            "meeting_date": today,
            "chair": self.request.user.pk,
        }
        return ReviewCreateForm(data, initial=initial)

    def save(self, form):
        review = reviews.review_create(actor=self.request.user, **form.cleaned_data)
        messages.success(self.request, f"{review.reference} planned; its inputs are gathered.")
        return reverse("internal_audits:review_detail", args=[review.pk])


class ReviewEditView(ReviewMixin, FormPage):
    permission = "audits.change_managementreview"
    template_name = T + "review_form.html"

    def make_form(self, data=None):
        return ReviewForm(data, instance=self.review)

    def context(self):
        return {"review": self.review}

    def save(self, form):
        original = ManagementReview.objects.get(pk=self.review.pk)
        reviews.review_update(actor=self.request.user, review=original, data=form.cleaned_data)
        messages.success(self.request, f"{original.reference} saved.")
        return self.back()


class ReviewDetailView(ReviewMixin, Base):
    def get(self, request, pk: int):
        review, user = self.review, request.user
        Status = ManagementReview.Status
        can_change = has_perm(user, "audits.change_managementreview")
        return render(
            request,
            T + "review_detail.html",
            {
                "review": review,
                "sections": input_sections(review.inputs or {}),
                "trend": trend_rows(review.inputs or {}),
                "since": (review.inputs or {}).get("since"),
                "actions": selectors.review_actions(review=review),
                "today": timezone.localdate(),
                "action_statuses": ReviewAction.Status.choices,
                "can_change": can_change,
                "can_refresh": can_change and review.status == Status.PLANNED,
                "can_record": can_change and review.status in (Status.PLANNED, Status.HELD),
                "can_close": can_change and review.status == Status.HELD,
                "can_add_action": has_perm(user, "audits.add_reviewaction")
                and review.status == Status.HELD,
                "can_update_action": has_perm(user, "audits.change_reviewaction"),
                "evidence_list": evidence_on(review, user=user),
                "can_attach": has_perm(user, "aims.add_evidence") and can_change,
                "history": record_history(review),
            },
        )


class ReviewRefreshView(ReviewMixin, ActionView):
    def perform(self, request) -> str:
        reviews.review_refresh_inputs(actor=request.user, review=self.review)
        return "Inputs gathered again from live data."


class ReviewRecordView(ReviewMixin, FormPage):
    permission = "audits.change_managementreview"
    template_name = T + "review_record.html"

    def make_form(self, data=None):
        return ReviewRecordForm(data, instance=self.review)

    def context(self):
        return {"review": self.review}

    def save(self, form):
        original = ManagementReview.objects.get(pk=self.review.pk)
        reviews.review_record(actor=self.request.user, review=original, **form.cleaned_data)
        messages.success(self.request, f"{original.reference}: outcome recorded.")
        return self.back()


class ReviewCloseView(ReviewMixin, ActionView):
    def perform(self, request) -> str:
        review = reviews.review_close(actor=request.user, review=self.review)
        return f"{review.reference} closed."


class ReviewActionAddView(ReviewMixin, FormPage):
    permission = "audits.add_reviewaction"
    template_name = T + "review_action_form.html"

    def make_form(self, data=None):
        return ReviewActionForm(data)

    def context(self):
        return {"review": self.review}

    def save(self, form):
        reviews.review_action_add(actor=self.request.user, review=self.review, **form.cleaned_data)
        messages.success(self.request, "Action added.")
        return self.back() + "#actions"


class ReviewActionStatusView(ActionView):
    def load(self, request, pk: int, **kwargs) -> None:
        try:
            self.action = selectors.review_action_list(user=request.user).get(pk=pk)
        except ReviewAction.DoesNotExist:
            raise Http404 from None

    def back(self) -> str:
        return reverse("internal_audits:review_detail", args=[self.action.review_id]) + "#actions"

    def perform(self, request) -> str:
        form = ReviewActionStatusForm(request.POST)
        if not form.is_valid():
            raise ValidationError("Choose a status.")
        action = reviews.review_action_update(
            actor=request.user, action=self.action, data=form.cleaned_data
        )
        return f"Action marked {action.get_status_display().lower()}."
