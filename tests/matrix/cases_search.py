"""Role-matrix rows for search+comments: the global search (/search/, /api/v1/search/) and
comments (/comments/..., /api/v1/comments/). The comment is the owner's, on the target
system; the search looks for the target system's reference."""

from aims.comments import services as comment_services
from aims.models import Comment

from .framework import API_LOGGED_IN, API_SYSTEM_READ, LOGGED_IN, Case, expect
from .world import World

# fmt: off
#                    anonymous nobody owner other_owner officer approver auditor
COMMENT        = expect("login    404    ok    404         ok      ok       403")
EDIT_OWN       = expect("login    404    ok    404         403     403      403")
DELETE         = expect("login    404    ok    404         ok      403      403")
API_COMMENT    = expect("401      404    ok    404         ok      ok       403")
API_EDIT_OWN   = expect("401      404    ok    404         403     403      403")
API_DELETE     = expect("401      404    ok    404         ok      403      403")
# fmt: on


def comment(w: World) -> Comment:
    return w.once(
        "comment",
        lambda: comment_services.comment_create(
            actor=w.owner, record=w.system, body="Matrix comment"
        ),
    )


def comment_pk(w: World) -> dict:
    return {"pk": comment(w).pk}


def comment_count(w: World) -> int:
    return Comment.objects.count()


def comment_body(w: World) -> str:
    return Comment.objects.filter(pk=comment(w).pk).values_list("body", flat=True).first() or ""


def target(w: World) -> str:
    return f"system:{w.system.reference}"


CASES = [
    # --- search+comments ---------------------------------------------------------------------
    # The page without a query (the login redirect's "next" carries no query string here);
    # what a query finds, role by role, is tests/aims/test_global_search.py.
    Case("aims:search", "GET", LOGGED_IN),
    Case("api:search", "GET", API_LOGGED_IN, data=lambda w: {"q": w.system.reference}),
    Case("comments:comment_add", "POST", COMMENT,
         kwargs=lambda w: {"key": "system", "pk": w.system.pk},
         data=lambda w: {"body": "Matrix says hello"}, effect=comment_count),
    Case("comments:comment_edit", "GET", EDIT_OWN, kwargs=comment_pk),
    Case("comments:comment_edit", "POST", EDIT_OWN, kwargs=comment_pk,
         data=lambda w: {"body": "Matrix edited"}, effect=comment_body),
    Case("comments:comment_delete", "POST", DELETE, kwargs=comment_pk, data=lambda w: {},
         effect=comment_count),
    Case("api:comment-list", "GET", API_SYSTEM_READ, data=lambda w: {"target": target(w)},
         setup=comment),
    Case("api:comment-list", "POST", API_COMMENT, effect=comment_count,
         data=lambda w: {"target": target(w), "body": "Matrix says hello"}),
    Case("api:comment-detail", "GET", API_SYSTEM_READ, kwargs=comment_pk),
    Case("api:comment-detail", "PATCH", API_EDIT_OWN, kwargs=comment_pk,
         data=lambda w: {"body": "Matrix edited"}, effect=comment_body),
    Case("api:comment-detail", "DELETE", API_DELETE, kwargs=comment_pk, effect=comment_count),
]  # fmt: skip
