"""Reviewer findings on suggestions and participants, through the REST API and the pages:
a fresh or small installation (no listings, nothing at all) gets answers instead of a 500;
"why not?" does not name a withdrawn participant; closed or expired listings leave the
participants' cards and the reasons; the count of participants answering one's needs is only
for those who may browse the event's participants."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from matchmaking.models import MeetingSlot, Participant
from matchmaking.suggest import text
from tests.factories import (
    EventFactory,
    ListingFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)
from tests.matchmaking.agenda_world import World, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

API = "/api/v1/matchmaking/suggestions/"
WHY = "/api/v1/matchmaking/suggestions/why-not/"
PAGE = "/matchmaking/suggestions/"
KINDS = ("organisations", "listings", "participants", "events")


@pytest.fixture(autouse=True)
def _fresh_index():
    text.forget()
    yield
    text.forget()


def _get(client, user, url, **params):
    client.force_authenticate(user)
    return client.get(url, params)


def _fair(**extra):
    """A matchmaking event in two hours with four meeting slots."""
    start = timezone.now().replace(microsecond=0) + dt.timedelta(hours=2)
    event = EventFactory(
        kind="matchmaking", starts_at=start, ends_at=start + dt.timedelta(hours=2), **extra
    )
    for n in range(4):
        MeetingSlot.objects.create(
            event=event,
            starts_at=start + dt.timedelta(minutes=20 * n),
            ends_at=start + dt.timedelta(minutes=20 * (n + 1)),
        )
    return event


# --- 1. A fresh or small installation ---------------------------------------------------


def test_organisations_without_any_listing_get_answers(api_client, client, ecosystems):
    mine = OrganisationFactory(name="Hydrogen Valley", description="Electrolysers.")
    anna = MembershipFactory(organisation=mine, role="admin").user
    other = OrganisationFactory(name="Electrolyser Lab", description="Electrolysers tested.")
    fair = _fair(organiser_organisation=other)
    Participant.objects.create(event=fair, user=anna, organisation=mine, looking_for="tests")
    bruno = Participant.objects.create(
        event=fair,
        user=MembershipFactory(organisation=other).user,
        organisation=other,
        offer="electrolyser tests",
    )
    for kind in KINDS:
        response = _get(api_client, anna, API, kind=kind, event=fair.slug)
        assert response.status_code == 200, (kind, response.content[:300])
    organisations = _get(api_client, anna, API, kind="organisations").json()["results"]
    assert [r["id"] for r in organisations] == [other.pk]  # similar profiles
    for kind, target in (("organisations", other.pk), ("events", fair.pk)):
        assert _get(api_client, anna, WHY, kind=kind, id=target).status_code == 200, kind
    why = _get(api_client, anna, WHY, kind="participants", id=bruno.pk, event=fair.slug)
    assert why.status_code == 200
    client.force_login(anna)
    for kind in KINDS:
        assert client.get(PAGE, {"kind": kind}).status_code == 200, kind


def test_nothing_at_all_gets_answers(api_client, client):
    someone = UserFactory()
    for kind in KINDS:
        response = _get(api_client, someone, API, kind=kind)
        assert response.status_code == 200, (kind, response.content[:300])
        assert response.json()["results"] == []
    client.force_login(someone)
    for kind in KINDS:
        assert client.get(PAGE, {"kind": kind}).status_code == 200, kind


def test_participants_without_organisations_or_listings_get_answers(api_client):
    fair = _fair(organiser_organisation=None)
    anna, bruno = UserFactory(), UserFactory()
    Participant.objects.create(event=fair, user=anna, looking_for="electrolyser tests")
    other = Participant.objects.create(event=fair, user=bruno, offer="electrolyser tests")
    response = _get(api_client, anna, API, kind="participants", event=fair.slug)
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [other.pk]
    why = _get(api_client, anna, WHY, kind="participants", id=other.pk, event=fair.slug)
    assert why.status_code == 200
    assert why.json()["suggested"] is True
    assert _get(api_client, anna, API, kind="events").status_code == 200


# --- 2. Why-not and a withdrawn participant ---------------------------------------------


def test_why_not_does_not_name_a_withdrawn_participant(api_client):
    fair = _fair()
    anna = UserFactory()
    Participant.objects.create(event=fair, user=anna, looking_for="electrolyser tests")
    gone = Participant.objects.create(
        event=fair,
        user=UserFactory(full_name="Wilhelmina Withdrawn"),
        offer="electrolyser tests",
        withdrawn_at=timezone.now(),
    )
    response = _get(api_client, anna, WHY, kind="participants", id=gone.pk, event=fair.slug)
    assert response.status_code == 404
    assert "Wilhelmina" not in response.content.decode()


# --- 3. Closed or expired listings ------------------------------------------------------


def test_closed_or_expired_listings_leave_the_participant_cards(world: World, api_client, client):
    anna = world.participant(world.anna)
    live = ListingFactory(organisation=anna.organisation, title="Live listing of Anna")
    closed = ListingFactory(organisation=anna.organisation, title="Closed listing of Anna")
    expired = ListingFactory(organisation=anna.organisation, title="Expired listing of Anna")
    anna.listings.add(live, closed, expired)
    closed.status = "closed"
    closed.save()
    expired.valid_until = timezone.localdate() - dt.timedelta(days=1)
    expired.save()

    def titles(body):
        return [row["title"] for row in body["listings"]]

    api_client.force_authenticate(world.marc)
    assert titles(api_client.get(f"/api/v1/matchmaking/participants/{anna.pk}/").json()) == [
        "Live listing of Anna"
    ]
    rows = api_client.get("/api/v1/matchmaking/events/matchmaking-days/participants/").json()
    card = next(row for row in rows["results"] if row["id"] == anna.pk)
    assert titles(card) == ["Live listing of Anna"]
    api_client.force_authenticate(world.anna)
    me = api_client.get("/api/v1/matchmaking/events/matchmaking-days/participants/me/")
    assert titles(me.json()) == ["Live listing of Anna"]
    client.force_login(world.marc)
    page = client.get(f"/matchmaking/matchmaking-days/participants/{anna.pk}/").content.decode()
    assert "Live listing of Anna" in page
    assert "Closed listing of Anna" not in page
    assert "Expired listing of Anna" not in page


def test_a_closed_listing_is_no_reason_to_meet(api_client):
    fair = _fair()
    anna = UserFactory()
    Participant.objects.create(event=fair, user=anna, looking_for="hydrogen test bench")
    bruno_org = OrganisationFactory(name="Test Centre")
    bruno = MembershipFactory(organisation=bruno_org).user
    other = Participant.objects.create(
        event=fair, user=bruno, organisation=bruno_org, offer="Consulting"
    )
    bench = ListingFactory(
        organisation=bruno_org, kind="offer", title="Hydrogen test bench for stacks"
    )
    other.listings.add(bench)
    ListingFactory(title="Tourism partners", description="Hotels wanted.")
    before = _get(api_client, anna, API, kind="participants", event=fair.slug).json()
    assert "Hydrogen test bench for stacks" in str(before["results"])  # the control
    bench.status = "closed"
    bench.save()
    after = _get(api_client, anna, API, kind="participants", event=fair.slug).json()
    assert "Hydrogen test bench for stacks" not in str(after["results"])
    why = _get(api_client, anna, WHY, kind="participants", id=other.pk, event=fair.slug).json()
    assert "Hydrogen test bench for stacks" not in str(why)


# --- 4. The count of answering participants ---------------------------------------------


def test_answering_participants_are_counted_only_for_who_may_browse_them(api_client):
    anna_org = OrganisationFactory(name="Electrolyser Makers")
    anna = MembershipFactory(organisation=anna_org, role="admin").user
    ListingFactory(
        organisation=anna_org,
        author=anna,
        kind="demand",
        title="Testing capacity for PEM electrolysers",
        description="Independent testing capacity and durability runs for electrolysers.",
    )
    for n in range(4):
        ListingFactory(title=f"Partner search {n} for tourism", description="Hotels wanted.")
    soon = timezone.now() + dt.timedelta(days=5)
    fair = EventFactory(
        kind="matchmaking",
        title="B2B day",
        summary="Meetings.",
        description="",
        starts_at=soon,
        ends_at=soon + dt.timedelta(hours=4),
    )
    bruno_org = OrganisationFactory(name="Hydrogen Test Centre")
    Participant.objects.create(
        event=fair,
        user=MembershipFactory(organisation=bruno_org).user,
        organisation=bruno_org,
        offer="Electrolyser test bench: testing capacity and durability runs for PEM stacks.",
    )

    def codes(user):
        results = _get(api_client, user, API, kind="events").json()["results"]
        mine = [r for r in results if r["id"] == fair.pk]
        return [r["code"] for r in mine[0]["reasons"]] if mine else []

    assert "event_matchmaking" not in codes(anna)  # an outsider to the event
    Participant.objects.create(event=fair, user=anna, organisation=anna_org)
    assert "event_matchmaking" in codes(anna)  # a participant may browse them
    withdrawn = Participant.objects.get(event=fair, user=anna)
    withdrawn.withdrawn_at = timezone.now()
    withdrawn.save()
    assert "event_matchmaking" not in codes(anna)  # withdrawn: an outsider again
