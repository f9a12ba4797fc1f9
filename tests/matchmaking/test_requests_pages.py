"""The meeting request pages: ask for a meeting (only slots free for both, in the viewer's
and the event's time zones), my requests, and one request with its answers."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from matchmaking.models import Meeting, MeetingRequest, MeetingStatus, RequestStatus
from matchmaking.services.requests import request_accept, request_create
from tests.factories import UserFactory
from tests.matchmaking.meet_support import make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(ecosystems):
    return make_world()


def _create_url(world, other):
    return reverse("matchmaking-request-create", kwargs={"slug": world.event.slug, "pk": other.pk})


def test_the_form_offers_only_slots_free_for_both_and_sends_the_request(client, world):
    a, b, c = world.people
    request_create(requester=c, recipient=b, slots=[world.slots[0]])  # b's slot 0 is held
    client.force_login(a.user)
    page = client.get(_create_url(world, b))
    assert page.status_code == 200
    offered = [int(value) for value, _label in page.context["form"].fields["slots"].choices]
    assert offered == [s.pk for s in world.slots[1:]]
    response = client.post(
        _create_url(world, b),
        {"slots": [world.slots[1].pk, world.slots[2].pk], "message": "Hello"},
    )
    row = MeetingRequest.objects.get(requester=a)
    assert response.status_code == 302
    assert response["Location"] == reverse("matchmaking-request", kwargs={"pk": row.pk})
    assert row.message == "Hello"
    assert row.slots.count() == 2


def test_the_form_refuses_four_slots_and_shows_why(client, world):
    a, b, _c = world.people
    client.force_login(a.user)
    response = client.post(_create_url(world, b), {"slots": [s.pk for s in world.slots[:4]]})
    assert response.status_code == 400
    assert "one to three" in response.content.decode()
    assert not MeetingRequest.objects.exists()


def test_slots_show_in_the_viewers_time_zone_beside_the_events(client, world):
    from zoneinfo import ZoneInfo

    from matchmaking.forms.requests import slot_label

    a, b, _c = world.people
    world.event.time_zone = "America/New_York"
    world.event.save()
    start = world.slots[0].starts_at
    paris = timezone.localtime(start, ZoneInfo("Europe/Paris")).strftime("%H:%M")
    new_york = timezone.localtime(start, ZoneInfo("America/New_York")).strftime("%H:%M")
    with timezone.override("Europe/Paris"):
        label = slot_label(world.slots[0], world.event.time_zone)
    assert label.index(paris) < label.index(new_york)
    assert "America/New_York" in label
    # A viewer in the event's own zone reads one time.
    with timezone.override("America/New_York"):
        assert "America/New_York" not in slot_label(world.slots[0], world.event.time_zone)
    client.force_login(a.user)
    assert "America/New_York" in client.get(_create_url(world, b)).content.decode()


def test_someone_not_taking_part_cannot_use_the_form(client, world):
    _a, b, _c = world.people
    client.force_login(UserFactory())
    assert client.get(_create_url(world, b)).status_code == 403
    anonymous = client.__class__()
    assert anonymous.get(_create_url(world, b)).status_code == 302  # to the login page


def test_my_requests_lists_received_and_sent(client, world):
    a, b, c = world.people
    request_create(requester=a, recipient=b, slots=[world.slots[0]])
    request_create(requester=c, recipient=a, slots=[world.slots[1]])
    client.force_login(a.user)
    page = client.get(reverse("matchmaking-requests", kwargs={"slug": world.event.slug}))
    assert page.status_code == 200
    assert [r.requester_id for r in page.context["received"]] == [c.pk]
    assert [r.recipient_id for r in page.context["sent"]] == [b.pk]
    with translation.override("en"):
        assert "Waiting for an answer" in page.content.decode()


def test_answering_on_the_request_page(client, world):
    a, b, _c = world.people
    row = request_create(requester=a, recipient=b, slots=world.slots[:2])
    url = reverse("matchmaking-request", kwargs={"pk": row.pk})
    client.force_login(b.user)
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["accept_form"] is not None
    response = client.post(url, {"action": "accept", "accept-slot": world.slots[1].pk})
    assert response.status_code == 302
    meeting = Meeting.objects.get(request=row)
    assert meeting.slot == world.slots[1]
    # Cancel the meeting from the same page.
    response = client.post(url, {"action": "cancel_meeting", "meeting-reason": "Ill"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.status, meeting.cancel_reason) == (MeetingStatus.CANCELLED, "Ill")


def test_decline_and_withdraw_on_the_request_page(client, world):
    a, b, c = world.people
    first = request_create(requester=a, recipient=b, slots=[world.slots[0]])
    client.force_login(b.user)
    url = reverse("matchmaking-request", kwargs={"pk": first.pk})
    client.post(url, {"action": "decline", "decline-reason": "Full"})
    first.refresh_from_db()
    assert (first.status, first.decline_reason) == (RequestStatus.DECLINED, "Full")
    second = request_create(requester=c, recipient=b, slots=[world.slots[0]])
    client.force_login(c.user)
    url = reverse("matchmaking-request", kwargs={"pk": second.pk})
    client.post(url, {"action": "cancel"})
    second.refresh_from_db()
    assert second.status == RequestStatus.CANCELLED


def test_a_refused_answer_shows_its_reason(client, world):
    a, b, _c = world.people
    row = request_create(requester=a, recipient=b, slots=[world.slots[0]])
    client.force_login(b.user)
    url = reverse("matchmaking-request", kwargs={"pk": row.pk})
    # The requester's own move on the recipient's page: 403; a withdrawn request: a message.
    client.force_login(a.user)
    assert client.post(url, {"action": "decline"}).status_code == 403
    client.post(url, {"action": "cancel"})
    response = client.post(url, {"action": "cancel"})
    assert response.status_code == 400
    assert "already been answered" in response.content.decode()


def test_the_request_page_is_hidden_from_others_and_read_only_for_organisers(client, world):
    a, b, c = world.people
    row = request_create(requester=a, recipient=b, slots=[world.slots[0]])
    url = reverse("matchmaking-request", kwargs={"pk": row.pk})
    client.force_login(c.user)
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "decline"}).status_code == 404
    client.force_login(world.organiser)
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["role"] == "organiser"
    assert "Accept this time" not in page.content.decode()
    assert client.post(url, {"action": "decline"}).status_code == 403
    row.refresh_from_db()
    assert row.status == RequestStatus.PENDING
    request_accept(request=row, slot=world.slots[0], by=b)
