"""Participants: made from a registration and prefilled from the organisation, edited by
their owner, browsed and filtered by the event's participants, organisers and staff only."""

from __future__ import annotations

import pytest

from matchmaking.models import Participant
from messaging.services.listings import listing_close, listing_reopen
from tests.factories import EventFactory, ListingFactory, RegistrationFactory, UserFactory
from tests.matchmaking.agenda_world import World, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

LIST = "/api/v1/matchmaking/events/matchmaking-days/participants/"
ME = "/api/v1/matchmaking/events/matchmaking-days/participants/me/"


def _names(response) -> list[str]:
    return [row["name"] for row in response.json()["results"]]


def test_registering_makes_a_participant_prefilled_from_the_organisation(world: World):
    anna = world.participant(world.anna)
    assert anna.organisation.name == "Hydrogène Valley"
    assert anna.headline == "Hydrogène Valley"
    assert anna.country == "FR"
    assert anna.organisation_type == "cluster"
    assert anna.looking_for == "Partners for electrolysers"
    assert [e.slug for e in anna.ecosystems.all()] == ["energy-renewables"]
    assert "hydrogene valley" in anna.search_text  # folded
    assert anna.withdrawn_at is None


def test_a_webinar_registration_or_a_pending_one_makes_no_participant(world: World):
    RegistrationFactory(event=EventFactory(), user=world.outsider)
    RegistrationFactory(event=world.event, user=world.outsider, status="pending")
    assert not Participant.objects.filter(user=world.outsider).exists()


def test_ending_the_registration_withdraws_and_coming_back_restores_the_edits(
    world: World, api_client
):
    api_client.force_authenticate(world.anna)
    assert api_client.patch(ME, {"offer": "Test benches"}, format="json").status_code == 200
    registration = world.event.registrations.get(user=world.anna)
    registration.status = "cancelled"
    registration.save()
    assert world.participant(world.anna).withdrawn_at is not None
    api_client.force_authenticate(world.marc)
    assert _names(api_client.get(LIST)) == ["Marc Weber"]
    api_client.force_authenticate(world.anna)
    assert api_client.get(ME).status_code == 404
    assert api_client.get(LIST).status_code == 404
    registration.status = "registered"
    registration.save()
    anna = world.participant(world.anna)
    assert anna.withdrawn_at is None
    assert anna.offer == "Test benches"


@pytest.mark.parametrize(
    ("who", "code"),
    [("anna", 200), ("organiser", 200), ("staff", 200), ("outsider", 404), (None, 401)],
)
def test_who_may_browse(world: World, api_client, who, code):
    if who:
        api_client.force_authenticate(getattr(world, who))
    assert api_client.get(LIST).status_code in {code, 403 if code == 401 else code}
    marc = world.participant(world.marc)
    detail = api_client.get(f"/api/v1/matchmaking/participants/{marc.pk}/")
    assert detail.status_code in {code, 403 if code == 401 else code}
    if code == 200:
        assert detail.json()["name"] == "Marc Weber"


def test_a_withdrawn_participant_is_hidden_from_others(world: World, api_client):
    marc = world.participant(world.marc)
    registration = world.event.registrations.get(user=world.marc)
    registration.status = "cancelled"
    registration.save()
    api_client.force_authenticate(world.anna)
    assert api_client.get(f"/api/v1/matchmaking/participants/{marc.pk}/").status_code == 404


def test_a_webinar_has_no_participant_list(world: World, api_client):
    webinar = EventFactory(slug="a-webinar")
    RegistrationFactory(event=webinar, user=world.anna)
    api_client.force_authenticate(world.staff)
    assert api_client.get("/api/v1/matchmaking/events/a-webinar/participants/").status_code == 404


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("", ["Anna Dupont", "Marc Weber"]),
        ("?q=HYDROGENE", ["Anna Dupont"]),
        ("?q=weber", ["Marc Weber"]),
        ("?ecosystem=agri-food", ["Marc Weber"]),
        ("?country=fr", ["Anna Dupont"]),
        ("?organisation_type=cluster_member", ["Marc Weber"]),
        ("?looking_for=électrolyseurs", []),
        ("?looking_for=ELECTROLYSERS", ["Anna Dupont"]),
        ("?offers=benches", ["Marc Weber"]),
    ],
)
def test_filters(world: World, api_client, query, names):
    api_client.force_authenticate(world.marc)
    assert api_client.patch(ME, {"offer": "Test benches"}, format="json").status_code == 200
    api_client.force_authenticate(world.organiser)
    response = api_client.get(LIST + query)
    assert response.status_code == 200
    assert sorted(_names(response)) == names


def test_the_list_reads_in_as_many_queries_for_two_or_twelve(world: World, api_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api_client.force_authenticate(world.anna)
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert api_client.get(LIST).status_code == 200
        counts.append(len(queries))
        for _ in range(10):
            RegistrationFactory(event=world.event, user=UserFactory())
    assert counts[0] == counts[1] <= 15
    assert api_client.get(LIST).json()["count"] == 22


def test_editing_my_profile_and_attaching_listings(world: World, api_client):
    anna = world.participant(world.anna)
    mine = ListingFactory(organisation=anna.organisation, title="Electrolyser test bench")
    closed = ListingFactory(organisation=anna.organisation, status="closed")
    theirs = ListingFactory()
    api_client.force_authenticate(world.anna)
    response = api_client.put(
        ME,
        {
            "headline": "Hydrogen for ports",
            "offer": "Test benches",
            "looking_for": "Ports",
            "ecosystems": ["energy-renewables", "mobility-transport-automotive"],
            "listings": [mine.pk],
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["headline"] == "Hydrogen for ports"
    assert body["is_me"] is True
    assert body["ecosystems"] == ["energy-renewables", "mobility-transport-automotive"]
    assert [row["title"] for row in body["listings"]] == ["Electrolyser test bench"]
    assert "electrolyser test bench" in world.participant(world.anna).search_text
    for wrong in (closed, theirs):
        response = api_client.patch(ME, {"listings": [wrong.pk]}, format="json")
        assert response.status_code == 400
        assert "listings" in response.json()["error"]["fields"]
    assert [listing.pk for listing in world.participant(world.anna).listings.all()] == [mine.pk]


def test_a_closed_listing_no_longer_finds_its_participant(world: World, api_client):
    anna = world.participant(world.anna)
    mine = ListingFactory(
        organisation=anna.organisation, title="Quokka tidal rig", author=world.anna
    )
    api_client.force_authenticate(world.anna)
    assert api_client.patch(ME, {"listings": [mine.pk]}, format="json").status_code == 200
    api_client.force_authenticate(world.marc)
    found = api_client.get(f"{LIST}?q=quokka").json()
    assert [row["id"] for row in found["results"]] == [anna.pk]
    listing_close(listing=mine, user=world.anna)
    assert "quokka" not in world.participant(world.anna).search_text
    assert api_client.get(f"{LIST}?q=quokka").json()["results"] == []
    listing_reopen(listing=mine, user=world.anna)
    assert "quokka tidal rig" in world.participant(world.anna).search_text


def test_only_a_participant_has_a_profile_to_edit(world: World, api_client):
    api_client.force_authenticate(world.organiser)
    assert api_client.get(ME).status_code == 404
    assert api_client.patch(ME, {"offer": "x"}, format="json").status_code == 404


# --- pages ------------------------------------------------------------------------------


def test_the_participants_page_lists_and_filters(world: World, client):
    anna, marc = world.participant(world.anna), world.participant(world.marc)
    client.force_login(world.organiser)
    page = client.get("/matchmaking/matchmaking-days/").content.decode()
    assert f"/participants/{anna.pk}/" in page
    assert f"/participants/{marc.pk}/" in page
    page = client.get("/matchmaking/matchmaking-days/?country=DE").content.decode()
    assert f"/participants/{marc.pk}/" in page
    assert f"/participants/{anna.pk}/" not in page
    client.force_login(world.outsider)
    assert client.get("/matchmaking/matchmaking-days/").status_code == 404


def test_the_profile_page_saves_my_edits(world: World, client):
    client.force_login(world.anna)
    assert client.get("/matchmaking/matchmaking-days/me/").status_code == 200
    response = client.post(
        "/matchmaking/matchmaking-days/me/",
        {
            "headline": "Ports",
            "offer": "Test benches",
            "looking_for": "",
            "ecosystems": ["digital"],
        },
    )
    assert response.status_code == 302
    anna = world.participant(world.anna)
    assert (anna.headline, anna.offer, anna.looking_for) == ("Ports", "Test benches", "")
    assert [e.slug for e in anna.ecosystems.all()] == ["digital"]
    client.force_login(world.outsider)
    assert client.get("/matchmaking/matchmaking-days/me/").status_code == 404


def test_the_detail_page_of_a_participant(world: World, client):
    marc = world.participant(world.marc)
    url = f"/matchmaking/matchmaking-days/participants/{marc.pk}/"
    client.force_login(world.anna)
    page = client.get(url).content.decode()
    assert "Marc Weber" in page
    # The prefilled headline is the organisation's name: said once, not twice.
    assert marc.headline == "Agri Nord"
    assert page.count("Agri Nord") == 1
    client.force_login(world.marc)
    assert "Edit my profile" in client.get(url).content.decode()
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404
    # Under another event's address: 404 too.
    client.force_login(world.anna)
    assert client.get(f"/matchmaking/other/participants/{marc.pk}/").status_code == 404


def test_the_event_page_links_to_the_matchmaking_pages(world: World, client):
    client.force_login(world.anna)
    page = client.get("/events/matchmaking-days/").content.decode()
    assert 'href="/matchmaking/matchmaking-days/"' in page
    assert 'href="/matchmaking/matchmaking-days/agenda/"' in page
    client.force_login(world.outsider)
    page = client.get("/events/matchmaking-days/").content.decode()
    assert "/matchmaking/matchmaking-days/" not in page
