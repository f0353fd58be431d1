"""Comments with @mentions: who may write them, who is told, what the history keeps, and
that nothing leaks to those who cannot see the record."""

import pytest
from django.urls import reverse

from aims.comments import services
from aims.models import Comment, Notification
from tests.factories import make_risk

pytestmark = pytest.mark.django_db

API = "/api/v1/comments/"


@pytest.fixture
def risk(owner, system):
    return make_risk(owner, system)


def history_rows() -> int:
    return Comment.history.count()


def test_owner_comments_and_mentions_the_officer(api_as, owner, officer, system):
    response = api_as(owner).post(
        API, {"target": f"system:{system.reference}", "body": "Please look, @officer_t."}
    )
    assert response.status_code == 201, response.content
    comment = Comment.objects.get()
    assert comment.author == owner and comment.target == system
    assert list(comment.mentions.all()) == [officer]
    note = Notification.objects.get(recipient=officer, title__contains="mentioned you")
    assert system.reference in note.title
    assert note.link == reverse("inventory:system_detail", args=[system.pk]) + "#comments"
    assert history_rows() == 1
    listed = api_as(officer).get(API, {"target": f"system:{system.pk}"}).json()
    assert [c["body"] for c in listed] == ["Please look, @officer_t."]
    assert listed[0]["target"] == f"system:{system.reference}"


def test_mentioning_someone_who_cannot_see_the_record_is_refused(
    api_as, owner, other_owner, system
):
    response = api_as(owner).post(
        API, {"target": f"system:{system.reference}", "body": "FYI @owner2_t"}
    )
    assert response.status_code == 400
    assert "owner2_t" in response.json()["extra"]["fields"]["body"][0] or "owner2_t" in str(
        response.json()
    )
    assert not Comment.objects.exists() and history_rows() == 0
    assert not Notification.objects.filter(recipient=other_owner).exists()


def test_unknown_names_and_email_addresses_are_plain_text(owner, system):
    comment = services.comment_create(
        actor=owner, record=system, body="Mail a@example.org or @nosuchperson."
    )
    assert comment.mentions.count() == 0


def test_auditor_may_read_but_not_comment(api_as, auditor, owner, system):
    services.comment_create(actor=owner, record=system, body="A note")
    client = api_as(auditor)
    assert client.get(API, {"target": f"system:{system.reference}"}).status_code == 200
    before = history_rows()
    response = client.post(API, {"target": f"system:{system.reference}", "body": "Mine"})
    assert response.status_code == 403
    assert Comment.objects.count() == 1 and history_rows() == before


def test_other_owner_gets_404_and_writes_nothing(api_as, other_owner, owner, system):
    services.comment_create(actor=owner, record=system, body="Private")
    client = api_as(other_owner)
    target = f"system:{system.reference}"
    assert client.get(API, {"target": target}).status_code == 404
    assert client.post(API, {"target": target, "body": "Hello"}).status_code == 404
    assert client.get(f"{API}{Comment.objects.get().pk}/").status_code == 404
    assert Comment.objects.count() == 1 and history_rows() == 1


def test_bad_target_is_a_field_error(api_as, owner):
    response = api_as(owner).post(API, {"target": "spaceship:1", "body": "x"})
    assert response.status_code == 400
    response = api_as(owner).post(API, {"target": "system:AIS-0001"})
    assert response.status_code == 400 and "body" in str(response.json())


def test_edit_keeps_the_earlier_text_and_only_the_author_edits(api_as, owner, officer, system):
    comment = services.comment_create(actor=owner, record=system, body="First words")
    response = api_as(officer).patch(f"{API}{comment.pk}/", {"body": "Rewritten"})
    assert response.status_code == 403
    response = api_as(owner).patch(f"{API}{comment.pk}/", {"body": "Second words"})
    assert response.status_code == 200 and response.json()["edited_at"]
    bodies = list(comment.history.order_by("history_id").values_list("body", flat=True))
    assert bodies == ["First words", "Second words"]


def test_delete_by_officer_leaves_history(api_as, owner, officer, approver, system):
    comment = services.comment_create(actor=owner, record=system, body="To go")
    assert api_as(approver).delete(f"{API}{comment.pk}/").status_code == 403
    assert api_as(officer).delete(f"{API}{comment.pk}/").status_code == 204
    assert not Comment.objects.exists()
    kinds = list(Comment.history.order_by("history_id").values_list("history_type", flat=True))
    assert kinds == ["+", "-"]


def test_thread_on_the_risk_page_escapes_and_names_people(client_as, owner, officer, risk):
    officer.first_name, officer.last_name = "Olga", "Officer"
    officer.save()
    services.comment_create(actor=owner, record=risk, body="<script>x</script> @officer_t")
    page = client_as(owner).get(reverse("risk:risk_detail", args=[risk.pk])).content.decode()
    assert 'id="comments"' in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page and "<script>x</script>" not in page
    assert "@Olga Officer" in page
    assert 'action="/comments/risk/' in page


def test_browser_add_and_refusals(client_as, owner, auditor, other_owner, system):
    url = reverse("comments:comment_add", args=["system", system.pk])
    response = client_as(owner).post(url, {"body": "From the page"})
    assert response.status_code == 302
    assert Comment.objects.count() == 1
    assert client_as(auditor).post(url, {"body": "No"}).status_code == 403
    assert client_as(other_owner).post(url, {"body": "No"}).status_code == 404
    assert Comment.objects.count() == 1


def test_browser_refused_mention_keeps_the_text(client_as, owner, other_owner, system):
    url = reverse("comments:comment_add", args=["system", system.pk])
    response = client_as(owner).post(url, {"body": "Hi @owner2_t"})
    assert response.status_code == 400
    assert b"cannot see this record" in response.content
    assert b"Hi @owner2_t" in response.content
    assert not Comment.objects.exists()


def test_thread_costs_the_same_whatever_its_length(
    client_as, owner, officer, system, django_assert_max_num_queries
):
    url = reverse("inventory:system_detail", args=[system.pk])
    client = client_as(owner)
    services.comment_create(actor=owner, record=system, body="one @officer_t")
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(6):
        services.comment_create(actor=owner, record=system, body=f"more {n} @officer_t")
    with django_assert_max_num_queries(len(one)):
        client.get(url)
