"""The notifications API and pages: only ever the person's own."""

from __future__ import annotations

import pytest

from notifications.models import Notification, PushSubscription
from notifications.services import notify, push_subscription_save
from realtime.models import Event
from tests.factories import UserFactory
from tests.notifications.push_service import allow_local_push_services

pytestmark = pytest.mark.django_db

P256DH = "B" + "A" * 86
AUTH = "c" * 22


@pytest.fixture
def marc():
    return UserFactory()


@pytest.fixture
def eve():
    return UserFactory()


def make(user, n=1, **kw):
    return [
        notify(recipients=[user], kind="listing.updated", verb=f"Update {i}", **kw)[0]
        for i in range(n)
    ]


def test_list_filters_and_counts(api_client, marc, eve):
    make(marc, 3)
    make(eve, 2)
    api_client.force_authenticate(marc)
    body = api_client.get("/api/v1/notifications/").json()
    assert body["count"] == 3
    assert {r["verb"] for r in body["results"]} == {"Update 0", "Update 1", "Update 2"}
    assert api_client.get("/api/v1/notifications/unread-count/").json() == {"unread_count": 3}
    assert api_client.get("/api/v1/notifications/?unread=maybe").status_code == 400
    assert api_client.get("/api/v1/notifications/?kind=nope").json()["error"]["code"] == "invalid"


def test_list_query_count_is_bounded(api_client, marc, eve, django_assert_max_num_queries):
    for _ in range(20):
        notify(recipients=[marc], actor=eve, kind="listing.interest", verb="Interest")
    api_client.force_authenticate(marc)
    with django_assert_max_num_queries(6):
        assert api_client.get("/api/v1/notifications/").status_code == 200


def test_mark_read_unread_delete_and_read_all(api_client, marc):
    a, b, _ = make(marc, 3)
    api_client.force_authenticate(marc)
    assert api_client.post(f"/api/v1/notifications/{a.pk}/read/").json() == {
        "changed": 1,
        "unread_count": 2,
    }
    assert api_client.post(f"/api/v1/notifications/{a.pk}/unread/").json()["unread_count"] == 3
    assert api_client.delete(f"/api/v1/notifications/{b.pk}/").status_code == 204
    assert api_client.post("/api/v1/notifications/read-all/").json() == {
        "changed": 2,
        "unread_count": 0,
    }
    assert Notification.objects.filter(recipient=marc, unread=True).count() == 0
    badge = Event.objects.filter(topic=f"user:{marc.pk}").last()
    assert badge.data == {"unread_count": 0}
    assert (
        api_client.post("/api/v1/notifications/read/", {"ids": []}, format="json").status_code
        == 400
    )


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/notifications/{pk}/"),
        ("post", "/api/v1/notifications/{pk}/read/"),
        ("post", "/api/v1/notifications/{pk}/unread/"),
        ("delete", "/api/v1/notifications/{pk}/"),
    ],
)
def test_nobody_touches_another_persons_notification(api_client, marc, eve, method, path):
    [theirs] = make(marc)
    api_client.force_authenticate(eve)
    response = getattr(api_client, method)(path.format(pk=theirs.pk))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.unread
    assert theirs.deleted_at is None
    bulk = api_client.post("/api/v1/notifications/delete/", {"ids": [theirs.pk]}, format="json")
    assert bulk.json()["changed"] == 0


def test_anonymous_gets_401(api_client):
    for path in [
        "/api/v1/notifications/",
        "/api/v1/notifications/preferences/",
        "/api/v1/notifications/push/subscriptions/",
    ]:
        response = api_client.get(path)
        assert response.status_code in (401, 403)
        assert response.json()["error"]["message"]


def test_preferences_round_trip(api_client, marc):
    api_client.force_authenticate(marc)
    rows = {r["kind"]: r for r in api_client.get("/api/v1/notifications/preferences/").json()}
    assert rows["message.new"]["push"] is True
    assert rows["message.new"]["email"] is False
    response = api_client.put(
        "/api/v1/notifications/preferences/",
        [{"kind": "message.new", "push": False, "email": True}],
        format="json",
    )
    rows = {r["kind"]: r for r in response.json()}
    assert (
        rows["message.new"]["push"],
        rows["message.new"]["email"],
        rows["message.new"]["in_app"],
    ) == (False, True, True)
    bad = api_client.put(
        "/api/v1/notifications/preferences/", [{"kind": "spam", "push": True}], format="json"
    )
    assert bad.status_code == 400


def test_delivery_settings_validation(api_client, marc):
    api_client.force_authenticate(marc)
    ok = api_client.patch(
        "/api/v1/notifications/settings/",
        {"quiet_start": "22:00", "quiet_end": "07:00", "digest": "daily"},
        format="json",
    )
    assert ok.status_code == 200
    assert ok.json()["digest"] == "daily"
    half = api_client.patch("/api/v1/notifications/settings/", {"quiet_start": None}, format="json")
    assert half.status_code == 400
    zone = api_client.patch(
        "/api/v1/notifications/settings/", {"timezone": "Mars/Olympus"}, format="json"
    )
    assert zone.status_code == 400
    assert "time zone" in zone.json()["error"]["message"]


def test_push_subscriptions_are_per_person(api_client, marc, eve, settings):
    allow_local_push_services(settings)  # endpoints on 127.0.0.1; nobody listens, none sent
    api_client.force_authenticate(marc)
    body = {"endpoint": "http://127.0.0.1:9/push/abc", "keys": {"p256dh": P256DH, "auth": AUTH}}
    assert (
        api_client.post(
            "/api/v1/notifications/push/subscriptions/", body, format="json"
        ).status_code
        == 201
    )
    bad = api_client.post(
        "/api/v1/notifications/push/subscriptions/",
        {"endpoint": "http://127.0.0.1:9/push/x", "keys": {"p256dh": "short", "auth": AUTH}},
        format="json",
    )
    assert bad.status_code == 400
    push_subscription_save(
        user=eve, endpoint="http://127.0.0.1:9/push/eve", p256dh=P256DH, auth=AUTH
    )
    listed = api_client.get("/api/v1/notifications/push/subscriptions/").json()
    assert [s["endpoint"] for s in listed] == ["http://127.0.0.1:9/push/abc"]
    gone = api_client.delete(
        "/api/v1/notifications/push/subscriptions/",
        {"endpoint": "http://127.0.0.1:9/push/eve"},
        format="json",
    )
    assert gone.status_code == 404
    assert PushSubscription.objects.filter(user=eve).exists()


def test_pages_list_open_and_preferences(client, marc, eve):
    [n] = make(marc, url="/xchange/")
    client.force_login(marc)
    page = client.get("/notifications/")
    assert page.status_code == 200
    assert "Update 0" in page.content.decode()
    assert 'class="bell-count" aria-hidden="true">1<' in page.content.decode()
    opened = client.post(f"/notifications/{n.pk}/open/")
    assert opened.status_code == 302
    assert opened["Location"] == "/xchange/"
    n.refresh_from_db()
    assert not n.unread
    response = client.post(
        "/notifications/preferences/",
        {
            "message.new:in_app": "on",
            "message.new:email": "on",
            "timezone": "Europe/Paris",
            "digest": "daily",
        },
    )
    assert response.status_code == 302
    bad = client.post(
        "/notifications/preferences/", {"timezone": "Nowhere/Town", "digest": "daily"}
    )
    assert bad.status_code == 200
    assert "Unknown time zone" in bad.content.decode()
    client.force_login(eve)
    assert client.post(f"/notifications/{n.pk}/open/").status_code == 404
    assert (
        client.post("/notifications/action/", {"action": "delete", "id": n.pk}).status_code == 404
    )
