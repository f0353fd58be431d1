"""The reminder settings page: lead times per kind of reminder, the beat schedules, and a
button that runs the sweep now. Readers see it; governance officers change it.
Thin: aims.reminders.services holds the rules."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from aims.errors import BusinessRuleError
from aims.models import ReminderRule
from aims.permissions import has_perm
from aims.reminders import services as reminder_services
from aims.reminders.forms import ReminderRuleForm, ScheduleForm
from aims.reminders.schedules import choice_from_crontab
from aims.reminders.sources import sources_by_kind
from aims.views import apply_errors

VIEW_RULES = "aims.view_reminderrule"
CHANGE_RULES = "aims.change_reminderrule"
VIEW_SCHEDULES = "django_celery_beat.view_periodictask"
CHANGE_SCHEDULES = "django_celery_beat.change_periodictask"


def _rule_forms(data=None) -> list[tuple[ReminderRule, str, ReminderRuleForm]]:
    sources = sources_by_kind()
    return [
        (
            rule,
            sources[rule.kind].description if rule.kind in sources else "",
            ReminderRuleForm(
                data,
                prefix=f"rule-{rule.pk}",
                initial={"lead_days": rule.lead_days, "enabled": rule.enabled},
            ),
        )
        for rule in ReminderRule.objects.all()
    ]


def _schedule_forms(data=None) -> list:
    from django_celery_beat.models import PeriodicTask

    tasks = PeriodicTask.objects.select_related("crontab", "interval").order_by("name")
    rows = []
    for task in tasks:
        form = None
        if task.crontab is not None:
            form = ScheduleForm(
                data,
                prefix=f"task-{task.pk}",
                initial={"enabled": task.enabled},
                crontab=task.crontab,
            )
        rows.append((task, form))
    return rows


class ReminderPageMixin(LoginRequiredMixin):
    template_name = "reminders/settings.html"
    read_permission = VIEW_RULES
    write_permission = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not has_perm(request.user, self.read_permission):
            raise PermissionDenied
        if request.method == "POST" and not has_perm(request.user, self.write_permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def render_page(self, request, *, rule_forms=None, schedule_forms=None, status=200):
        user = request.user
        show_schedules = has_perm(user, VIEW_SCHEDULES)
        context = {
            "rule_forms": rule_forms or _rule_forms(),
            "schedules": (schedule_forms or _schedule_forms()) if show_schedules else None,
            "can_edit_rules": has_perm(user, CHANGE_RULES),
            "can_edit_schedules": has_perm(user, CHANGE_SCHEDULES),
            "can_run": has_perm(user, CHANGE_RULES),
            "time_zone": settings.CELERY_TIMEZONE,
        }
        return render(request, self.template_name, context, status=status)


class ReminderSettingsView(ReminderPageMixin, View):
    write_permission = CHANGE_RULES

    def get(self, request):
        return self.render_page(request)

    def post(self, request):
        forms = _rule_forms(request.POST)
        if all(form.is_valid() for _, _, form in forms):
            changed = 0
            try:
                for rule, _, form in forms:
                    before = (rule.lead_days, rule.enabled)
                    rule = reminder_services.reminder_rule_update(
                        actor=request.user, rule=rule, **form.cleaned_data
                    )
                    changed += before != (rule.lead_days, rule.enabled)
            except (ValidationError, BusinessRuleError) as exc:
                status = apply_errors(forms[0][2], exc)
                return self.render_page(request, rule_forms=forms, status=status)
            messages.success(request, f"Reminder rules saved ({changed} changed).")
            return HttpResponseRedirect(request.path)
        return self.render_page(request, rule_forms=forms, status=400)


class ScheduleSaveView(ReminderPageMixin, View):
    http_method_names = ["post"]
    read_permission = VIEW_SCHEDULES
    write_permission = CHANGE_SCHEDULES

    def post(self, request):
        rows = _schedule_forms(request.POST)
        forms = [(task, form) for task, form in rows if form is not None]
        if not all(form.is_valid() for _, form in forms):
            return self.render_page(request, schedule_forms=rows, status=400)
        for task, form in forms:
            enabled, choice = form.cleaned_data["enabled"], form.cleaned_data["choice"]
            if enabled == task.enabled and choice in (None, choice_from_crontab(task.crontab)):
                continue
            try:
                reminder_services.schedule_update(
                    actor=request.user, task=task, enabled=enabled, choice=choice
                )
            except BusinessRuleError as exc:
                raise PermissionDenied(exc.message) from exc
            except ValidationError as exc:
                status = apply_errors(form, exc)
                return self.render_page(request, schedule_forms=rows, status=status)
        messages.success(request, "Schedules saved.")
        return HttpResponseRedirect(reverse("reminders:settings"))


class SweepRunView(ReminderPageMixin, View):
    http_method_names = ["post"]
    write_permission = CHANGE_RULES

    def post(self, request):
        try:
            summary = reminder_services.sweep_request(actor=request.user)
        except BusinessRuleError as exc:
            raise PermissionDenied(exc.message) from exc
        if summary is None:
            messages.success(request, "The sweep is queued; its notifications follow shortly.")
        else:
            messages.success(
                request,
                f"Sweep done: {summary['total_created']} new notification(s), "
                f"{summary['digests']} digest email(s).",
            )
        return HttpResponseRedirect(reverse("reminders:settings"))
