"""Forms of the reminder settings page: one small form per rule and per schedule."""

from django import forms
from django.core.exceptions import ValidationError

from aims.forms import BootstrapFormMixin
from aims.reminders import schedules
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


KEEP = "keep"


def _steps(steps: tuple[int, ...], unit: str) -> list[tuple[int, str]]:
    return [(n, f"{n} {unit}" if n != 1 else f"1 {unit[:-1]}") for n in steps]


class ScheduleForm(BootstrapFormMixin, forms.Form):
    """When one scheduled task runs, picked in words. Only the inputs of the chosen
    frequency count (minutes apart, hours apart, time of day, day of the week); the choice
    is checked by ``schedules.schedule_choice``, the one rule the API uses too."""

    enabled = forms.BooleanField(label="On", required=False)
    frequency = forms.ChoiceField(label="How often", choices=schedules.FREQUENCIES)
    every_minutes = forms.TypedChoiceField(
        label="Minutes apart",
        coerce=int,
        required=False,
        choices=_steps(schedules.MINUTE_STEPS, "minutes"),
    )
    every_hours = forms.TypedChoiceField(
        label="Hours apart",
        coerce=int,
        required=False,
        choices=_steps(schedules.HOUR_STEPS, "hours"),
    )
    at = forms.TimeField(
        label="Time of day",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        input_formats=["%H:%M", "%H:%M:%S"],
        error_messages={"invalid": "Give the time of day as hours and minutes, e.g. 06:30."},
    )
    day = forms.ChoiceField(label="Day of the week", required=False, choices=schedules.DAYS)

    def __init__(self, *args, crontab=None, **kwargs):
        self.current = schedules.describe_crontab(crontab) if crontab is not None else ""
        choice = schedules.choice_from_crontab(crontab) if crontab is not None else None
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("every_minutes", 15)
        initial.setdefault("every_hours", 1)
        initial.setdefault("day", "monday")
        if choice is None:
            initial.setdefault("frequency", KEEP)
        else:
            initial.setdefault("frequency", choice.frequency)
            if choice.frequency == schedules.MINUTES:
                initial["every_minutes"] = choice.every
            elif choice.frequency == schedules.HOURS:
                initial["every_hours"] = choice.every
            else:
                initial["at"] = choice.at
                initial["day"] = choice.day or "monday"
        super().__init__(*args, **kwargs)
        if crontab is not None:
            # Keeping is always possible; it is the default for a schedule set elsewhere
            # that no choice describes, which stays as it is unless one is picked.
            self.fields["frequency"].choices = [
                (KEEP, f"Keep as it is ({self.current})"),
                *schedules.FREQUENCIES,
            ]

    def clean(self):
        data = super().clean()
        frequency = data.get("frequency")
        data["choice"] = None
        if frequency in (None, KEEP):
            return data
        every_field = "every_hours" if frequency == schedules.HOURS else "every_minutes"
        try:
            data["choice"] = schedules.schedule_choice(
                frequency=frequency,
                every=data.get(every_field),
                at=data.get("at"),
                day=data.get("day") or None,
            )
        except ValidationError as exc:
            where = {"every": every_field, "at": "at", "day": "day"}
            for key, messages in exc.message_dict.items():
                field = where.get(key)
                if field and field not in self.errors:
                    self.add_error(field, messages)
                elif not field:
                    self.add_error(None, messages)
        return data

    @property
    def at_value(self) -> str:
        """The time input's value as HH:MM (what was typed, when the form was posted)."""
        value = self["at"].value()
        return value.strftime("%H:%M") if hasattr(value, "strftime") else (value or "")

    @property
    def picker_fields(self) -> list:
        return [self["every_minutes"], self["every_hours"], self["at"], self["day"]]
