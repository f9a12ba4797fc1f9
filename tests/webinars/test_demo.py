"""`manage.py seed_demo` adds believable events (webinars/demo.py): every type and state,
organised by the demo organisations' own admins and editors, a room open now, and past
attendance large enough for the report's groups of five."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.db.models import Count, F
from django.utils import timezone

from community.models import ModerationStatus, OrganisationMembership, User
from webinars.demo import demo_events
from webinars.models import (
    AttendanceSpan,
    ChatMessage,
    Event,
    EventPerson,
    HandRaise,
    Poll,
    PollVote,
    Question,
    QuestionUpvote,
    Registration,
)
from webinars.selectors.events import event_can_manage, event_list_for
from webinars.selectors.rooms import RoomRole, room_is_open, room_role

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

ANNA = "anna.schmidt@clusterhub.example"


@pytest.fixture
def seeded():
    call_command("seed_demo", organisations=60, seed=7, stdout=io.StringIO())


def demo():
    """Webinars' demo events (the matchmaking demo's event in progress is matchmaking's:
    tests/matchmaking/test_demo_matchmaking.py)."""
    from matchmaking.demo import EVENT_SLUG

    return list(Event.objects.exclude(slug=EVENT_SLUG).order_by("starts_at", "pk"))


def key_of(event: Event) -> str:
    return "-".join(event.slug.split("-")[-2:])


def fingerprint() -> list[tuple]:
    """What the demo events hold, without ids and the seed's clock."""
    rows = []
    for event in demo():
        rows.append(
            (
                event.slug,
                event.kind,
                event.language,
                event.status,
                event.registration_mode,
                sorted(event.registrations.values_list("user__email", "status")),
                sorted(event.people.values_list("user__email", "role")),
                event.speakers.count(),
                event.attendance.count(),
                event.questions.count(),
                event.chat_messages.count(),
                sorted(PollVote.objects.filter(poll__event=event).values_list("user__email")),
            )
        )
    return rows


def test_the_demo_has_every_type_and_state_in_five_languages(seeded):
    events = {key_of(e): e for e in demo()}
    now = timezone.now()
    assert set(events) == {
        "past-webinar", "past-seminar", "past-conference", "past-matchmaking",
        "live-webinar", "live-meeting", "upcoming-open", "upcoming-approval",
        "upcoming-full", "upcoming-closed", "cancelled-webinar", "community-review",
    }  # fmt: skip
    assert Counter(e.kind for e in events.values()) == {
        "webinar": 4, "seminar": 2, "conference": 2, "matchmaking": 2, "community": 2,
    }  # fmt: skip
    assert {e.language for e in events.values()} == {"en", "fr", "de", "es", "it"}
    assert sum(e.ends_at < now for e in events.values()) == 4
    assert sum(e.starts_at > now for e in events.values()) == 6
    assert [e.recording_url != "" for e in events.values()].count(True) == 1
    assert events["past-webinar"].recording_url
    assert {e.registration_mode for e in events.values()} == {"open", "approval", "closed"}
    cancelled = [e for e in events.values() if e.cancelled_at is not None]
    assert [key_of(e) for e in cancelled] == ["cancelled-webinar"]
    assert cancelled[0].cancellation_reason
    review = events["community-review"]
    assert review.status == ModerationStatus.NEEDS_REVIEW
    assert review.organiser_organisation is None
    assert review.organiser_partnership is None
    assert review.created_by is not None
    assert not review.created_by.is_staff
    assert review.city == "Bilbao"
    assert all(
        e.status == ModerationStatus.PUBLISHED for k, e in events.items() if k != "community-review"
    )
    # Organisations' and partnerships' real names appear where they organise.
    anna_org = OrganisationMembership.objects.get(user__email=ANNA, role="admin").organisation
    assert anna_org.name in events["past-webinar"].title
    assert events["past-conference"].organiser_partnership is not None
    assert events["past-conference"].city == anna_org.city


def test_the_demo_events_are_consistent(seeded):
    now = timezone.now()
    for event in demo():
        assert event.ends_at > event.starts_at
        assert event.created_at <= min(now, event.starts_at)
        registered = event.registrations.filter(status="registered").count()
        if event.capacity is not None:
            assert registered <= event.capacity, event.slug
        # Hosts organise the event: its organisation's (or its partnership's coordinator's)
        # admins and editors, or staff.
        for person in event.people.filter(role="host").select_related("user"):
            assert event_can_manage(person.user, event), (event.slug, person.user)
        if event.organiser_organisation_id or event.organiser_partnership_id:
            assert event.people.filter(role="host").exists(), event.slug
        # Hosts and speakers do not also hold a seat as attendees, except Anna (below).
        seats = set(event.registrations.values_list("user_id", flat=True))
        people = set(event.people.values_list("user_id", flat=True))
        assert seats & people <= set(User.objects.filter(email=ANNA).values_list("pk", flat=True))
        for span in event.attendance.all():
            assert span.left_at is not None
            assert span.left_at > span.joined_at
            assert event.starts_at - timezone.timedelta(minutes=15) <= span.joined_at
            assert span.left_at <= event.ends_at + timezone.timedelta(minutes=30)
            assert event.registrations.filter(user_id=span.user_id, status="registered").exists()
    # Upvote counts agree with the upvotes; votes belong to their poll's options.
    for question in Question.objects.annotate(n=Count("upvotes")):
        assert question.upvote_count == question.n
    assert not PollVote.objects.exclude(option__poll=F("poll")).exists()


def test_one_stage_room_and_one_video_room_are_open_now_with_life_in_them(seeded):
    events = {key_of(e): e for e in demo()}
    open_now = [key_of(e) for e in demo() if room_is_open(e)]
    assert sorted(open_now) == ["live-meeting", "live-webinar"]
    live = events["live-webinar"]
    assert live.room_format == "stage"
    assert timezone.now() - live.starts_at < timezone.timedelta(minutes=15)
    assert "youtube.com" in live.stream_url
    assert live.people.filter(role="host").exists()
    assert live.people.filter(role="speaker").exists()
    assert live.speakers.count() >= 2
    assert ChatMessage.objects.filter(event=live).count() >= 5
    questions = Question.objects.filter(event=live)
    assert questions.filter(anonymous=True).exists()
    assert questions.filter(answered_at__isnull=False).exists()
    assert questions.filter(answered_at__isnull=True).exists()
    assert QuestionUpvote.objects.filter(question__event=live).exists()
    poll = Poll.objects.get(event=live, status="open")
    assert poll.votes.count() >= 5
    assert HandRaise.objects.filter(event=live, status="raised").exists()
    assert all(m.created_at <= timezone.now() for m in ChatMessage.objects.filter(event=live))
    assert all(q.created_at <= timezone.now() for q in questions)
    meeting = events["live-meeting"]
    assert meeting.room_format == "video"
    assert meeting.registrations.filter(status="registered").count() + meeting.people.count() <= 8


def test_anna_organises_events_and_is_registered_to_others(seeded):
    anna = User.objects.get(email=ANNA)
    events = {key_of(e): e for e in demo()}
    organised = {key_of(e) for e in demo() if event_can_manage(anna, e)}
    assert {"past-webinar", "live-webinar", "upcoming-approval"} <= organised
    registered = set(
        Registration.objects.filter(user=anna, status="registered").values_list(
            "event__slug", flat=True
        )
    )
    assert events["live-webinar"].slug in registered
    assert events["upcoming-open"].slug in registered
    assert room_role(anna, events["live-webinar"]) == RoomRole.HOST
    assert room_role(anna, events["live-meeting"]) == RoomRole.ATTENDEE
    # She sees the published ones, not the one awaiting review.
    visible = {key_of(e) for e in event_list_for(anna)}
    assert "community-review" not in visible
    assert "live-webinar" in visible


def test_registration_states_of_the_upcoming_events(seeded):
    events = {key_of(e): e for e in demo()}

    def states(key: str) -> Counter:
        return Counter(events[key].registrations.values_list("status", flat=True))

    approval = states("upcoming-approval")
    assert approval["pending"] >= 3
    assert approval["registered"] >= 1
    full = events["upcoming-full"]
    assert states("upcoming-full")["registered"] == full.capacity
    assert states("upcoming-full")["waitlisted"] >= 2
    assert events["upcoming-closed"].registration_mode == "closed"


def test_past_attendance_has_report_groups_of_five_or_more(seeded):
    events = {key_of(e): e for e in demo()}
    for key in ("past-webinar", "past-seminar", "past-matchmaking"):
        people = set(AttendanceSpan.objects.filter(event=events[key]).values_list("user_id"))
        assert 20 <= len(people) <= 60, (key, len(people))
    webinar = events["past-webinar"]
    attendees = User.objects.filter(
        pk__in=AttendanceSpan.objects.filter(event=webinar).values("user_id")
    )
    memberships = OrganisationMembership.objects.filter(user__in=attendees).select_related(
        "organisation"
    )
    by_country = Counter(str(m.organisation.country) for m in memberships)
    by_type = Counter(m.organisation.type for m in memberships)
    by_ecosystem = Counter(
        m.organisation.primary_ecosystem_id
        for m in memberships
        if m.organisation.primary_ecosystem_id
    )
    assert sum(n >= 5 for n in by_country.values()) >= 2, by_country
    assert max(by_type.values()) >= 5, by_type
    assert len(by_type) >= 2
    assert max(by_ecosystem.values()) >= 5, by_ecosystem
    # Someone reconnected (two spans), and questions were answered and not.
    spans = Counter(AttendanceSpan.objects.filter(event=webinar).values_list("user_id", flat=True))
    assert max(spans.values()) == 2
    assert webinar.questions.filter(answered_at__isnull=False).exists()
    assert webinar.questions.filter(answered_at__isnull=True).exists()


def test_seeding_the_events_again_gives_the_same_events(seeded):
    first = fingerprint()
    users = User.objects.count()
    demo_events(seed=7, progress=lambda _text: None)
    assert fingerprint() == first
    assert User.objects.count() == users
    assert EventPerson.objects.count() == sum(e.people.count() for e in demo())
