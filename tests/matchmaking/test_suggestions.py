"""Suggestions through the REST API and the pages: what is suggested, with which reasons,
what is left out (own organisation, blocked people, unpublished or closed things, people who
said no thanks or have no free slot in common) and "why not?" for each of those."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from community.models import ModerationStatus, PartnershipMembership
from matchmaking.models import Booking, BookingKind, MeetingSlot, NoThanks, Participant
from matchmaking.suggest import text
from messaging.services.blocks import user_block
from tests.factories import (
    EventFactory,
    ListingFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    RegistrationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

API = "/api/v1/matchmaking/suggestions/"
WHY = "/api/v1/matchmaking/suggestions/why-not/"


@pytest.fixture(autouse=True)
def _fresh_index():
    text.forget()
    yield
    text.forget()


@pytest.fixture
def world(ecosystems):
    """Anna's organisation needs electrolyser testing; Bruno's offers a hydrogen test bench
    (other words, some shared stems); Carla's offers textile design (nothing in common)."""
    anna_org = OrganisationFactory(
        name="Electrolyser Makers", country="DE", description="Makers of PEM electrolysers."
    )
    anna = MembershipFactory(organisation=anna_org, role="admin").user
    demand = ListingFactory(
        organisation=anna_org,
        author=anna,
        kind="demand",
        title="Testing capacity for PEM electrolysers",
        description="Our members need independent testing capacity and durability runs for "
        "their electrolysers before the pilots.",
    )
    bruno_org = OrganisationFactory(
        name="Hydrogen Test Centre", country="ES", description="A hydrogen laboratory."
    )
    bruno = MembershipFactory(organisation=bruno_org, role="admin").user
    offer = ListingFactory(
        organisation=bruno_org,
        author=bruno,
        kind="offer",
        title="Hydrogen test bench with stack characterisation",
        description="Our test bench characterises electrolyser stacks: polarisation curves and "
        "long degradation campaigns.",
    )
    carla_org = OrganisationFactory(
        name="Moda Lab",
        country="IT",
        description="Fashion studios.",
        primary_ecosystem_id="textiles",
    )
    carla = MembershipFactory(organisation=carla_org, role="admin").user
    unrelated = ListingFactory(
        organisation=carla_org,
        author=carla,
        kind="offer",
        title="Textile pattern design for fashion brands",
        description="Patterns, colours and prints for small fashion labels.",
    )
    for n in range(6):  # other texts, so the weights mean something
        ListingFactory(
            title=f"Partner search {n} for a tourism project",
            description="Hotels and destinations wanted for a joint programme.",
        )
    return {
        "anna": anna,
        "anna_org": anna_org,
        "demand": demand,
        "bruno": bruno,
        "bruno_org": bruno_org,
        "offer": offer,
        "carla_org": carla_org,
        "unrelated": unrelated,
    }


def _get(client, user, url, **params):
    client.force_authenticate(user)
    return client.get(url, params)


def test_a_demand_is_answered_by_an_offer_in_other_words_with_its_reason(api_client, world):
    response = _get(api_client, world["anna"], API, kind="listings")
    assert response.status_code == 200
    results = response.json()["results"]
    assert results[0]["id"] == world["offer"].pk
    reason = results[0]["reasons"][0]
    assert reason["code"] == "offer_answers_demand"
    assert reason["params"] == {
        "theirs": "Hydrogen test bench with stack characterisation",
        "yours": "Testing capacity for PEM electrolysers",
    }
    assert "Hydrogen test bench with stack characterisation" in reason["text"]
    assert all(r["reasons"] for r in results)
    assert world["unrelated"].pk not in [r["id"] for r in results[:1]]
    # The other side sees the demand that wants its offer.
    back = _get(api_client, world["bruno"], API, kind="listings").json()["results"]
    assert back[0]["id"] == world["demand"].pk
    assert back[0]["reasons"][0]["code"] == "demand_wants_offer"


def test_organisations_exclude_my_own_and_explain_it(api_client, world):
    results = _get(api_client, world["anna"], API, kind="organisations").json()["results"]
    ids = [r["id"] for r in results]
    assert ids[0] == world["bruno_org"].pk
    assert world["anna_org"].pk not in ids
    assert all(r["reasons"] for r in results)
    why = _get(api_client, world["anna"], WHY, kind="organisations", id=world["anna_org"].pk)
    assert why.status_code == 200
    assert [r["code"] for r in why.json()["reasons"]] == ["own_organisation"]
    suggested = _get(api_client, world["anna"], WHY, kind="organisations", id=world["bruno_org"].pk)
    assert suggested.json()["suggested"] is True
    assert suggested.json()["rank"] == 1


def test_the_page_s_own_object_is_left_out_and_the_list_keeps_its_length(api_client, world):
    full = _get(api_client, world["anna"], API, kind="organisations", limit=3).json()["results"]
    assert len(full) >= 2
    first = full[0]["id"]
    rest = _get(api_client, world["anna"], API, kind="organisations", limit=2, exclude=first)
    assert [r["id"] for r in rest.json()["results"]] == [r["id"] for r in full[1:3]]
    assert _get(api_client, world["anna"], API, exclude="x").status_code == 400


def test_shared_partnership_ecosystem_and_target_country_are_reasons(api_client, world):
    partnership = PartnershipFactory(name="Hydrogen Valleys Partnership")
    for org in (world["anna_org"], world["carla_org"]):
        PartnershipMembership.objects.create(partnership=partnership, organisation=org)
    wanting = ListingFactory(
        organisation=world["carla_org"],
        kind="demand",
        title="Buyers for our collection",
        description="Shops and agents.",
        target_countries=["DE"],
    )
    results = _get(api_client, world["anna"], API, kind="organisations").json()["results"]
    carla = next(r for r in results if r["id"] == world["carla_org"].pk)
    codes = {r["code"]: r for r in carla["reasons"]}
    assert codes["same_partnership"]["params"] == {"partnership": "Hydrogen Valleys Partnership"}
    assert codes["wants_your_country"]["params"] == {"country": "DE"}
    assert "Germany" in codes["wants_your_country"]["text"]
    bruno = next(r for r in results if r["id"] == world["bruno_org"].pk)
    assert {"code": "same_ecosystem", "params": {"ecosystem": "digital"}} in [
        {"code": r["code"], "params": r["params"]} for r in bruno["reasons"]
    ]
    listings = _get(api_client, world["anna"], API, kind="listings").json()["results"]
    assert wanting.pk in [r["id"] for r in listings]


def test_a_blocked_person_is_not_suggested_and_why_not_says_so(api_client, world):
    user_block(blocker=world["bruno"], blocked=world["anna"])
    orgs = _get(api_client, world["anna"], API, kind="organisations").json()["results"]
    listings = _get(api_client, world["anna"], API, kind="listings").json()["results"]
    assert world["bruno_org"].pk not in [r["id"] for r in orgs]
    assert world["offer"].pk not in [r["id"] for r in listings]
    why = _get(api_client, world["anna"], WHY, kind="listings", id=world["offer"].pk).json()
    assert [r["code"] for r in why["reasons"]] == ["blocked"]


def test_unpublished_and_closed_things_are_not_suggested(api_client, world):
    world["offer"].status = "closed"
    world["offer"].save()
    hidden = OrganisationFactory(status=ModerationStatus.DRAFT, description="PEM electrolysers")
    listings = _get(api_client, world["anna"], API, kind="listings").json()["results"]
    assert world["offer"].pk not in [r["id"] for r in listings]
    orgs = _get(api_client, world["anna"], API, kind="organisations").json()["results"]
    assert hidden.pk not in [r["id"] for r in orgs]
    # A draft the person may not see answers 404, its existence does not leak.
    assert (
        _get(api_client, world["anna"], WHY, kind="organisations", id=hidden.pk).status_code == 404
    )
    # A closed listing she may not see: 404 too; its author sees it is closed.
    assert (
        _get(api_client, world["anna"], WHY, kind="listings", id=world["offer"].pk).status_code
        == 404
    )


def test_no_common_ground_and_ranked_lower_are_explained(api_client, world):
    lonely = OrganisationFactory(
        name="Lonely", primary_ecosystem_id="tourism", description="Ski school.", country="NO"
    )
    why = _get(api_client, world["anna"], WHY, kind="organisations", id=lonely.pk).json()
    assert why["suggested"] is False
    assert [r["code"] for r in why["reasons"]] == ["no_common_ground"]


def test_the_index_is_rebuilt_when_listings_change(api_client, world):
    before = _get(api_client, world["anna"], API, kind="listings").json()["results"]
    fresh = ListingFactory(
        kind="offer",
        title="Durability testing of PEM electrolyser stacks",
        description="Independent testing capacity for electrolysers, durability runs.",
    )
    after = _get(api_client, world["anna"], API, kind="listings").json()["results"]
    assert fresh.pk not in [r["id"] for r in before]
    assert fresh.pk in [r["id"] for r in after[:2]]


@pytest.fixture
def fair(world):
    """A matchmaking event with four slots and participants from the world's organisations."""
    start = timezone.now().replace(microsecond=0) + dt.timedelta(hours=2)
    event = EventFactory(kind="matchmaking", starts_at=start, ends_at=start + dt.timedelta(hours=2))
    slots = [
        MeetingSlot.objects.create(
            event=event,
            starts_at=start + dt.timedelta(minutes=20 * n),
            ends_at=start + dt.timedelta(minutes=20 * (n + 1)),
        )
        for n in range(4)
    ]

    def join(user, org, offer, looking_for):
        return Participant.objects.create(
            event=event, user=user, organisation=org, offer=offer, looking_for=looking_for
        )

    me = join(world["anna"], world["anna_org"], "PEM stacks", "testing capacity for electrolysers")
    bench = join(
        world["bruno"], world["bruno_org"], "Electrolyser test bench, stack testing", "customers"
    )
    colleague = join(
        MembershipFactory(organisation=world["anna_org"]).user,
        world["anna_org"],
        "electrolyser testing",
        "PEM stacks",
    )
    rude = join(UserFactory(), world["bruno_org"], "electrolyser testing bench", "PEM stacks")
    NoThanks.objects.create(participant=me, other=rude)
    busy_user = UserFactory()
    busy = join(busy_user, world["carla_org"], "testing of electrolysers", "PEM stacks")
    for slot in slots:  # busy at every slot (sessions of the programme)
        Booking.objects.create(
            user=busy_user,
            event=event,
            kind=BookingKind.SESSION,
            session=EventFactory(),
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
        )
    return {"event": event, "me": me, "bench": bench, "colleague": colleague, "rude": rude,
            "busy": busy}  # fmt: skip


def test_participants_to_meet_with_reasons_and_why_not(api_client, world, fair):
    anna = world["anna"]
    response = _get(api_client, anna, API, kind="participants", event=fair["event"].slug)
    body = response.json()
    assert body["event"] == fair["event"].slug
    ids = [r["id"] for r in body["results"]]
    assert ids == [fair["bench"].pk]
    codes = [r["code"] for r in body["results"][0]["reasons"]]
    assert "offer_meets_need" in codes
    assert codes[-1] == "free_slots"

    def why(participant):
        answer = _get(api_client, anna, WHY, kind="participants", id=participant.pk,
                      event=fair["event"].slug)  # fmt: skip
        return [r["code"] for r in answer.json()["reasons"]]

    assert why(fair["colleague"]) == ["own_organisation"]
    assert why(fair["rude"]) == ["said_no_thanks"]
    assert why(fair["busy"]) == ["no_free_slot"]
    # Someone at another event is not someone she may ask about here.
    other = Participant.objects.create(event=EventFactory(kind="matchmaking"), user=UserFactory())
    assert (
        _get(
            api_client, anna, WHY, kind="participants", id=other.pk, event=fair["event"].slug
        ).status_code
        == 404
    )


def test_participants_need_a_participation(api_client, world):
    body = _get(api_client, world["anna"], API, kind="participants").json()
    assert body["results"] == []
    assert body["note"]["code"] == "not_participant"


def test_events_to_attend_with_reasons(api_client, world):
    soon = timezone.now() + dt.timedelta(days=3)
    other_org = OrganisationFactory()
    upcoming = EventFactory(
        title="Green hydrogen testing day",
        organiser_organisation=other_org,
        starts_at=soon,
        ends_at=soon + dt.timedelta(hours=2),
        country="DE",
    )
    upcoming.ecosystems.set(["digital"])
    registered = EventFactory(
        organiser_organisation=other_org, starts_at=soon, ends_at=soon + dt.timedelta(hours=1)
    )
    registered.ecosystems.set(["digital"])
    RegistrationFactory(event=registered, user=world["anna"])
    past = EventFactory(organiser_organisation=other_org)
    past.starts_at = timezone.now() - dt.timedelta(days=2)
    past.ends_at = past.starts_at + dt.timedelta(hours=1)
    past.save()
    draft = EventFactory(organiser_organisation=other_org, status=ModerationStatus.DRAFT)
    results = _get(api_client, world["anna"], API, kind="events").json()["results"]
    assert results[0]["id"] == upcoming.pk
    codes = {r["code"] for r in results[0]["reasons"]}
    assert {"event_ecosystem", "event_country"} <= codes
    assert registered.pk not in [r["id"] for r in results]

    def why(event):
        return _get(api_client, world["anna"], WHY, kind="events", id=event.pk)

    assert [r["code"] for r in why(registered).json()["reasons"]] == ["already_registered"]
    assert [r["code"] for r in why(past).json()["reasons"]] == ["past_event"]
    assert why(draft).status_code == 404


def test_signed_in_only(api_client, world, client):
    assert api_client.get(API).status_code in (401, 403)
    assert api_client.get(WHY, {"kind": "events", "id": 1}).status_code in (401, 403)
    assert client.get("/matchmaking/suggestions/").status_code == 302


def test_bad_parameters_answer_400(api_client, world):
    assert _get(api_client, world["anna"], API, kind="people").status_code == 400
    assert _get(api_client, world["anna"], WHY, kind="listings", id="x").status_code == 400


def test_the_pages_show_suggestions_with_reasons(client, world):
    client.force_login(world["anna"])
    page = client.get("/matchmaking/suggestions/?kind=listings")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Hydrogen test bench with stack characterisation" in html
    assert 'data-code="offer_answers_demand"' in html
    why = client.get(
        f"/matchmaking/suggestions/why-not/?kind=organisations&id={world['anna_org'].pk}"
    )
    assert why.status_code == 200
    assert 'data-code="own_organisation"' in why.content.decode()
    # In French, the reasons are French.
    french = client.get(
        "/matchmaking/suggestions/?kind=listings", headers={"accept-language": "fr"}
    )
    assert french.status_code == 200


def test_the_endpoints_are_in_the_openapi_schema(client):
    schema = client.get("/api/schema/?format=json").json()
    assert "/api/v1/matchmaking/suggestions/" in schema["paths"]
    assert "/api/v1/matchmaking/suggestions/why-not/" in schema["paths"]


def test_filters_narrow_the_list_and_why_not_names_the_filter(api_client, world, fair):
    anna = world["anna"]
    in_spain = _get(api_client, anna, API, kind="organisations", country="es").json()["results"]
    assert [r["id"] for r in in_spain] == [world["bruno_org"].pk]
    outside = _get(
        api_client, anna, WHY, kind="organisations", id=world["carla_org"].pk, country="ES"
    ).json()
    assert outside["reasons"][0]["code"] == "outside_country_filter"
    assert "Spain" in outside["reasons"][0]["text"]
    textiles = _get(api_client, anna, API, kind="listings", ecosystem="textiles").json()
    assert [r["id"] for r in textiles["results"]] == [world["unrelated"].pk] or not textiles[
        "results"
    ]
    why = _get(
        api_client, anna, WHY, kind="listings", id=world["offer"].pk, ecosystem="textiles"
    ).json()
    assert why["reasons"] == [
        {
            "code": "outside_ecosystem_filter",
            "params": {"ecosystem": "textiles"},
            "text": "It is outside your filter: not in the Textiles ecosystem.",
        }
    ]
    # At the event: Bruno's participant has no country, so a country filter leaves him out.
    people = _get(
        api_client, anna, API, kind="participants", event=fair["event"].slug, country="ES"
    ).json()
    assert people["results"] == []
    assert _get(api_client, anna, API, kind="organisations", country="Spain").status_code == 400


def test_the_page_filters_by_ecosystem(client, world):
    client.force_login(world["anna"])
    html = client.get("/matchmaking/suggestions/?kind=listings&ecosystem=textiles").content
    assert b"Hydrogen test bench" not in html
    assert b'<option value="textiles" selected>' in html


def test_a_matchmaking_event_whose_participants_answer_my_demand_is_suggested(api_client, world):
    soon = timezone.now() + dt.timedelta(days=5)
    fair = EventFactory(
        kind="matchmaking",
        title="B2B day",
        summary="Meetings.",
        description="",
        organiser_organisation=OrganisationFactory(primary_ecosystem_id="tourism"),
        starts_at=soon,
        ends_at=soon + dt.timedelta(hours=4),
    )
    Participant.objects.create(
        event=fair,
        user=world["bruno"],
        organisation=world["bruno_org"],
        offer="Electrolyser test bench: testing capacity and durability runs for PEM stacks.",
    )
    # The count is told only to someone who may browse the event's participants.
    Participant.objects.create(event=fair, user=world["anna"], organisation=world["anna_org"])
    results = _get(api_client, world["anna"], API, kind="events").json()["results"]
    mine = next(r for r in results if r["id"] == fair.pk)
    reason = next(r for r in mine["reasons"] if r["code"] == "event_matchmaking")
    assert reason["params"] == {"count": 1}
