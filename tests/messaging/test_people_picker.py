"""Finding a person to talk to without learning who has an account.

The picker (GET /api/v1/xchange/people/?q=) lists only people the caller may see
(community.selectors.accounts, widened by conversation co-participants) and never an email
address; everything that takes user ids (start a conversation, add people, block) refuses a
hidden person exactly as it refuses an id that does not exist; the pages take ids, not
typed addresses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.test import Client
from rest_framework.throttling import ScopedRateThrottle

from community.models import ModerationStatus, User
from community.selectors.accounts import PERSON_NOT_FOUND
from messaging.models import Block, Conversation, Participant
from tests.factories import MembershipFactory, OrganisationFactory, StaffFactory, UserFactory
from tests.messaging.conversation_support import API, api, group, one_to_one

pytestmark = pytest.mark.usefixtures("ecosystems")
PEOPLE = f"{API}people/"
CONVERSATIONS = f"{API}conversations/"
NEW_PAGE = "/xchange/conversations/new/"


@dataclass
class World:
    anna: User  # admin of Hydrogen Valley (published)
    marc: User  # her colleague
    lea: User  # shares a conversation with her, no organisation
    paula: User  # admin of Solar Alliance (published): a public contact
    sam: User  # plain member of Solar Alliance
    stan: User  # a stranger
    ivan: User  # a deactivated colleague
    staff: User


@pytest.fixture
def world(db) -> World:
    valley = OrganisationFactory(name="Hydrogen Valley", acronym="HV")
    solar = OrganisationFactory(name="Solar Alliance")
    draft = OrganisationFactory(name="Secret Lab", status=ModerationStatus.DRAFT)
    anna = MembershipFactory(organisation=valley, role="admin", user__full_name="Anna Berg").user
    marc = MembershipFactory(organisation=valley, user__full_name="Marc Lindberg").user
    # Marc's draft organisation is nobody else's business.
    MembershipFactory(organisation=draft, user=marc, role="admin")
    lea = UserFactory(full_name="Léa Lindberg")
    one_to_one(anna, lea)
    paula = MembershipFactory(organisation=solar, role="admin", user__full_name="Paula Lindberg")
    sam = MembershipFactory(organisation=solar, user__full_name="Sam Lindberg").user
    stan = UserFactory(full_name="Stan Lindberg")
    ivan = MembershipFactory(
        organisation=valley, user=UserFactory(full_name="Ivan Lindberg", is_active=False)
    ).user
    return World(
        anna=anna,
        marc=marc,
        lea=lea,
        paula=paula.user,
        sam=sam,
        stan=stan,
        ivan=ivan,
        staff=StaffFactory(full_name="Steffi Staff"),
    )


def _names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


# --- the picker -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("viewer", "expected"),
    [
        # same organisation, co-participant and public contact; not a public organisation's
        # plain member, not a stranger, not a deactivated colleague
        ("anna", ["Léa Lindberg", "Marc Lindberg", "Paula Lindberg"]),
        ("stan", ["Paula Lindberg"]),
        ("lea", ["Paula Lindberg"]),
        ("staff", ["Léa Lindberg", "Marc Lindberg", "Paula Lindberg", "Sam Lindberg"]),
    ],
)
def test_the_picker_lists_only_the_people_the_caller_may_see(world, viewer, expected):
    who = getattr(world, viewer)
    names = _names(api(who).get(PEOPLE, {"q": "lindberg"}))
    if viewer == "staff":
        expected = sorted([*expected, "Stan Lindberg"])
    if viewer == "lea":
        # Léa's conversation partner is visible to her, whatever their organisation.
        assert _names(api(who).get(PEOPLE, {"q": "anna"})) == ["Anna Berg"]
    assert names == expected


def test_the_picker_never_answers_with_an_email_address(world):
    response = api(world.anna).get(PEOPLE, {"q": "lindberg"})
    text = response.content.decode()
    assert "@" not in text
    rows = response.json()["results"]
    assert set(rows[0]) == {"id", "name", "organisation"}
    by_name = {row["name"]: row["organisation"] for row in rows}
    valley = world.marc.memberships.get(organisation__name="Hydrogen Valley").organisation
    assert by_name["Marc Lindberg"] == {"id": valley.pk, "name": "Hydrogen Valley"}
    # Léa belongs to no organisation; Marc's draft one is not shown to Anna.
    assert by_name["Léa Lindberg"] is None
    assert "Secret Lab" not in text
    assert response.json()["more"] is False


def test_an_organisation_name_finds_its_contactable_people(world):
    # A stranger finds the public contact of a published organisation, not its members.
    assert _names(api(world.stan).get(PEOPLE, {"q": "solar"})) == ["Paula Lindberg"]
    # A member finds every active colleague, by name or acronym, shown in that organisation.
    response = api(world.marc).get(PEOPLE, {"q": "HV"})
    assert _names(response) == ["Anna Berg"]
    assert response.json()["results"][0]["organisation"]["name"] == "Hydrogen Valley"
    # Words narrow: name and organisation together.
    assert _names(api(world.anna).get(PEOPLE, {"q": "paula solar"})) == ["Paula Lindberg"]
    assert _names(api(world.anna).get(PEOPLE, {"q": "marc solar"})) == []


def test_the_picker_needs_a_login_and_two_characters(world):
    assert api().get(PEOPLE, {"q": "lindberg"}).status_code in {401, 403}
    for q in ("", "a", " b "):
        response = api(world.anna).get(PEOPLE, {"q": q})
        assert response.status_code == 400
        assert "q" in response.json()["error"]["fields"]
    assert api(world.anna).get(PEOPLE, {"q": "x" * 101}).status_code == 400


def test_the_picker_is_capped_and_reads_a_fixed_number_of_queries(
    world, django_assert_max_num_queries
):
    valley = world.anna.memberships.get().organisation
    for n in range(25):
        MembershipFactory(organisation=valley, user__full_name=f"Zoe Lindberg {n:02}")
    client = api(world.anna)
    with django_assert_max_num_queries(3):
        response = client.get(PEOPLE, {"q": "zoe"})
    body = response.json()
    assert len(body["results"]) == 20
    assert body["more"] is True


def test_the_picker_is_throttled_per_person(world, settings, monkeypatch):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "people_search": "3/minute"}
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", rates)
    client = api(world.anna)
    codes = [client.get(PEOPLE, {"q": "lindberg"}).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert api(world.marc).get(PEOPLE, {"q": "anna"}).status_code == 200


# --- ids that name a hidden person answer like ids that name nobody -----------------------


def _missing_id() -> int:
    return User.objects.order_by("-pk").values_list("pk", flat=True).first() + 1000


def _same_refusal(first, second, field: str) -> None:
    assert first.status_code == second.status_code == 400
    assert first.json() == second.json()
    assert field in first.json()["error"]["fields"]


def test_starting_a_conversation_with_a_hidden_person_is_refused_like_nobody(world):
    client = api(world.anna)
    before = Conversation.objects.count()
    hidden = client.post(CONVERSATIONS, {"participants": [world.stan.pk]})
    missing = client.post(CONVERSATIONS, {"participants": [_missing_id()]})
    inactive = client.post(CONVERSATIONS, {"participants": [world.ivan.pk]})
    _same_refusal(hidden, missing, "participants")
    _same_refusal(inactive, missing, "participants")
    assert world.stan.full_name not in hidden.content.decode()
    mixed = client.post(CONVERSATIONS, {"participants": [world.marc.pk, world.sam.pk]})
    _same_refusal(mixed, missing, "participants")
    assert Conversation.objects.count() == before
    # The visible ones: a colleague, a co-participant, a public contact.
    response = client.post(
        CONVERSATIONS, {"participants": [world.marc.pk, world.lea.pk, world.paula.pk]}
    )
    assert response.status_code == 201
    names = {p["name"] for p in response.json()["participants"]}
    assert names == {"Anna Berg", "Marc Lindberg", "Léa Lindberg", "Paula Lindberg"}


def test_staff_may_write_to_anyone_active(world):
    response = api(world.staff).post(CONVERSATIONS, {"participants": [world.stan.pk]})
    assert response.status_code == 201


def test_adding_a_hidden_person_is_refused_like_nobody(world):
    team = group(world.anna, world.marc)
    url = f"{CONVERSATIONS}{team.pk}/participants/"
    client = api(world.anna)
    hidden = client.post(url, {"users": [world.sam.pk]})
    missing = client.post(url, {"users": [_missing_id()]})
    _same_refusal(hidden, missing, "users")
    assert not Participant.objects.filter(conversation=team, user=world.sam).exists()
    assert client.post(url, {"users": [world.paula.pk]}).status_code == 200


def test_blocking_by_id_does_not_reveal_a_name(world):
    client = api(world.anna)
    hidden = client.post(f"{API}blocks/", {"user": world.stan.pk})
    missing = client.post(f"{API}blocks/", {"user": _missing_id()})
    _same_refusal(hidden, missing, "user")
    assert not Block.objects.exists()
    blocked = client.post(f"{API}blocks/", {"user": world.lea.pk})
    assert blocked.status_code == 201
    assert blocked.json()["user"]["name"] == "Léa Lindberg"


def test_removing_someone_who_is_not_in_the_group_is_not_found(world):
    team = group(world.anna, world.marc)
    url = f"{CONVERSATIONS}{team.pk}/participants/"
    client = api(world.anna)
    assert client.delete(f"{url}{world.stan.pk}/").status_code == 404
    assert client.delete(f"{url}{_missing_id()}/").status_code == 404
    assert client.delete(f"{url}{world.marc.pk}/").status_code == 204


# --- the pages take ids, and search by name without JavaScript ----------------------------


def _page_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _errors(response) -> list[str]:
    return re.findall(r'<ul class="errorlist"[^>]*>(.*?)</ul>', response.content.decode(), re.S)


def test_the_new_conversation_page_refuses_a_hidden_person_like_nobody(world):
    client = _page_client(world.anna)
    before = Conversation.objects.count()
    answers = [
        client.post(NEW_PAGE, {"people": [pk], "first_message": "Hi", "client_id": "c1"})
        for pk in (world.stan.pk, _missing_id(), world.ivan.pk)
    ]
    assert {a.status_code for a in answers} == {400}
    assert _errors(answers[0]) == _errors(answers[1]) == _errors(answers[2]) != []
    assert "Stan" not in answers[0].content.decode()
    assert Conversation.objects.count() == before
    ok = client.post(
        NEW_PAGE, {"people": [world.marc.pk], "first_message": "Hi", "client_id": "c2"}
    )
    conversation = Conversation.objects.get(participants__user=world.marc)
    assert ok.status_code == 302
    assert ok["Location"] == conversation.get_absolute_url()


@pytest.mark.parametrize("odd", ["²", "x", "0", "99999999999999999999"])
def test_the_pages_refuse_what_is_not_an_id_like_nobody(world, odd):
    client = _page_client(world.anna)
    page = client.post(NEW_PAGE, {"people": [odd], "first_message": "Hi", "client_id": "c3"})
    assert page.status_code == 400
    assert str(PERSON_NOT_FOUND) in " ".join(_errors(page))
    searched = client.post(NEW_PAGE, {"people": [odd], "q": "lindberg", "search": "1"})
    assert searched.status_code == 200
    team = group(world.anna, world.marc)
    assert client.get(f"{team.get_absolute_url()}?reply_to={odd}").status_code == 200


def test_without_javascript_a_name_search_fills_the_list_and_keeps_the_form(world):
    client = _page_client(world.anna)
    response = client.post(
        NEW_PAGE,
        {
            "q": "lindberg",
            "search": "1",
            "people": [world.marc.pk, world.stan.pk],
            "title": "Hydrogen buses",
            "first_message": "Hello all",
            "client_id": "c4",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "errorlist" not in html
    assert not Conversation.objects.filter(title="Hydrogen buses").exists()
    # Marc stays chosen; Léa and Paula are offered; the stranger is neither.
    checked = set(re.findall(r'name="people" value="(\d+)"[^>]*checked', html))
    offered = set(re.findall(r'name="people" value="(\d+)"', html))
    assert checked == {str(world.marc.pk)}
    assert offered == {str(world.marc.pk), str(world.lea.pk), str(world.paula.pk)}
    assert "Hydrogen buses" in html
    assert "Hello all" in html
    assert "@example.org" not in html
    started = client.post(
        NEW_PAGE,
        {
            "people": [world.marc.pk, world.paula.pk],
            "title": "Hydrogen buses",
            "client_id": "c4",
        },
    )
    conversation = Conversation.objects.get(title="Hydrogen buses")
    assert started["Location"] == conversation.get_absolute_url()
    assert set(conversation.participants.values_list("user_id", flat=True)) == {
        world.anna.pk,
        world.marc.pk,
        world.paula.pk,
    }


def test_add_people_on_the_conversation_page_by_search_and_ids(world):
    team = group(world.anna, world.marc)
    client = _page_client(world.anna)
    url = f"/xchange/conversations/{team.pk}/participants/"
    found = client.post(url, {"q": "paula", "search": "1"})
    html = found.content.decode()
    assert found.status_code == 200
    assert re.search(rf'name="people" value="{world.paula.pk}"', html)
    hidden = client.post(url, {"people": [world.sam.pk]}, follow=True)
    missing = client.post(url, {"people": [_missing_id()]}, follow=True)
    assert [str(m) for m in hidden.context["messages"]] == [
        str(m) for m in missing.context["messages"]
    ]
    added = client.post(url, {"people": [world.paula.pk]}, follow=True)
    assert "Added: Paula Lindberg." in [str(m) for m in added.context["messages"]]
    assert Participant.objects.filter(conversation=team, user=world.paula).exists()


def test_the_page_search_and_the_api_share_one_budget(world, monkeypatch):
    rates = {**ScopedRateThrottle.THROTTLE_RATES, "people_search": "3/minute"}
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", rates)
    client = _page_client(world.anna)
    anna = api(world.anna)

    def page() -> str:
        return client.post(NEW_PAGE, {"q": "lindberg", "search": "1"}).content.decode()

    first, second = page(), anna.get(PEOPLE, {"q": "lindberg"})
    third, fourth = page(), anna.get(PEOPLE, {"q": "lindberg"})
    assert "Marc Lindberg" in first
    assert second.status_code == 200
    assert "Marc Lindberg" in third
    assert fourth.status_code == 429  # the fourth search of the minute, whichever way
    assert "Too many searches" in page()
