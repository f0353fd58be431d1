"""When a scheduled task runs, in words: the choice people make ("every 15 minutes", "every
day at 06:00", "every week on Monday at 07:30") and the crontab django-celery-beat stores.

Beat keeps a crontab row; nobody should have to write cron syntax to pick a time. A
:class:`ScheduleChoice` is what the settings page and the API send and show, it maps to the
stored crontab fields (:meth:`ScheduleChoice.crontab`), and :func:`choice_from_crontab`
reads a stored row back. A stored row no choice describes (set in the admin, say) is still
shown in words by :func:`describe_crontab`, and left as it is unless someone picks anew.
"""

from dataclasses import dataclass
from datetime import time

from django.core.exceptions import ValidationError

MINUTES = "minutes"
HOURS = "hours"
DAILY = "daily"
WEEKLY = "weekly"
FREQUENCIES = [
    (MINUTES, "Every few minutes"),
    (HOURS, "Every few hours"),
    (DAILY, "Every day"),
    (WEEKLY, "Every week"),
]
# Steps that divide the minute or hour evenly, so "every N" is truly every N (cron's */7
# would also fire at :56 and again at :00).
MINUTE_STEPS = (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30)
HOUR_STEPS = (1, 2, 3, 4, 6, 8, 12)
# Cron numbers days from Sunday = 0.
DAYS = [
    ("monday", "Monday"),
    ("tuesday", "Tuesday"),
    ("wednesday", "Wednesday"),
    ("thursday", "Thursday"),
    ("friday", "Friday"),
    ("saturday", "Saturday"),
    ("sunday", "Sunday"),
]
DAY_NUMBER = {"sunday": 0, "monday": 1, "tuesday": 2, "wednesday": 3}
DAY_NUMBER |= {"thursday": 4, "friday": 5, "saturday": 6}
DAY_NAME = {number: name for name, number in DAY_NUMBER.items()}
DAY_LABEL = dict(DAYS)


@dataclass(frozen=True)
class ScheduleChoice:
    frequency: str
    every: int | None = None
    at: time | None = None
    day: str | None = None

    def crontab(self) -> dict[str, str]:
        """The crontab fields beat stores for this choice."""
        if self.frequency == MINUTES:
            return _spec(minute=_step(self.every), hour="*")
        if self.frequency == HOURS:
            return _spec(minute="0", hour=_step(self.every))
        spec = _spec(minute=str(self.at.minute), hour=str(self.at.hour))
        if self.frequency == WEEKLY:
            spec["day_of_week"] = str(DAY_NUMBER[self.day])
        return spec

    def words(self) -> str:
        if self.frequency == MINUTES:
            return "Every minute" if self.every == 1 else f"Every {self.every} minutes"
        if self.frequency == HOURS:
            return "Every hour" if self.every == 1 else f"Every {self.every} hours"
        if self.frequency == DAILY:
            return f"Every day at {self.at:%H:%M}"
        return f"Every {DAY_LABEL[self.day]} at {self.at:%H:%M}"


def _spec(*, minute: str, hour: str) -> dict[str, str]:
    return {
        "minute": minute,
        "hour": hour,
        "day_of_week": "*",
        "day_of_month": "*",
        "month_of_year": "*",
    }


def _step(every: int) -> str:
    return "*" if every == 1 else f"*/{every}"


def schedule_choice(
    *, frequency: str, every: int | None = None, at: time | None = None, day: str | None = None
) -> ScheduleChoice:
    """Check a choice as a person or an API client makes it. Errors are keyed by the field
    to correct and say what to do, in words."""
    errors: dict[str, str] = {}
    if frequency not in dict(FREQUENCIES):
        raise ValidationError({"frequency": "Choose how often: minutes, hours, day or week."})
    if frequency in (MINUTES, HOURS):
        steps = MINUTE_STEPS if frequency == MINUTES else HOUR_STEPS
        unit = "minutes" if frequency == MINUTES else "hours"
        if every not in steps:
            listed = ", ".join(str(s) for s in steps[:-1]) + f" or {steps[-1]}"
            errors["every"] = f"Choose how many {unit} apart: {listed}."
        at = day = None
    else:
        every = None
        if at is None:
            errors["at"] = "Give the time of day, e.g. 06:30."
        if frequency == WEEKLY and day not in DAY_LABEL:
            errors["day"] = "Choose the day of the week."
        if frequency == DAILY:
            day = None
    if errors:
        raise ValidationError(errors)
    if at is not None:
        at = at.replace(second=0, microsecond=0)
    return ScheduleChoice(frequency=frequency, every=every, at=at, day=day)


def choice_from_crontab(crontab) -> ScheduleChoice | None:
    """The choice a stored crontab row is, or None when no choice describes it."""
    minute, hour = crontab.minute, crontab.hour
    if (crontab.day_of_month, crontab.month_of_year) != ("*", "*"):
        return None
    dow = crontab.day_of_week
    if dow == "*" and hour == "*" and _every(minute, MINUTE_STEPS):
        return ScheduleChoice(MINUTES, every=_every(minute, MINUTE_STEPS))
    if dow == "*" and minute == "0" and _every(hour, HOUR_STEPS):
        return ScheduleChoice(HOURS, every=_every(hour, HOUR_STEPS))
    if not (_number(minute, 59) is not None and _number(hour, 23) is not None):
        return None
    at = time(int(hour), int(minute))
    if dow == "*":
        return ScheduleChoice(DAILY, at=at)
    day = _number(dow, 7)
    if day is None:
        return None
    return ScheduleChoice(WEEKLY, at=at, day=DAY_NAME[day % 7])


def _every(value: str, steps: tuple[int, ...]) -> int | None:
    if value == "*":
        return 1
    if value.startswith("*/") and value[2:].isdigit() and int(value[2:]) in steps:
        return int(value[2:])
    return None


def _number(value: str, highest: int) -> int | None:
    return int(value) if value.isdigit() and int(value) <= highest else None


def describe_crontab(crontab) -> str:
    """A stored crontab row in words, whatever it holds; never cron syntax."""
    choice = choice_from_crontab(crontab)
    if choice is not None:
        return choice.words()
    parts = [
        _part(crontab.minute, "minute", "past the hour"),
        _part(crontab.hour, "hour", "of the day"),
        _days(crontab.day_of_week),
        _part(crontab.day_of_month, "day", "of the month"),
        _part(crontab.month_of_year, "month", "of the year"),
    ]
    return "Runs " + ", ".join(p for p in parts if p)


def _part(value: str, unit: str, where: str) -> str:
    if value == "*":
        return "" if unit in ("day", "month") else f"every {unit}"
    if value.startswith("*/") and value[2:].isdigit():
        return f"every {value[2:]} {unit}s"
    return f"at {unit} {_list(value)} {where}"


def _days(value: str) -> str:
    if value == "*":
        return ""
    names = {str(n): DAY_LABEL[name] for n, name in DAY_NAME.items()} | {"7": "Sunday"}
    items = [_range(item, names) for item in value.split(",")]
    return "on " + _joined(items)


def _list(value: str) -> str:
    return _joined([_range(item, {}) for item in value.split(",")])


def _range(item: str, names: dict[str, str]) -> str:
    if "/" in item:
        base, _, step = item.partition("/")
        return f"every {step} from {_range(base, names)}"
    if "-" in item:
        low, _, high = item.partition("-")
        return f"{names.get(low, low)} to {names.get(high, high)}"
    if item == "*":
        return "any"
    return names.get(item.lower(), item.capitalize() if item.isalpha() else item)


def _joined(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" and {items[-1]}"
