"""The shared rendering of dates, people and badges on every web page.

One format everywhere ("4 Dec 2026"; "4 Dec 2026, 14:07" with a time) so a reader never has to
decode three conventions; the machine-readable value goes in ``<time datetime>`` for assistive
technology and scripts. Loaded in every template as a builtin (see settings.TEMPLATES).
"""

from datetime import date, datetime

from django import template
from django.utils import dateformat, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import capfirst

from aims.people import display_name

register = template.Library()

DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"


def _local(value: datetime) -> datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def _moment(value):
    """A date or datetime from ``value``; ISO 8601 text (as stored in JSON snapshots and signed
    checkpoints) is read as the date or datetime it spells. Anything else is returned as is."""
    if isinstance(value, str) and value[:4].isdigit():
        try:
            return parse_datetime(value) if len(value) > 10 else parse_date(value)
        except ValueError:
            return value
    return value


def _day_only(value, part: str):
    """``part="day"`` shows a datetime as its (local) day: lists where the time is noise."""
    if part == "day" and isinstance(value, datetime):
        return _local(value).date()
    return value


@register.filter
def when_text(value, part: str = "") -> str:
    """The one human format of a date or datetime, as plain text (emails, attributes, PDFs).
    ``|when_text:"day"`` drops the time of a datetime."""
    value = _day_only(_moment(value) or value, part)
    if isinstance(value, datetime):
        return dateformat.format(_local(value), DATETIME_FORMAT)
    if isinstance(value, date):
        return dateformat.format(value, DATE_FORMAT)
    return "" if value is None else str(value)


@register.filter
def when(value, part: str = "") -> SafeString:
    """A date or datetime as ``<time datetime="ISO">4 Dec 2026[, 14:07]</time>``; empty for
    None, so ``|default:"—"`` still applies after it. ``|when:"day"`` drops the time of a
    datetime; ISO 8601 text is read as the date or datetime it spells."""
    value = _day_only(_moment(value) or value, part)
    if isinstance(value, datetime):
        iso = _local(value).isoformat(timespec="seconds")
    elif isinstance(value, date):
        iso = value.isoformat()
    else:
        return format_html("{}", "" if value is None else value)
    return format_html('<time datetime="{}">{}</time>', iso, when_text(value))


@register.filter
def person(user) -> str:
    """A user's full name, falling back to the username when no name is on record; empty for
    no user, so ``|default:"—"`` or ``|default:"system"`` applies."""
    return display_name(user)


@register.filter
def with_people(history):
    """History entries (``aims.history_diff`` dicts, which carry the username) with
    ``history_user`` as the User, so ``|person`` names them in full: one query for the lot.
    Historical model rows and entries already holding Users pass through untouched."""
    entries = list(history or [])
    if not any(isinstance(e, dict) and isinstance(e.get("history_user"), str) for e in entries):
        return entries
    # The views' own helper (one rule); imported here because it loads the views.
    from aims.view_helpers import with_people as resolve

    return resolve(entries)


@register.inclusion_tag("components/badge.html")
def badge(
    text,
    tone: str = "secondary",
    label: str = "",
    *,
    id: str = "",
    testid: str = "",
    data: str = "",
) -> dict:
    """One badge look: ``{% badge "Overdue" "danger" %}``. ``label`` gives screen readers the
    context a colour alone conveys (e.g. "Status: overdue"). ``tone`` is a Bootstrap colour
    ("light border" adds a border, for neutral states). Optional hooks for pages and tests:
    ``id="incident-status"``, ``testid="ia-status"`` and ``data="ready=yes"`` (one
    ``data-ready="yes"`` attribute)."""
    data_name, _, data_value = (data or "").partition("=")
    return {
        "text": text,
        "tone": tone,
        "label": label,
        "id": id,
        "testid": testid,
        "data_name": data_name,
        "data_value": data_value,
    }


class TableNode(template.Node):
    def __init__(self, nodelist, kwargs):
        self.nodelist = nodelist
        self.kwargs = kwargs

    def render(self, context) -> str:
        values = {key: value.resolve(context) for key, value in self.kwargs.items()}
        body = self.nodelist.render(context)
        caption = values.get("caption", "")
        return format_html(
            '<div class="table-responsive"><table class="table bg-white border{}"{}>{}{}'
            "</table></div>",
            f" {values['css']}" if values.get("css") else "",
            format_html(' id="{}"', values["id"]) if values.get("id") else "",
            format_html('<caption class="visually-hidden">{}</caption>', caption)
            if caption
            else "",
            body,  # a SafeString: the template engine escaped its variables
        )


@register.tag
def table(parser, token) -> TableNode:
    """``{% table id="x" caption="What the table lists" css="table-sm" %}<thead>…{% endtable %}``:
    the one table wrapper (scrolls on narrow screens, caption for screen readers)."""
    bits = token.split_contents()[1:]
    kwargs = template.base.token_kwargs(bits, parser)
    if bits:
        raise template.TemplateSyntaxError("table takes only key=value arguments")
    nodelist = parser.parse(("endtable",))
    parser.delete_first_token()
    return TableNode(nodelist, kwargs)


@register.simple_tag(takes_context=True)
def may_open(context, target, *args, method: str = "get") -> bool:
    """Whether the current user gets past the checks of the page a link or button leads to —
    the view's own checks, run without rendering it (``aims.view_helpers.offer``):
    ``{% may_open "inventory:system_edit" system.pk as can_edit %}`` (a URL name and its
    arguments) or ``{% may_open gap.url as can_open %}`` (a path). ``method="post"`` asks
    about a form's action."""
    from django.urls import NoReverseMatch, reverse

    from aims.view_helpers.offer import may_open as ask

    request = context.get("request")
    user = context.get("user") or getattr(request, "user", None)
    if not target:
        return False
    url = str(target)
    if not url.startswith("/"):
        try:
            url = reverse(url, args=args)
        except NoReverseMatch:
            return False
    return ask(user, url, method=method, request=request)


@register.filter
def history_of(label: str) -> str:
    """A history table's label ("inventory.HistoricalAISystem") as people say it: "AI system
    history"; the label itself when the model is gone."""
    from django.apps import apps

    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return label
    tracked = getattr(model, "instance_type", model)
    return f"{capfirst(str(tracked._meta.verbose_name))} history"


@register.filter
def code_words(code: str) -> str:
    """A machine code ("missing_link") in words ("Missing link")."""
    return capfirst(str(code or "").replace("_", " "))


@register.filter
def width_class(percent) -> str:
    """The class that gives a bar its width ("aims-pct-42"), for a percentage clamped to 0-100.

    The Content-Security-Policy refuses style attributes, so a bar's width is one of the 101
    classes of static/css/aims.css rather than style="width: 42%".
    """
    try:
        value = round(float(percent))
    except (TypeError, ValueError):
        value = 0
    return f"aims-pct-{min(max(value, 0), 100)}"
