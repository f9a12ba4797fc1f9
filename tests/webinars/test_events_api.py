"""The events API and pages end to end: organising, moderation, filters, notifications."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from community.models import ModerationStatus
from notifications.models import Notification
from tests.factories import (
    EventFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    RegistrationFactory,
    StaffFactory,
    UserFactory,
)
from webinars.models import Event, EventModerationLogEntry


def _api(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def _payload(**extra):
    return {
        "kind": "webinar",
        "title": "Green hydrogen clusters",
        "summary": "What clusters do about hydrogen.",
        "description": "## Agenda\n\n*Welcome* <script>x</script>",
        "time_zone": "Europe/Lisbon",
        "starts_at": "2030-03-05T10:00",
        "ends_at": "2030-03-05T11:30",
        "capacity": 2,
        "speakers": [{"name": "Ana Lopes", "affiliation": "H2 Cluster"}],
        **extra,
    }


def test_an_organisation_editor_creates_an_event_that_staff_publish(ecosystems):
    organisation = OrganisationFactory()
    editor = MembershipFactory(organisation=organisation, role="editor").user
    response = _api(editor).post(
        "/api/v1/events/",
        _payload(organisation=organisation.slug, submit=True, ecosystems=["digital"]),
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "needs_review"
    # Wall-clock time in Lisbon (UTC+0 in March) stored as that instant.
    event = Event.objects.get(pk=body["id"])
    assert event.starts_at == timezone.datetime(2030, 3, 5, 10, 0, tzinfo=UTC)
    assert "<script>" not in body["description_html"]
    assert [s.name for s in event.speakers.all()] == ["Ana Lopes"]
    # Hidden from others until published.
    assert _api(UserFactory()).get(f"/api/v1/events/{event.pk}/").status_code == 404
    staff = StaffFactory()
    assert _api(staff).post(f"/api/v1/events/{event.pk}/publish/").status_code == 200
    assert _api(UserFactory()).get(f"/api/v1/events/{event.pk}/").status_code == 200
    entry = EventModerationLogEntry.objects.get(event=event)
    assert entry.decision == "published"
    assert entry.moderator == staff
    assert Notification.objects.filter(recipient=editor, kind="event.reviewed").exists()


def test_a_partnership_event_is_organised_by_the_coordinators_editors(ecosystems):
    partnership = PartnershipFactory()
    editor = MembershipFactory(organisation=partnership.coordinator, role="editor").user
    member = MembershipFactory(organisation=partnership.coordinator, role="member").user
    response = _api(editor).post(
        "/api/v1/events/", _payload(partnership=partnership.slug), format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["organiser"]["type"] == "partnership"
    assert response.json()["can_manage"] is True
    refused = _api(member).post(
        "/api/v1/events/", _payload(partnership=partnership.slug), format="json"
    )
    assert refused.status_code == 403
    assert Event.objects.count() == 1


def test_bad_input_is_a_clear_400_and_nothing_is_stored(ecosystems):
    staff = StaffFactory()
    bad = _api(staff).post(
        "/api/v1/events/",
        _payload(ends_at="2030-03-05T09:00", time_zone="Mars/Olympus"),
        format="json",
    )
    assert bad.status_code == 400
    assert "time_zone" in bad.json()["error"]["fields"]
    earlier = _api(staff).post(
        "/api/v1/events/", _payload(ends_at="2030-03-05T09:00"), format="json"
    )
    assert earlier.status_code == 400
    assert "ends_at" in earlier.json()["error"]["fields"]
    assert not Event.objects.exists()


def test_staff_events_are_published_at_once(ecosystems):
    response = _api(StaffFactory()).post("/api/v1/events/", _payload(), format="json")
    assert response.status_code == 201
    assert response.json()["status"] == "published"
    assert response.json()["organiser"] == {"type": "staff", "slug": None, "name": "ClusterHub"}


def _future_event(**kwargs):
    starts = timezone.now() + timedelta(days=10)
    return EventFactory(starts_at=starts, ends_at=starts + timedelta(hours=1), **kwargs)


def test_a_new_time_and_a_cancellation_reach_everyone_registered(ecosystems):
    event = _future_event()
    organiser = MembershipFactory(organisation=event.organiser_organisation, role="admin").user
    registered = RegistrationFactory(event=event).user
    waiting = RegistrationFactory(event=event, status="waitlisted").user
    gone = RegistrationFactory(event=event, status="cancelled").user
    api = _api(organiser)
    response = api.patch(
        f"/api/v1/events/{event.pk}/",
        {"starts_at": "2031-01-01T09:00:00+01:00", "ends_at": "2031-01-01T10:00:00+01:00"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    for person in (registered, waiting):
        assert Notification.objects.filter(recipient=person, kind="event.rescheduled").exists()
    assert not Notification.objects.filter(recipient=gone).exists()
    assert api.post(f"/api/v1/events/{event.pk}/cancel/", {}, format="json").status_code == 400
    response = api.post(f"/api/v1/events/{event.pk}/cancel/", {"reason": "Strike"}, format="json")
    assert response.status_code == 200
    assert response.json()["cancelled"] is True
    notice = Notification.objects.get(recipient=waiting, kind="event.cancelled")
    assert "Strike" in str(notice.data)
    # Still listed, marked cancelled; registration closed.
    listed = _api().get("/api/v1/events/").json()["results"]
    assert [(e["id"], e["cancelled"]) for e in listed] == [(event.pk, True)]
    assert _api(UserFactory()).post(f"/api/v1/events/{event.pk}/registration/").status_code == 400


def test_filters_and_pagination(ecosystems, django_assert_max_num_queries):
    soon = _future_event(kind="conference", online=False, city="Lyon", country="FR")
    soon.ecosystems.set(["digital"])
    _future_event(kind="webinar")
    past = EventFactory(
        starts_at=timezone.now() - timedelta(days=3),
        ends_at=timezone.now() - timedelta(days=3, hours=-1),
    )
    EventFactory(status=ModerationStatus.DRAFT, starts_at=timezone.now() + timedelta(days=1))
    api = _api()

    def ids(query=""):
        return [e["id"] for e in api.get(f"/api/v1/events/{query}").json()["results"]]

    assert len(ids()) == 2  # upcoming and published
    assert ids("?kind=conference") == [soon.pk]
    assert ids("?ecosystem=digital") == [soon.pk]
    assert ids("?mode=onsite") == [soon.pk]
    assert ids(f"?organiser=organisation:{soon.organiser_organisation.slug}") == [soon.pk]
    assert ids("?past=true") == [past.pk]
    assert api.get("/api/v1/events/?kind=party").status_code == 400
    assert api.get("/api/v1/events/?date_from=yesterday").status_code == 400
    page = api.get("/api/v1/events/?page_size=1").json()
    assert page["count"] == 2
    assert len(page["results"]) == 1
    assert page["next"]
    with django_assert_max_num_queries(6):
        api.get("/api/v1/events/")


def test_organisers_list_approve_and_export_registrations(ecosystems):
    event = _future_event(registration_mode="approval", capacity=1)
    organiser = MembershipFactory(organisation=event.organiser_organisation, role="admin").user
    asker = UserFactory(full_name="=cmd| Evil")
    assert (
        _api(asker).post(f"/api/v1/events/{event.pk}/registration/").json()["status"] == "pending"
    )
    api = _api(organiser)
    rows = api.get(f"/api/v1/events/{event.pk}/registrations/?status=pending").json()["results"]
    assert [r["user"]["id"] for r in rows] == [asker.pk]
    decided = api.post(
        f"/api/v1/events/{event.pk}/registrations/{rows[0]['id']}/",
        {"decision": "approve"},
        format="json",
    )
    assert decided.json()["status"] == "registered"
    csv = api.get(f"/api/v1/events/{event.pk}/registrations/export/")
    assert csv["Content-Type"].startswith("text/csv")
    text = csv.content.decode()
    assert text.startswith("\ufeffName,Email,Status,Registered on (")
    assert "'=cmd| Evil" in text
    rows = list(__import__("csv").reader(text.lstrip("\ufeff").splitlines()))
    assert "Registered" in {row[2] for row in rows[1:]}  # the status as people read it


def test_pages_register_and_cancel_without_javascript(ecosystems):
    event = _future_event(capacity=1)
    RegistrationFactory(event=event)
    person = UserFactory()
    client = Client()
    client.force_login(person)
    page = client.get(f"/events/{event.slug}/")
    assert "Join the waiting list" in page.content.decode()
    client.post(f"/events/{event.slug}/register/")
    page = client.get(f"/events/{event.slug}/").content.decode()
    assert "waiting list (position 1)" in page
    client.post(f"/events/{event.slug}/unregister/")
    assert event.registrations.get(user=person).status == "cancelled"


def test_an_organiser_creates_an_event_through_the_form(ecosystems):
    organisation = OrganisationFactory()
    editor = MembershipFactory(organisation=organisation, role="admin").user
    host = UserFactory(email="host@example.org")
    client = Client()
    client.force_login(editor)
    assert client.get("/events/new/").status_code == 200
    response = client.post(
        "/events/new/",
        {
            "kind": "seminar",
            "title": "Scaling up",
            "summary": "A seminar.",
            "language": "en",
            "organiser": f"organisation:{organisation.pk}",
            "time_zone": "Europe/Berlin",
            "starts_at": "2030-06-01T14:00",
            "ends_at": "2030-06-01T16:00",
            "online": "on",
            "registration_mode": "open",
            "room_format": "stage",
            "speakers": "Jan Novak | CzechInvest\nEva",
            "hosts": "host@example.org",
            "action": "submit",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    event = Event.objects.get(title="Scaling up")
    assert event.status == "needs_review"
    assert event.starts_at == timezone.datetime(2030, 6, 1, 12, 0, tzinfo=UTC)
    assert [(s.name, s.affiliation) for s in event.speakers.all()] == [
        ("Jan Novak", "CzechInvest"),
        ("Eva", ""),
    ]
    assert list(event.people.values_list("user_id", "role")) == [(host.pk, "host")]
    # The staff queue lists it; staff reject it with a reason, which is logged.
    staff = StaffFactory()
    staff_client = Client()
    staff_client.force_login(staff)
    queue = staff_client.get("/moderation/?kind=event").content.decode()
    assert "Scaling up" in queue
    rejected = staff_client.post(f"/moderation/event/{event.pk}/reject/", {"reason": "No agenda"})
    assert rejected.status_code == 302
    event.refresh_from_db()
    assert event.status == "rejected"
    assert event.rejection_reason == "No agenda"
    assert EventModerationLogEntry.objects.get(event=event).reason == "No agenda"


@pytest.mark.parametrize("month", ["2030-02", "2031-12"])
def test_the_calendar_shows_events_on_their_days(ecosystems, month):
    year, number = (int(x) for x in month.split("-"))
    starts = timezone.make_aware(timezone.datetime(year, number, 14, 10, 0))
    event = EventFactory(starts_at=starts, ends_at=starts + timedelta(days=1))
    page = Client().get(f"/events/calendar/?month={month}")
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count(event.title) == 2  # on the 14th and the 15th
    assert Client().get("/events/calendar/?month=nope").status_code == 404


def test_staff_edit_an_organisations_event_through_the_form_and_it_keeps_its_organiser(
    ecosystems,
):
    from webinars.forms.events import event_initial

    event = _future_event(capacity=5)
    RegistrationFactory(event=event)
    staff = StaffFactory()
    client = Client()
    client.force_login(staff)
    assert client.get(f"/events/{event.slug}/edit/").status_code == 200
    data = {
        key: value
        for key, value in event_initial(event).items()
        if value not in (None, False) and key != "ecosystems"
    }
    data.update(
        title="Renamed",
        starts_at="2031-05-01T09:00",
        ends_at="2031-05-01T10:00",
        online="on",
        action="save",
    )
    response = client.post(f"/events/{event.slug}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    event.refresh_from_db()
    assert event.title == "Renamed"
    assert event.organiser_organisation is not None
    assert Notification.objects.filter(kind="event.rescheduled").count() == 1
