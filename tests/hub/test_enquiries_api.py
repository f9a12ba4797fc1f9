"""The desk's REST API: submit as a visitor (no token in the answer) or a member, the
rate limit, errors naming the field, the staff's steps, the queue's filters (a bad one is a
400 naming it), the visitor's tracking endpoints, the OpenAPI schema, query counts."""

from __future__ import annotations

import pytest
from django.core import mail
from rest_framework.test import APIClient

from hub.models import Enquiry, EnquiryState
from hub.selectors.enquiries import enquiry_token_for
from tests.factories import StaffFactory, UserFactory
from tests.hub.enquiry_support import token_from_outbox, visitor_enquiry

pytestmark = pytest.mark.django_db

BODY = {
    "country": "ZA",
    "ecosystem": "agri-food",
    "subject": "Wine logistics to Cape Town",
    "question": "Which **port**?",
    "name": "Lucía García",
    "email": "lucia@cluster.example",
    "organisation": "Clúster del Vino",
    "language": "es",
}


def _client(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_a_visitor_submits_and_gets_the_link_by_email_only(
    ecosystems, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _client().post("/api/v1/desk/enquiries/", BODY, format="json")
    assert response.status_code == 201
    data = response.json()
    assert data["state"] == "received"
    assert data["country"] == "ZA"
    assert data["ecosystem"] == "agri-food"
    assert data["first_answered_at"] is None
    assert "<strong>port</strong>" in data["question_html"]
    enquiry = Enquiry.objects.get()
    token = token_from_outbox("lucia@cluster.example")
    assert token not in str(data)
    assert "Hemos recibido tu consulta" in mail.outbox[0].subject
    assert enquiry.language == "es"
    tracked = _client().get(f"/api/v1/desk/track/{token}/").json()
    assert tracked["id"] == enquiry.pk
    reply = _client().post(f"/api/v1/desk/track/{token}/reply/", {"body": "Durban?"})
    assert reply.status_code == 201
    assert reply.json()["kind"] == "reply"
    assert reply.json()["author"] is None


def test_errors_name_the_fields_and_store_nothing():
    response = _client().post(
        "/api/v1/desk/enquiries/", {**BODY, "country": "QQ", "ecosystem": "nope"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) >= {"country", "ecosystem"}
    without = {k: v for k, v in BODY.items() if k not in ("name", "email", "ecosystem")}
    response = _client().post("/api/v1/desk/enquiries/", without, format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"name", "email"}
    assert Enquiry.objects.count() == 0


def test_the_rate_limit(settings):
    settings.DESK_ENQUIRY_RATE = "1/3600"
    body = {k: v for k, v in BODY.items() if k != "ecosystem"}
    assert _client().post("/api/v1/desk/enquiries/", body, format="json").status_code == 201
    response = _client().post("/api/v1/desk/enquiries/", body, format="json")
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "throttled"
    assert Enquiry.objects.count() == 1


def test_a_member_submits_lists_and_replies():
    member = UserFactory()
    client = _client(member)
    body = {k: v for k, v in BODY.items() if k not in ("name", "email", "ecosystem")}
    response = client.post("/api/v1/desk/enquiries/", body, format="json")
    assert response.status_code == 201
    pk = response.json()["id"]
    assert Enquiry.objects.get(pk=pk).email == member.email
    assert [row["id"] for row in client.get("/api/v1/desk/enquiries/").json()["results"]] == [pk]
    assert client.post(f"/api/v1/desk/enquiries/{pk}/reply/", {"body": ""}).status_code == 400
    assert client.post(f"/api/v1/desk/enquiries/{pk}/reply/", {"body": "More"}).status_code == 201


def test_staff_steps_through_the_api():
    staff = StaffFactory()
    enquiry = visitor_enquiry()
    client = _client(staff)
    base = f"/api/v1/desk/enquiries/{enquiry.pk}"
    response = client.post(f"{base}/assign/", {"assignee": staff.pk})
    assert response.status_code == 200
    assert response.json()["assignee"]["id"] == staff.pk
    assert response.json()["state"] == "assigned"
    member = UserFactory()
    refused = client.post(f"{base}/assign/", {"assignee": member.pk})
    assert refused.status_code == 400
    assert "assignee" in refused.json()["error"]["fields"]
    assert client.post(f"{base}/note/", {"body": "internal"}).status_code == 201
    assert client.post(f"{base}/ask/", {"body": "Which region?"}).status_code == 201
    assert client.get(f"{base}/").json()["state"] == "awaiting_asker"
    assert client.post(f"{base}/answer/", {"body": "Go"}).status_code == 201
    detail = client.get(f"{base}/").json()
    assert detail["state"] == "answered"
    assert detail["first_answered_at"] is not None
    assert [m["kind"] for m in detail["messages"]] == ["note", "question", "answer"]
    assert client.post(f"{base}/close/", {"reason": "bored"}).status_code == 400
    closed = client.post(f"{base}/close/", {"reason": "resolved"})
    assert closed.json()["state"] == "closed"
    assert closed.json()["close_reason"] == "resolved"
    assert client.post(f"{base}/answer/", {"body": "late"}).status_code == 400
    assert client.post(f"{base}/close/", {"reason": "resolved"}).status_code == 400
    reopened = client.post(f"{base}/reopen/")
    assert reopened.json()["state"] == "assigned"
    assert reopened.json()["closed_at"] is None
    assert client.post(f"{base}/reopen/").status_code == 400


def test_the_queue_filters_and_refuses_bad_ones(django_assert_max_num_queries):
    staff = StaffFactory()
    for code in ("IN", "BR", "JP", "CA", "UA"):
        visitor_enquiry(country=code)
    first = Enquiry.objects.order_by("pk").first()
    client = _client(staff)
    client.post(f"/api/v1/desk/enquiries/{first.pk}/assign/", {"assignee": staff.pk})
    with django_assert_max_num_queries(8):
        rows = client.get("/api/v1/desk/enquiries/queue/").json()["results"]
    assert [row["id"] for row in rows] == sorted(row["id"] for row in rows)
    assert rows[0]["age_seconds"] >= 0
    assert rows[0]["overdue"] is False
    mine = client.get("/api/v1/desk/enquiries/queue/?assignee=me").json()["results"]
    assert [row["id"] for row in mine] == [first.pk]
    assert len(client.get("/api/v1/desk/enquiries/queue/?assignee=none").json()["results"]) == 4
    assert len(client.get("/api/v1/desk/enquiries/queue/?country=JP").json()["results"]) == 1
    assigned = client.get("/api/v1/desk/enquiries/queue/?state=assigned").json()["results"]
    assert [row["state"] for row in assigned] == [EnquiryState.ASSIGNED]
    assert client.get("/api/v1/desk/enquiries/queue/?overdue=true").json()["results"] == []
    for bad in ("state=bogus", "country=QQ", "overdue=perhaps", "assignee=someone"):
        response = client.get(f"/api/v1/desk/enquiries/queue/?{bad}")
        assert response.status_code == 400, bad
        assert bad.split("=")[0] in response.json()["error"]["fields"]


def test_the_tracking_token_never_appears_in_the_api():
    staff = StaffFactory()
    enquiry = visitor_enquiry()
    token = enquiry_token_for(enquiry)
    detail = _client(staff).get(f"/api/v1/desk/enquiries/{enquiry.pk}/").json()
    assert token not in str(detail)
    assert enquiry.token_hash not in str(detail)


def test_the_schema_documents_the_desk():
    schema = _client().get("/api/schema/?format=json").json()
    paths = schema["paths"]
    for path in (
        "/api/v1/desk/enquiries/",
        "/api/v1/desk/enquiries/{id}/",
        "/api/v1/desk/enquiries/{id}/reply/",
        "/api/v1/desk/enquiries/{id}/assign/",
        "/api/v1/desk/enquiries/{id}/answer/",
        "/api/v1/desk/enquiries/{id}/ask/",
        "/api/v1/desk/enquiries/{id}/note/",
        "/api/v1/desk/enquiries/{id}/close/",
        "/api/v1/desk/enquiries/{id}/reopen/",
        "/api/v1/desk/enquiries/queue/",
        "/api/v1/desk/track/{token}/",
        "/api/v1/desk/track/{token}/reply/",
    ):
        assert path in paths, path
    queue = paths["/api/v1/desk/enquiries/queue/"]["get"]
    assert {p["name"] for p in queue["parameters"]} >= {"state", "assignee", "country", "overdue"}
    assert "429" in paths["/api/v1/desk/enquiries/"]["post"]["responses"]
