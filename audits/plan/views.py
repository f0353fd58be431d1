"""Browser pages of the 90-day plan: the progress page with the task list (search, filters,
sort, CSV and XLSX), one task with its history and actions, adding a task by hand, and the
generation. Thin: reads through audits.plan.selectors, writes through audits.plan.services.

Officers run the plan; a task's owner sees and works on their own tasks; auditors read; anyone
else is refused (403 for the plan, 404 for a task out of sight)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views import View

from aims.errors import BusinessRuleError
from aims.history_diff import record_history
from aims.people import display_name
from aims.view_helpers import ListPageMixin, RecordMixin, ServiceFormMixin, moment
from aims.views import apply_errors

from ..onboarding.services import can_run_first_run
from . import selectors, services
from .forms import GenerateForm, NoteForm, ReassignForm, TaskAddForm, TaskFilterForm

COLUMNS = [
    ("reference", "Ref."),
    ("title", "Task"),
    ("phase", "Phase"),
    ("owner", "Owner"),
    ("due", "Due"),
    ("status", "Status"),
]
EXPORT_COLUMNS = [
    ("Reference", lambda t: t.reference),
    ("Task", lambda t: t.title),
    ("Requirement or control", lambda t: t.item.code if t.item_id else ""),
    ("Phase", lambda t: t.phase),
    ("Window", lambda t: t.get_phase_display()),
    ("Owner", lambda t: display_name(t.owner)),
    ("Due date", lambda t: moment(t.due_date)),
    ("Status", lambda t: t.get_status_display()),
    ("Overdue", lambda t: t.overdue),
    ("Done at", lambda t: moment(t.done_at)),
    ("What to do", lambda t: t.description),
    ("What was done", lambda t: t.done_note),
    ("Why dropped", lambda t: t.drop_reason),
]
NOTE_LABELS = {"done": "What was done", "drop": "Why it is dropped"}


def start_page_url(user) -> str:
    """The first run's gap assessment, for a user who may run it; "" otherwise."""
    if not can_run_first_run(user):
        return ""
    return reverse("onboarding:assessment")


class PlanAccessMixin(LoginRequiredMixin):
    """The plan's pages: officers, auditors and the owners of tasks; others 403."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not services.can_view_plan(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class PlanProgressView(PlanAccessMixin, ListPageMixin, View):
    """The plan's progress by phase and its tasks; with ``export`` the file of the same
    filtered tasks, every page of them."""

    template_name = "plan/progress.html"
    rows_name = "tasks"
    filter_form_class = TaskFilterForm
    sortable, default_sort = selectors.SORTABLE, "due"
    page_sizes = (50, 100, 200)
    export_columns = EXPORT_COLUMNS
    export_filename = "plan-tasks.csv"

    def get_filter_form(self):
        owners = selectors.task_owners(user=self.request.user)
        return TaskFilterForm(self.request.GET or None, owners=owners)

    def rows(self, filters):
        return selectors.task_list(user=self.request.user, filters=filters)

    def extra_context(self, page) -> dict:
        user = self.request.user
        can_run = services.can_run_plan(user)
        refusal = services.generate_refusal(user) if can_run else None
        return {
            "columns": COLUMNS,
            "progress": selectors.plan_progress(user=user),
            "can_run": can_run,
            "generate_refusal": refusal,
            "generate_form": GenerateForm(),
            "phase_rule": services.PHASE_RULE,
            "start_url": start_page_url(user),
        }


class GenerateView(LoginRequiredMixin, View):
    """POST: generate the plan (officers), then back to the progress page with a message."""

    http_method_names = ["post"]

    def post(self, request):
        if not services.can_run_plan(request.user):
            raise PermissionDenied
        form = GenerateForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Give the start date as a date.")
            return HttpResponseRedirect(reverse("plan:progress"))
        try:
            generated = services.generate_plan(
                actor=request.user, start=form.cleaned_data.get("start")
            )
        except BusinessRuleError as exc:
            if exc.status_code == 403:
                raise PermissionDenied(exc.message) from exc
            messages.error(request, exc.message)
        else:
            messages.success(request, generated.message)
        return HttpResponseRedirect(reverse("plan:progress"))


class TaskAddView(ServiceFormMixin, LoginRequiredMixin, View):
    """Add a task by hand (officers)."""

    template_name = "plan/task_form.html"
    raise_forbidden = True

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not services.can_run_plan(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def make_form(self, data=None):
        return TaskAddForm(data)

    def save(self, form):
        return services.task_create(actor=self.request.user, **form.cleaned_data)

    def success_url(self, saved) -> str:
        return reverse("plan:task_detail", args=[saved.pk])

    def success_message(self, saved) -> str:
        return f"{saved.reference} added to the plan."


class TaskMixin(RecordMixin):
    record_attr = "task"

    def load(self, user, pk):
        return selectors.task_get(user=user, pk=pk)

    def detail_url(self) -> str:
        return reverse("plan:task_detail", args=[self.task.pk])

    def render_page(self, status: int = 200, **forms):
        task, user = self.task, self.request.user
        actions = services.available_actions(user, task)
        can_reassign = services.reassign_refusal(user, task) is None
        statement_url = ""
        if task.item_id:
            statement = getattr(task.item, "statement", None)
            if statement is not None:
                try:
                    statement_url = reverse("soa:statement_detail", args=[statement.pk])
                except NoReverseMatch:
                    statement_url = ""
        context = {
            "task": task,
            "can_start": "start" in actions,
            "done_form": forms.get("done_form")
            or (NoteForm(label=NOTE_LABELS["done"], prefix="done") if "done" in actions else None),
            "drop_form": forms.get("drop_form")
            or (NoteForm(label=NOTE_LABELS["drop"], prefix="drop") if "drop" in actions else None),
            "reassign_form": forms.get("reassign_form")
            or (
                ReassignForm(
                    initial={"owner": task.owner_id, "due_date": task.due_date}, prefix="reassign"
                )
                if can_reassign
                else None
            ),
            "statement_url": statement_url,
            "history": record_history(task),
        }
        return render(self.request, "plan/task_detail.html", context, status=status)

    def refused(self, form, exc, name: str):
        if getattr(exc, "status_code", None) == 403:
            raise PermissionDenied(exc.message) from exc
        fields = exc.extra.get("fields", {}) if isinstance(exc, BusinessRuleError) else {}
        if fields:
            for field, errors in fields.items():
                form.add_error(field if field in form.fields else None, errors)
            status = exc.status_code
        else:
            status = apply_errors(form, exc)
        return self.render_page(status, **{name: form})


class TaskDetailView(TaskMixin, View):
    def get(self, request, pk: int):
        return self.render_page()


class TaskStartView(TaskMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk: int):
        try:
            services.task_transition(actor=request.user, task=self.task, action="start")
        except BusinessRuleError as exc:
            if exc.status_code == 403:
                raise PermissionDenied(exc.message) from exc
            messages.error(request, exc.message)
        else:
            messages.success(request, f"{self.task.reference} started.")
        return HttpResponseRedirect(self.detail_url())


class TaskNoteView(TaskMixin, View):
    """Mark done or drop: the action with its note."""

    http_method_names = ["post"]
    action = ""

    def post(self, request, pk: int):
        name = f"{self.action}_form"
        form = NoteForm(request.POST, label=NOTE_LABELS[self.action], prefix=self.action)
        refusal = services.transition_refusal(request.user, self.task, self.action)
        if refusal is not None and refusal.status_code == 403:
            raise PermissionDenied(refusal.message)
        if not form.is_valid():
            return self.render_page(400, **{name: form})
        try:
            task = services.task_transition(
                actor=request.user, task=self.task, action=self.action, **form.cleaned_data
            )
        except (ValidationError, BusinessRuleError) as exc:
            return self.refused(form, exc, name)
        messages.success(request, f"{task.reference}: {task.get_status_display().lower()}.")
        return HttpResponseRedirect(self.detail_url())


class TaskReassignView(TaskMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk: int):
        refusal = services.reassign_refusal(request.user, self.task)
        if refusal is not None and refusal.status_code == 403:
            raise PermissionDenied(refusal.message)
        form = ReassignForm(request.POST, prefix="reassign")
        if not form.is_valid():
            return self.render_page(400, reassign_form=form)
        try:
            task = services.task_reassign(actor=request.user, task=self.task, **form.cleaned_data)
        except (ValidationError, BusinessRuleError) as exc:
            return self.refused(form, exc, "reassign_form")
        messages.success(request, f"{task.reference} reassigned.")
        return HttpResponseRedirect(self.detail_url())
