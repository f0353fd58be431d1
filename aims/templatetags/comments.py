"""``{% comments_for record %}``: the comment thread of a record, with the form to add one
when the user may (``{% load comments %}`` first)."""

import re

from django import template
from django.utils.html import conditional_escape, format_html, linebreaks

from aims.comments.registry import commentable_for
from aims.comments.selectors import comments_on
from aims.comments.services import MENTION, can_delete_comment, can_edit_comment, rights_on
from aims.people import display_name

register = template.Library()


def render_body(comment) -> str:
    """The body, HTML-escaped, with each mention of a person shown by their display name."""
    names = {person.username: display_name(person) for person in comment.mentions.all()}
    escaped = str(conditional_escape(comment.body))

    def mention(match: re.Match) -> str:
        username = match.group(1)
        if username not in names:
            return match.group(0)
        return str(
            format_html(
                '<span class="fw-semibold" title="{}">@{}</span>', username, names[username]
            )
        )

    return linebreaks(MENTION.sub(mention, escaped), autoescape=False)


@register.inclusion_tag("comments/_thread.html", takes_context=True)
def comments_for(context, record) -> dict:
    request = context["request"]
    user = request.user
    entry = commentable_for(type(record))
    rights = rights_on(user, record)
    rows = []
    for comment in comments_on(user=user, record=record) if entry else ():
        rows.append(
            {
                "comment": comment,
                "body": render_body(comment),
                "can_edit": can_edit_comment(user, comment, rights),
                "can_delete": can_delete_comment(user, comment, rights),
            }
        )
    return {
        "rows": rows,
        "record": record,
        "key": entry.key if entry else "",
        "can_comment": rights.comments,
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }
