"""History battery entry for comments (search+comments): the owner comments on the world's
system, through the service and through the API."""

from aims.comments import services as comment_services
from aims.models import Comment

from .battery_framework import Entry, api, by_id
from .world import World


def _target(w: World) -> str:
    return f"system:{w.system.reference}"


BATTERY = {
    Comment: Entry(
        actor="owner",
        stage="approved_for_development",
        create=lambda w: comment_services.comment_create(
            actor=w.owner, record=w.system, body="Battery comment"
        ),
        api_create=lambda w: (
            "post",
            api("comment-list"),
            {"target": _target(w), "body": "Battery comment"},
            "json",
        ),
        api_bad=lambda w: ("post", api("comment-list"), {"target": _target(w), "body": ""}, "json"),
        api_result=by_id(Comment),
    ),
}
