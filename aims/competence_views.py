"""Browser pages of training and competence (7.2, 7.3) and roles (5.3): my training, anyone's
training for those who may see it, courses, completions, expiring training, responsibilities
and their assignments. Thin: aims.competence_selectors and aims.competence_services."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from . import competence_selectors as selectors
from . import competence_services as services
from .competence_forms import (
    AssignmentEndForm,
    AssignmentForm,
    CourseForm,
    ResponsibilityForm,
    TrainingFilterForm,
    TrainingRecordForm,
)
from .errors import BusinessRuleError
from .models import Course, Responsibility, ResponsibilityAssignment
from .permissions import has_global_perm
from .views import apply_errors

User = get_user_model()
PAGE_SIZE = 25


def _querystring_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode() + "&" if query else ""


class RoleRequiredMixin(LoginRequiredMixin):
    """Login first (a redirect), then the model permission through a role (else 403)."""

    permission = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if self.permission and not has_global_perm(request.user, self.permission):
            raise PermissionDenied("Your role does not give access to this page.")
        return super().dispatch(request, *args, **kwargs)


class FormPage(RoleRequiredMixin, View):
    """GET shows the form; POST validates it and calls ``save`` (a service)."""

    template_name = "competence/form.html"
    heading = ""

    def make_form(self, data=None):
        raise NotImplementedError

    def save(self, form):
        raise NotImplementedError

    def success_url(self, obj) -> str:
        raise NotImplementedError

    def cancel_url(self) -> str:
        return reverse("competence:my_training")

    def render_form(self, form, status: int = 200):
        context = {"form": form, "heading": self.heading, "cancel_url": self.cancel_url()}
        context.update(self.extra_context())
        return render(self.request, self.template_name, context, status=status)

    def extra_context(self) -> dict:
        return {}

    def get(self, request, *args, **kwargs):
        return self.render_form(self.make_form())

    def post(self, request, *args, **kwargs):
        form = self.make_form(request.POST)
        if not form.is_valid():
            return self.render_form(form, 400)
        try:
            obj = self.save(form)
        except (ValidationError, BusinessRuleError) as exc:
            return self.render_form(form, apply_errors(form, exc))
        return HttpResponseRedirect(self.success_url(obj))


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
        if person.isdigit():
            filters["person"] = int(person)
        records = selectors.training_record_list(user=request.user, filters=filters)
        page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
        return render(
            request,
            "competence/record_list.html",
            {
                "form": form,
                "page_obj": page,
                "records": page.object_list,
                "querystring_without_page": _querystring_without_page(request),
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
            if value.isdigit():
                initial[key] = int(value)
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
        page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
        return render(
            request,
            "competence/expiring.html",
            {
                "days": days,
                "page_obj": page,
                "records": page.object_list,
                "querystring_without_page": _querystring_without_page(request),
            },
        )


# --- Courses --------------------------------------------------------------------------------


class CourseListView(RoleRequiredMixin, View):
    permission = "aims.view_course"

    def get(self, request):
        search = request.GET.get("q", "")
        courses = selectors.course_list(filters={"q": search})
        page = Paginator(courses, PAGE_SIZE).get_page(request.GET.get("page"))
        return render(
            request,
            "competence/course_list.html",
            {
                "q": search,
                "page_obj": page,
                "courses": page.object_list,
                "querystring_without_page": _querystring_without_page(request),
                "can_add": has_global_perm(request.user, "aims.add_course"),
            },
        )


class CourseDetailView(RoleRequiredMixin, View):
    permission = "aims.view_course"

    def get(self, request, pk: int):
        course = get_object_or_404(Course, pk=pk)
        records = selectors.course_completions(user=request.user, course=course)
        page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
        return render(
            request,
            "competence/course_detail.html",
            {
                "course": course,
                "page_obj": page,
                "records": page.object_list,
                "querystring_without_page": _querystring_without_page(request),
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


class ResponsibilityListView(RoleRequiredMixin, View):
    permission = "aims.view_responsibility"

    def get(self, request):
        search = request.GET.get("q", "")
        responsibilities = selectors.responsibility_list(filters={"q": search})
        page = Paginator(responsibilities, PAGE_SIZE).get_page(request.GET.get("page"))
        return render(
            request,
            "competence/responsibility_list.html",
            {
                "q": search,
                "page_obj": page,
                "responsibilities": page.object_list,
                "querystring_without_page": _querystring_without_page(request),
                "can_add": has_global_perm(request.user, "aims.add_responsibility"),
            },
        )


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
        page = Paginator(assignments, PAGE_SIZE).get_page(request.GET.get("page"))
        return render(
            request,
            "competence/responsibility_detail.html",
            {
                "responsibility": responsibility,
                "page_obj": page,
                "assignments": page.object_list,
                "show_ended": show_ended,
                "querystring_without_page": _querystring_without_page(request),
                "sees_every_assignment": selectors.sees_every_assignment(request.user),
                "can_change": has_global_perm(request.user, "aims.change_responsibility"),
                "can_assign": has_global_perm(request.user, "aims.add_responsibilityassignment"),
                "can_end": has_global_perm(request.user, "aims.change_responsibilityassignment"),
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
        if user.isdigit():
            initial["user"] = int(user)
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
