"""Forms of the reminder settings page: one small form per rule and per schedule."""

from django import forms
from django.core.exceptions import ValidationError
from django_celery_beat.validators import hour_validator, minute_validator

from aims.forms import BootstrapFormMixin
from aims.reminders.services import MAX_LEAD_DAYS


class ReminderRuleForm(BootstrapFormMixin, forms.Form):
    lead_days = forms.IntegerField(
        label="Days ahead",
        min_value=0,
        max_value=MAX_LEAD_DAYS,
        error_messages={
            "min_value": f"Give a number of days from 0 to {MAX_LEAD_DAYS}.",
            "max_value": f"Give a number of days from 0 to {MAX_LEAD_DAYS}.",
        },
    )
    enabled = forms.BooleanField(label="On", required=False)


def _cron_field(label: str, validator, example: str, bounds: str) -> forms.CharField:
    def check(value: str) -> None:
        try:
            validator(value)
        except (ValidationError, ValueError) as exc:
            raise ValidationError(
                f"'{value}' is not understood: use {bounds}, a list such as {example.split()[0]} "
                "or * for all."
            ) from exc

    return forms.CharField(
        label=label,
        max_length=60,
        validators=[check],
        help_text=f"A number, a list or a step, e.g. {example}.",
    )


class ScheduleForm(BootstrapFormMixin, forms.Form):
    enabled = forms.BooleanField(label="On", required=False)
    hour = _cron_field("Hour(s)", hour_validator, "6,18 or */2", "a number from 0 to 23")
    minute = _cron_field("Minute(s)", minute_validator, "0,30 or */5", "a number from 0 to 59")

    @property
    def time_fields(self) -> list:
        return [self["hour"], self["minute"]]
