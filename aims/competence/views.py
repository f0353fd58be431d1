"""Browser pages of training and competence (7.2, 7.3) and roles (5.3): my training, anyone's
training for those who may see it, courses, completions, expiring training, responsibilities
and their assignments. Thin: aims.competence.selectors and aims.competence.services."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from aims.competence import selectors, services
from aims.competence.forms import (
    AssignmentEndForm,
    AssignmentExceptionForm,
    AssignmentForm,
    CourseForm,
    ResponsibilityForm,
    TrainingFilterForm,
    TrainingRecordForm,
)
from aims.models import Course, Responsibility, ResponsibilityAssignment, record_number
from aims.permissions import has_global_perm
from aims.view_helpers import ServiceFormMixin, page_context

User = get_user_model()


class RoleRequiredMixin(LoginRequiredMixin):
    """Login first (a redirect), then the model permission through a role (else 403)."""

    permission = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if self.permission and not has_global_perm(request.user, self.permission):
            raise PermissionDenied("Your role does not give access to this page.")
        return super().dispatch(request, *args, **kwargs)


class FormPage(ServiceFormMixin, RoleRequiredMixin, View):
    """A form page of this feature: a heading and a cancel link beside the form; ``save``
    returns the record and ``success_url`` where to go with it."""

    template_name = "competence/form.html"
    heading = ""

    def success_url(self, obj) -> str:
        raise NotImplementedError

    def cancel_url(self) -> str:
        return reverse("competence:my_training")

    def context(self) -> dict:
        return {"heading": self.heading, "cancel_url": self.cancel_url(), **self.extra_context()}

    def extra_context(self) -> dict:
        return {}


# --- Training of one person -----------------------------------------------------------------


def _person_page(request, person, *, own: bool):
    data = selectors.person_training(person=person)
    return render(
        request,
        "competence/person_training.html",
        {
            "person": person,
            "own": own,
            "training": data,
            "can_record": has_global_perm(request.user, "aims.add_trainingrecord"),
            "sees_everyone": selectors.sees_everyones_training(request.user),
        },
    )


class MyTrainingView(LoginRequiredMixin, View):
    def get(self, request):
        return _person_page(request, request.user, own=True)


class PersonTrainingView(LoginRequiredMixin, View):
    def get(self, request, pk: int):
        try:
            person = selectors.person_get(viewer=request.user, pk=pk)
        except User.DoesNotExist:
            raise Http404 from None
        return _person_page(request, person, own=person.pk == request.user.pk)


# --- Completions ----------------------------------------------------------------------------


class RecordListView(LoginRequiredMixin, View):
    """Completions: everyone's for those who may see them, one's own for everyone else."""

    def get(self, request):
        form = TrainingFilterForm(request.GET or None)
        filters = dict(form.cleaned_data) if form.is_valid() else {}
        if filters.get("course"):
            filters["course"] = filters["course"].pk
        person = request.GET.get("person", "")
        if record_number(person) is not None:
            filters["person"] = record_number(person)
        records = selectors.training_record_list(user=request.user, filters=filters)
        return render(
            request,
            "competence/record_list.html",
            {
                "form": form,
                **page_context(request, records, rows_name="records"),
                "can_record": has_global_perm(request.user, "aims.add_trainingrecord"),
                "sees_everyone": selectors.sees_everyones_training(request.user),
                "today": timezone.localdate(),
            },
        )


class RecordAddView(FormPage):
    permission = "aims.add_trainingrecord"
    heading = "Record a completed course"

    def make_form(self, data=None):
        initial = {}
        for key in ("user", "course"):
            value = self.request.GET.get(key, "")
            if record_number(value) is not None:
                initial[key] = record_number(value)
        return TrainingRecordForm(data, initial=initial)

    def save(self, form):
        record = services.training_record_create(actor=self.request.user, **form.cleaned_data)
        expiry = f", in date until {record.expires_on:%Y-%m-%d}" if record.expires_on else ""
        messages.success(
            self.request, f"Recorded: {record.user} completed '{record.course}'{expiry}."
        )
        return record

    def success_url(self, record) -> str:
        return reverse("competence:person_training", args=[record.user_id])

    def cancel_url(self) -> str:
        return reverse("competence:record_list")


class ExpiringView(RoleRequiredMixin, View):
    permission = "aims.view_trainingrecord"

    def get(self, request):
        try:
            days = max(1, min(int(request.GET.get("days", selectors.DEFAULT_EXPIRING_DAYS)), 366))
        except ValueError:
            days = selectors.DEFAULT_EXPIRING_DAYS
        records = selectors.expiring_records(user=request.user, within_days=days)
        return render(
            request,
            "competence/expiring.html",
            {
                "days": days,
                **page_context(request, records, rows_name="records"),
                "exceptions": selectors.exceptions_ending(user=request.user, within_days=days),
                "can_grant_exception": has_global_perm(
                    request.user, "aims.grant_training_exception"
                ),
            },
        )


# --- Courses --------------------------------------------------------------------------------


class SearchListView(RoleRequiredMixin, View):
    """A catalogue searched by ``q`` (courses, responsibilities): one page of it, and whether
    the user may add to it."""

    template_name = ""
    rows_name = ""
    add_permission = ""

    def select(self, search: str) -> QuerySet:
        raise NotImplementedError

    def get(self, request):
        search = request.GET.get("q", "")
        return render(
            request,
            self.template_name,
            {
                "q": search,
                **page_context(request, self.select(search), rows_name=self.rows_name),
                "can_add": has_global_perm(request.user, self.add_permission),
            },
        )


class CourseListView(SearchListView):
    permission = "aims.view_course"
    add_permission = "aims.add_course"
    template_name = "competence/course_list.html"
    rows_name = "courses"

    def select(self, search: str) -> QuerySet[Course]:
        return selectors.course_list(user=self.request.user, filters={"q": search})


class CourseDetailView(RoleRequiredMixin, View):
    permission = "aims.view_course"

    def get(self, request, pk: int):
        course = get_object_or_404(Course, pk=pk)
        records = selectors.course_completions(user=request.user, course=course)
        return render(
            request,
            "competence/course_detail.html",
            {
                "course": course,
                **page_context(request, records, rows_name="records"),
                "required_by": course.required_by.order_by("title"),
                "can_change": has_global_perm(request.user, "aims.change_course"),
                "can_record": has_global_perm(request.user, "aims.add_trainingrecord"),
                "sees_everyone": selectors.sees_everyones_training(request.user),
                "today": timezone.localdate(),
            },
        )


class CourseAddView(FormPage):
    permission = "aims.add_course"
    heading = "New course"

    def make_form(self, data=None):
        return CourseForm(data)

    def save(self, form):
        course = services.course_save(
            actor=self.request.user, course=Course(), data=form.cleaned_data
        )
        messages.success(self.request, f"Course '{course}' added.")
        return course

    def success_url(self, course) -> str:
        return reverse("competence:course_detail", args=[course.pk])

    def cancel_url(self) -> str:
        return reverse("competence:course_list")


class CourseEditView(CourseAddView):
    permission = "aims.change_course"
    heading = "Edit course"

    def dispatch(self, request, *args, **kwargs):
        self.course = get_object_or_404(Course, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def make_form(self, data=None):
        return CourseForm(data, instance=Course.objects.get(pk=self.course.pk))

    def save(self, form):
        course = services.course_save(
            actor=self.request.user, course=self.course, data=form.cleaned_data
        )
        messages.success(self.request, f"Course '{course}' saved.")
        return course

    def cancel_url(self) -> str:
        return reverse("competence:course_detail", args=[self.course.pk])


# --- Responsibilities and assignments -------------------------------------------------------


class ResponsibilityListView(SearchListView):
    permission = "aims.view_responsibility"
    add_permission = "aims.add_responsibility"
    template_name = "competence/responsibility_list.html"
    rows_name = "responsibilities"

    def select(self, search: str) -> QuerySet[Responsibility]:
        return selectors.responsibility_list(user=self.request.user, filters={"q": search})


class ResponsibilityDetailView(RoleRequiredMixin, View):
    permission = "aims.view_responsibility"

    def get(self, request, pk: int):
        responsibility = get_object_or_404(
            Responsibility.objects.prefetch_related("required_courses"), pk=pk
        )
        show_ended = request.GET.get("ended") == "on"
        assignments = selectors.assignment_list(
            user=request.user,
            filters={"responsibility": responsibility.pk, "current": not show_ended},
        )
        return render(
            request,
            "competence/responsibility_detail.html",
            {
                "responsibility": responsibility,
                **page_context(request, assignments, rows_name="assignments"),
                "show_ended": show_ended,
                "sees_every_assignment": selectors.sees_every_assignment(request.user),
                "can_change": has_global_perm(request.user, "aims.change_responsibility"),
                "can_assign": has_global_perm(request.user, "aims.add_responsibilityassignment"),
                "can_end": has_global_perm(request.user, "aims.change_responsibilityassignment"),
                "can_grant_exception": has_global_perm(
                    request.user, "aims.grant_training_exception"
                ),
                "today": timezone.localdate(),
            },
        )


class ResponsibilityAddView(FormPage):
    permission = "aims.add_responsibility"
    heading = "New responsibility"
    instance = None

    def make_form(self, data=None):
        return ResponsibilityForm(data, instance=self.instance)

    def save(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if k != "required_courses"}
        responsibility = services.responsibility_save(
            actor=self.request.user,
            responsibility=self.instance or Responsibility(),
            data=data,
            required_courses=form.cleaned_data["required_courses"],
        )
        messages.success(self.request, f"Responsibility '{responsibility}' saved.")
        return responsibility

    def success_url(self, responsibility) -> str:
        return reverse("competence:responsibility_detail", args=[responsibility.pk])

    def cancel_url(self) -> str:
        return reverse("competence:responsibility_list")


class ResponsibilityEditView(ResponsibilityAddView):
    permission = "aims.change_responsibility"
    heading = "Edit responsibility"

    def dispatch(self, request, *args, **kwargs):
        get_object_or_404(Responsibility, pk=kwargs["pk"])
        self.instance = Responsibility.objects.get(pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def make_form(self, data=None):
        # A fresh copy each time: a refused save must not leave the form's edits on it.
        return ResponsibilityForm(data, instance=Responsibility.objects.get(pk=self.instance.pk))

    def cancel_url(self) -> str:
        return reverse("competence:responsibility_detail", args=[self.instance.pk])


class AssignmentAddView(FormPage):
    permission = "aims.add_responsibilityassignment"
    template_name = "competence/assignment_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.responsibility = get_object_or_404(
            Responsibility.objects.prefetch_related("required_courses"), pk=kwargs["pk"]
        )
        self.heading = f"Assign '{self.responsibility.title}'"
        return super().dispatch(request, *args, **kwargs)

    def extra_context(self) -> dict:
        return {"responsibility": self.responsibility}

    def make_form(self, data=None):
        initial = {}
        user = self.request.GET.get("user", "")
        if record_number(user) is not None:
            initial["user"] = record_number(user)
        return AssignmentForm(
            data,
            initial=initial,
            can_grant_exception=has_global_perm(self.request.user, "aims.grant_training_exception"),
        )

    def save(self, form):
        data = form.cleaned_data
        assignment = services.responsibility_assign(
            actor=self.request.user,
            responsibility=self.responsibility,
            user=data["user"],
            starts_on=data["starts_on"],
            scope_note=data["scope_note"],
            exception_reason=data.get("exception_reason", ""),
            exception_expires_on=data.get("exception_expires_on"),
        )
        note = " (with a training exception)" if assignment.training_exception else ""
        messages.success(
            self.request, f"'{self.responsibility}' assigned to {assignment.user}{note}."
        )
        return assignment

    def success_url(self, assignment) -> str:
        return reverse("competence:responsibility_detail", args=[self.responsibility.pk])

    def cancel_url(self) -> str:
        return reverse("competence:responsibility_detail", args=[self.responsibility.pk])


class AssignmentExceptionView(FormPage):
    """An officer records or renews the training exception of a current assignment."""

    permission = "aims.grant_training_exception"
    heading = "Training exception"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            try:
                self.assignment = selectors.assignment_get(user=request.user, pk=kwargs["pk"])
            except ResponsibilityAssignment.DoesNotExist:
                raise Http404 from None
            self.heading = (
                f"Training exception: {self.assignment.user} as '{self.assignment.responsibility}'"
            )
        return super().dispatch(request, *args, **kwargs)

    def make_form(self, data=None):
        initial = {"reason": self.assignment.training_exception}
        return AssignmentExceptionForm(data, initial=initial)

    def save(self, form):
        assignment = services.assignment_record_exception(
            actor=self.request.user,
            assignment=self.assignment,
            reason=form.cleaned_data["reason"],
            expires_on=form.cleaned_data["expires_on"],
        )
        messages.success(
            self.request,
            f"Training exception for {assignment.user} recorded until "
            f"{assignment.exception_expires_on:%Y-%m-%d}.",
        )
        return assignment

    def success_url(self, assignment) -> str:
        return reverse("competence:responsibility_detail", args=[assignment.responsibility_id])

    def cancel_url(self) -> str:
        return reverse("competence:responsibility_detail", args=[self.assignment.responsibility_id])


class AssignmentEndView(FormPage):
    """Confirmation before an assignment ends (GET), then the end (POST)."""

    permission = "aims.change_responsibilityassignment"
    template_name = "competence/assignment_end.html"
    heading = "End an assignment"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            try:
                self.assignment = selectors.assignment_get(user=request.user, pk=kwargs["pk"])
            except ResponsibilityAssignment.DoesNotExist:
                raise Http404 from None
        return super().dispatch(request, *args, **kwargs)

    def extra_context(self) -> dict:
        return {"assignment": self.assignment}

    def make_form(self, data=None):
        return AssignmentEndForm(data)

    def save(self, form):
        assignment = services.assignment_end(
            actor=self.request.user, assignment=self.assignment, **form.cleaned_data
        )
        messages.success(
            self.request, f"{assignment.user} no longer holds '{assignment.responsibility}'."
        )
        return assignment

    def success_url(self, assignment) -> str:
        return reverse("competence:responsibility_detail", args=[assignment.responsibility_id])

    def cancel_url(self) -> str:
        return reverse("competence:responsibility_detail", args=[self.assignment.responsibility_id])
