"""Who may do what at the desk, as a matrix over pages and the API: the asker sees only
their own (another member, another token, a guessed id: 404), staff see and work all, the
queue is staff-only, and internal notes never reach the asker (page, API, e-mail,
notification). Every cell is asserted; nothing else is allowed."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from rest_framework.test import APIClient

from hub.models import EnquiryMessage
from hub.selectors.enquiries import enquiry_token_for
from hub.services import enquiries as desk
from notifications.models import Notification
from tests.factories import StaffFactory, UserFactory
from tests.hub.enquiry_support import member_enquiry, visitor_enquiry

pytestmark = pytest.mark.django_db

NOTE = "Internal: the Mumbai contact is unreliable"


@pytest.fixture
def desk_world(django_capture_on_commit_callbacks):
    staff = StaffFactory()
    asker = UserFactory()
    other = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        mine = member_enquiry(asker)
        theirs = member_enquiry(other, subject="Someone else's")
        visitor = visitor_enquiry()
        other_visitor = visitor_enquiry(email="other@cluster.example", subject="Other visitor")
        for enquiry in (mine, visitor):
            desk.enquiry_note(enquiry=enquiry, user=staff, body=NOTE)
            desk.enquiry_answer(enquiry=enquiry, user=staff, body="Public answer")
    return {
        "staff": staff,
        "asker": asker,
        "other": other,
        "mine": mine,
        "theirs": theirs,
        "visitor": visitor,
        "other_visitor": other_visitor,
    }


def _page_client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _api_client(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


# (who, enquiry) -> expected status of the member enquiry page and the API detail
READ_MATRIX = [
    ("anonymous", "mine", 302, 401),
    ("asker", "mine", 200, 200),
    ("other", "mine", 404, 404),
    ("staff", "mine", 200, 200),
    ("asker", "theirs", 404, 404),
    ("asker", "visitor", 404, 404),
    ("other", "visitor", 404, 404),
    ("staff", "visitor", 200, 200),
]


@pytest.mark.parametrize(("who", "which", "page", "api"), READ_MATRIX)
def test_who_reads_an_enquiry(desk_world, who, which, page, api):
    user = desk_world.get(who)
    enquiry = desk_world[which]
    assert _page_client(user).get(enquiry.get_absolute_url()).status_code == page
    assert _api_client(user).get(f"/api/v1/desk/enquiries/{enquiry.pk}/").status_code == api


def test_a_guessed_id_is_404_for_everyone(desk_world):
    for who in ("asker", "other", "staff"):
        user = desk_world[who]
        assert _page_client(user).get("/desk/enquiries/999999/").status_code == 404
        assert _api_client(user).get("/api/v1/desk/enquiries/999999/").status_code == 404


def test_a_tracking_link_opens_only_its_own_enquiry(desk_world):
    visitor, other_visitor = desk_world["visitor"], desk_world["other_visitor"]
    token = enquiry_token_for(visitor)
    client = Client()
    html = client.get(f"/desk/track/{token}/").content.decode()
    assert visitor.subject in html
    assert "Other visitor" not in html
    other_token = enquiry_token_for(other_visitor)
    assert other_visitor.subject in client.get(f"/desk/track/{other_token}/").content.decode()
    # A wrong, truncated or altered token, or a member's enquiry (which has none): 404.
    for bad in ("0" * 43, token[:-1], token[:-1] + ("0" if token[-1] != "0" else "1"), "x"):
        assert client.get(f"/desk/track/{bad}/").status_code == 404
        assert APIClient().get(f"/api/v1/desk/track/{bad}/").status_code == 404
    assert APIClient().get(f"/api/v1/desk/track/{token}/").status_code == 200
    # Replying through another's link is impossible without it.
    assert client.post("/desk/track/" + "0" * 43 + "/", {"body": "x"}).status_code == 404


def test_only_the_asker_replies(desk_world):
    mine = desk_world["mine"]
    url = f"/api/v1/desk/enquiries/{mine.pk}/reply/"
    assert _api_client(desk_world["other"]).post(url, {"body": "x"}).status_code == 404
    assert _api_client(None).post(url, {"body": "x"}).status_code == 401
    assert _api_client(desk_world["staff"]).post(url, {"body": "x"}).status_code == 404
    assert (
        _page_client(desk_world["other"]).post(mine.get_absolute_url(), {"body": "x"}).status_code
        == 404
    )
    assert (
        _page_client(desk_world["staff"]).post(mine.get_absolute_url(), {"body": "x"}).status_code
        == 404
    )
    assert _api_client(desk_world["asker"]).post(url, {"body": "x"}).status_code == 201
    assert EnquiryMessage.objects.filter(enquiry=mine, kind="reply").count() == 1


STAFF_ACTIONS = [
    ("assign", "assign/", None),
    ("answer", "respond/", "answer"),
    ("ask", "respond/", "ask"),
    ("note", "respond/", "note"),
    ("close", "close/", None),
]


@pytest.mark.parametrize(("api_action", "page_action", "kind"), STAFF_ACTIONS)
@pytest.mark.parametrize(("who", "page", "api"), [("asker", 404, 403), ("other", 404, 404)])
def test_nobody_but_staff_works_the_desk(desk_world, api_action, page_action, kind, who, page, api):
    mine = desk_world["mine"]
    mine.refresh_from_db()
    user = desk_world[who]
    before = (mine.state, EnquiryMessage.objects.count(), mine.assignee_id)
    data = {"body": "x", "reason": "resolved", "assignee": user.pk, "action": kind or ""}
    assert (
        _page_client(user).post(f"{mine.get_absolute_url()}{page_action}", data).status_code == page
    )
    response = _api_client(user).post(f"/api/v1/desk/enquiries/{mine.pk}/{api_action}/", data)
    assert response.status_code == api
    assert (
        _api_client(None).post(f"/api/v1/desk/enquiries/{mine.pk}/{api_action}/", data).status_code
        == 401
    )
    mine.refresh_from_db()
    assert (mine.state, EnquiryMessage.objects.count(), mine.assignee_id) == before


def test_the_queue_is_staff_only(desk_world):
    for who in ("asker", "other"):
        assert _page_client(desk_world[who]).get("/desk/staff/").status_code == 404
        assert _api_client(desk_world[who]).get("/api/v1/desk/enquiries/queue/").status_code == 404
    assert _page_client(None).get("/desk/staff/").status_code == 302
    assert _api_client(None).get("/api/v1/desk/enquiries/queue/").status_code == 404
    assert _page_client(desk_world["staff"]).get("/desk/staff/").status_code == 200
    rows = _api_client(desk_world["staff"]).get("/api/v1/desk/enquiries/queue/").json()["results"]
    assert len(rows) == 4


def test_a_member_lists_only_their_own(desk_world):
    rows = _api_client(desk_world["asker"]).get("/api/v1/desk/enquiries/").json()["results"]
    assert [row["id"] for row in rows] == [desk_world["mine"].pk]
    html = _page_client(desk_world["asker"]).get("/desk/mine/").content.decode()
    assert "Someone else" not in html


def test_internal_notes_never_reach_the_asker(desk_world):
    mine, visitor = desk_world["mine"], desk_world["visitor"]
    asker = desk_world["asker"]
    assert NOTE not in _page_client(asker).get(mine.get_absolute_url()).content.decode()
    detail = _api_client(asker).get(f"/api/v1/desk/enquiries/{mine.pk}/").json()
    assert NOTE not in str(detail)
    assert [m["kind"] for m in detail["messages"]] == ["answer"]
    assert "email" not in detail
    assert "assignee" not in detail
    token = enquiry_token_for(visitor)
    assert NOTE not in Client().get(f"/desk/track/{token}/").content.decode()
    assert NOTE not in str(APIClient().get(f"/api/v1/desk/track/{token}/").json())
    assert all(NOTE not in m.body and NOTE not in m.subject for m in mail.outbox)
    assert not any(
        NOTE in str(n.data) + n.verb for n in Notification.objects.filter(recipient=asker)
    )
    # Staff do see it.
    staff_detail = _api_client(desk_world["staff"]).get(f"/api/v1/desk/enquiries/{mine.pk}/").json()
    assert [m["kind"] for m in staff_detail["messages"]] == ["note", "answer"]
