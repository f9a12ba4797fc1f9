"""Conversations over the REST API: start, reuse, list with unread, rename, people, flags."""

from __future__ import annotations

import pytest

from messaging.models import Block, Conversation, Participant
from realtime.models import Event
from tests.factories import ListingFactory, UserFactory
from tests.messaging.conversation_support import API, api, colleagues, group, one_to_one, send

pytestmark = pytest.mark.django_db
CONVERSATIONS = API + "conversations/"


@pytest.fixture(autouse=True)
def _colleagues(anna, marc, lea):
    """Anna, Marc and Léa work together: they may name each other by id."""
    colleagues(anna, marc, lea)


def test_start_one_to_one_then_reuse_it(anna, marc):
    response = api(anna).post(CONVERSATIONS, {"participants": [marc.pk]})
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["is_group"] is False
    assert {p["id"] for p in data["participants"]} == {anna.pk, marc.pk}
    assert data["topic"] == f"conversation:{data['id']}"
    assert data["unread"] == 0
    # Starting again (from either side) reuses the active one-to-one.
    again = api(marc).post(CONVERSATIONS, {"participants": [anna.pk]})
    assert again.status_code == 200
    assert again.json()["id"] == data["id"]
    assert Conversation.objects.count() == 1
    # Each participant's inbox heard about it once.
    for person in (anna, marc):
        assert (
            Event.objects.filter(topic=f"user:{person.pk}", type="conversation.created").count()
            == 1
        )


def test_one_to_one_per_listing(anna, marc):
    listing = ListingFactory()
    plain = one_to_one(anna, marc)
    response = api(anna).post(CONVERSATIONS, {"participants": [marc.pk], "listing": listing.pk})
    assert response.status_code == 201
    assert response.json()["id"] != plain.pk
    assert response.json()["listing"] == {"id": listing.pk, "title": listing.title, "kind": "offer"}


def test_start_with_first_message_is_idempotent_on_client_id(anna, marc):
    body = {"participants": [marc.pk], "first_message": "Hi *Marc*", "client_id": "start-1"}
    first = api(anna).post(CONVERSATIONS, body)
    assert first.status_code == 201
    for _ in range(3):
        retry = api(anna).post(CONVERSATIONS, body)
        assert retry.status_code == 200
        assert retry.json()["id"] == first.json()["id"]
    conversation = Conversation.objects.get()
    assert conversation.messages.count() == 1
    assert first.json()["last_message"]["preview"] == "Hi Marc"


def test_group_needs_title_or_several_people_and_creator_is_admin(anna, marc, lea):
    response = api(anna).post(CONVERSATIONS, {"participants": [marc.pk, lea.pk]})
    assert response.status_code == 201
    data = response.json()
    assert data["is_group"] is True
    assert data["is_admin"] is True
    admins = {p["id"] for p in data["participants"] if p["is_admin"]}
    assert admins == {anna.pk}
    titled = api(anna).post(CONVERSATIONS, {"participants": [marc.pk], "title": "Project"})
    assert titled.json()["is_group"] is True


def test_start_refuses_bad_input_with_clear_400(anna, marc):
    client = api(anna)
    for body, field in [
        ({"participants": []}, "participants"),
        ({"participants": [anna.pk]}, "participants"),
        ({"participants": [999_999]}, "participants"),
        ({"participants": [marc.pk], "title": "x" * 201}, "title"),
        ({"participants": [marc.pk], "listing": 999_999}, "listing"),
    ]:
        response = client.post(CONVERSATIONS, body)
        assert response.status_code == 400, body
        assert field in response.json()["error"]["fields"], response.json()
    assert Conversation.objects.count() == 0


def test_group_is_limited_to_max_participants(anna):
    others = UserFactory.create_batch(Conversation.MAX_PARTICIPANTS)
    colleagues(anna, *others)
    response = api(anna).post(CONVERSATIONS, {"participants": [u.pk for u in others]})
    assert response.status_code == 400
    ok = api(anna).post(CONVERSATIONS, {"participants": [u.pk for u in others[:-1]]})
    assert ok.status_code == 201
    assert len(ok.json()["participants"]) == Conversation.MAX_PARTICIPANTS


def test_one_to_one_refused_when_the_other_blocked_the_creator(anna, marc):
    Block.objects.create(blocker=marc, blocked=anna)
    response = api(anna).post(CONVERSATIONS, {"participants": [marc.pk]})
    assert response.status_code == 403
    assert "does not accept messages from you" in response.json()["error"]["message"]
    assert Conversation.objects.count() == 0
    # The other way round works: blocking is one-way.
    assert api(marc).post(CONVERSATIONS, {"participants": [anna.pk]}).status_code == 201


def test_list_shows_unread_counts_latest_first_without_n_plus_one(
    anna, marc, lea, django_assert_max_num_queries
):
    quiet = one_to_one(anna, lea)
    busy = one_to_one(anna, marc)
    for n in range(3):
        send(marc, busy, f"news {n}")
    send(anna, busy, "thanks")
    send(marc, busy, "one more")
    client = api(anna)
    with django_assert_max_num_queries(8):
        response = client.get(CONVERSATIONS)
    results = response.json()["results"]
    assert [c["id"] for c in results] == [busy.pk, quiet.pk]
    # Sending moved Anna's read position to her message: only the later one is unread.
    assert results[0]["unread"] == 1
    assert results[0]["last_message"]["preview"] == "one more"
    assert results[1]["unread"] == 0
    for n in range(10):
        group(UserFactory(), anna, marc, title=f"g{n}")
    with django_assert_max_num_queries(8):
        assert len(client.get(CONVERSATIONS + "?page_size=50").json()["results"]) == 12


def test_unread_excludes_own_system_deleted_blocked_and_muted(anna, marc, lea):
    team = group(anna, marc, lea)
    send(marc, team, "from marc")
    send(lea, team, "from lea")
    client = api(anna)
    assert client.get(API + "unread/").json()["total_unread"] == 2
    Block.objects.create(blocker=anna, blocked=lea)
    assert client.get(API + "unread/").json()["total_unread"] == 1
    client.post(f"{CONVERSATIONS}{team.pk}/mute/")
    assert client.get(API + "unread/").json()["total_unread"] == 0
    detail = client.get(f"{CONVERSATIONS}{team.pk}/").json()
    assert detail["muted"] is True
    assert detail["unread"] == 1


def test_mark_read_never_moves_backwards(anna, marc):
    conversation = one_to_one(anna, marc)
    first = send(marc, conversation, "one")
    second = send(marc, conversation, "two")
    client = api(anna)
    url = f"{CONVERSATIONS}{conversation.pk}/read/"
    response = client.post(url, {"message_id": second.pk})
    assert response.json() == {
        "conversation": conversation.pk,
        "message_id": second.pk,
        "unread": 0,
        "total_unread": 0,
        "unread_conversations": 0,
    }
    assert client.post(url, {"message_id": first.pk}).json()["message_id"] == second.pk
    receipts = Event.objects.filter(topic=conversation.topic, type="receipt.updated")
    assert receipts.count() == 1
    other = one_to_one(marc, UserFactory())
    foreign = send(marc, other, "elsewhere")
    bad = client.post(url, {"message_id": foreign.pk})
    assert bad.status_code == 400
    assert "message_id" in bad.json()["error"]["fields"]


def test_rename_by_admin_only(anna, marc):
    team = group(anna, marc)
    url = f"{CONVERSATIONS}{team.pk}/"
    refused = api(marc).patch(url, {"title": "Mine"})
    assert refused.status_code == 403
    response = api(anna).patch(url, {"title": "  Project  Alpha "})
    assert response.status_code == 200
    assert response.json()["title"] == "Project Alpha"
    assert Event.objects.filter(topic=team.topic, type="conversation.updated").count() == 1
    pair = one_to_one(anna, marc)
    assert api(anna).patch(f"{CONVERSATIONS}{pair.pk}/", {"title": "x"}).status_code == 400


def test_add_and_remove_participants(anna, marc, lea):
    team = group(anna, marc)
    url = f"{CONVERSATIONS}{team.pk}/participants/"
    assert api(marc).post(url, {"users": [lea.pk]}).status_code == 403
    response = api(anna).post(url, {"users": [lea.pk]})
    assert response.status_code == 200
    assert lea.pk in {p["id"] for p in response.json()["participants"]}
    system = team.messages.latest("id")
    assert system.kind == "system"
    assert system.body == "Anna Berg added Léa Costa."
    assert Event.objects.filter(topic=f"user:{lea.pk}", type="conversation.created").exists()
    # Lea sees the conversation now.
    assert api(lea).get(f"{CONVERSATIONS}{team.pk}/").status_code == 200
    assert api(marc).delete(f"{url}{lea.pk}/").status_code == 403
    assert api(anna).delete(f"{url}{lea.pk}/").status_code == 204
    assert api(lea).get(f"{CONVERSATIONS}{team.pk}/").status_code == 404
    assert Event.objects.filter(topic=team.topic, type="participant.removed").count() == 1
    assert Event.objects.filter(topic=f"user:{lea.pk}", type="conversation.left").count() == 1
    # Removing someone who is not there answers 404 (like an unknown id); oneself, a clear 400.
    assert api(anna).delete(f"{url}{lea.pk}/").status_code == 404
    assert api(anna).delete(f"{url}{anna.pk}/").status_code == 400


def test_add_refuses_someone_who_blocked_the_admin(anna, marc, lea):
    team = group(anna, marc)
    Block.objects.create(blocker=lea, blocked=anna)
    response = api(anna).post(f"{CONVERSATIONS}{team.pk}/participants/", {"users": [lea.pk]})
    assert response.status_code == 403
    assert not Participant.objects.filter(conversation=team, user=lea).exists()


def test_leave_passes_admin_on_and_hides_the_conversation(anna, marc, lea):
    team = group(anna, marc, lea)
    assert api(anna).post(f"{CONVERSATIONS}{team.pk}/leave/").status_code == 204
    assert api(anna).get(f"{CONVERSATIONS}{team.pk}/").status_code == 404
    assert api(anna).get(CONVERSATIONS).json()["results"] == []
    detail = api(marc).get(f"{CONVERSATIONS}{team.pk}/").json()
    assert [p["id"] for p in detail["participants"] if p["is_admin"]] == [marc.pk]
    assert team.messages.latest("id").body == "Anna Berg left."


def test_archive_unarchive_and_new_message_unarchives(anna, marc):
    conversation = one_to_one(anna, marc)
    client = api(anna)
    assert client.post(f"{CONVERSATIONS}{conversation.pk}/archive/").json()["archived"] is True
    assert client.get(CONVERSATIONS).json()["results"] == []
    assert len(client.get(CONVERSATIONS + "?archived=true").json()["results"]) == 1
    send(marc, conversation, "ping")
    assert len(client.get(CONVERSATIONS).json()["results"]) == 1
    client.post(f"{CONVERSATIONS}{conversation.pk}/archive/")
    assert client.post(f"{CONVERSATIONS}{conversation.pk}/unarchive/").json()["archived"] is False
    assert client.post(f"{CONVERSATIONS}{conversation.pk}/unmute/").json()["muted"] is False


def test_blocks_endpoints(anna, marc):
    client = api(anna)
    assert client.post(API + "blocks/", {"user": anna.pk}).status_code == 400
    response = client.post(API + "blocks/", {"user": marc.pk})
    assert response.status_code == 201
    assert response.json()["user"] == {"id": marc.pk, "name": "Marc Dubois"}
    assert [b["user"]["id"] for b in client.get(API + "blocks/").json()["results"]] == [marc.pk]
    assert client.delete(f"{API}blocks/{marc.pk}/").status_code == 204
    assert client.delete(f"{API}blocks/{marc.pk}/").status_code == 404
    assert not Block.objects.exists()


def test_search_finds_only_my_conversations(anna, marc, lea):
    mine = one_to_one(anna, marc)
    send(marc, mine, "The hydrogen valley call closes soon")
    theirs = one_to_one(marc, lea)
    send(marc, theirs, "hydrogen secrets")
    results = api(anna).get(API + "search/?q=Hydrogen").json()["results"]
    assert [r["conversation"] for r in results] == [mine.pk]
    assert api(anna).get(API + "search/?q=").status_code == 400


def test_presence_answers_for_contacts_only(anna, marc, lea):
    from messaging.services.presence import presence_heartbeat

    one_to_one(anna, marc)
    presence_heartbeat(user=marc)
    presence_heartbeat(user=lea)
    response = api(anna).get(f"{API}presence/?user_ids={marc.pk},{lea.pk}")
    assert response.json() == {"online": {str(marc.pk): True}}


def test_anonymous_gets_401(anna):
    for url in [CONVERSATIONS, API + "unread/", API + "blocks/", API + "search/?q=x"]:
        assert api().get(url).status_code in {401, 403}


@pytest.mark.django_db
def test_session_authenticated_start_works_with_the_lazy_request_user(client):
    """A browser session's request.user is a lazy wrapper; starting a one-to-one must work."""
    from tests.factories import UserFactory

    anna, marc = UserFactory(), UserFactory()
    colleagues(anna, marc)
    client.force_login(anna)
    response = client.post(
        "/api/v1/xchange/conversations/",
        {"participants": [marc.pk]},
        content_type="application/json",
    )
    assert response.status_code in (200, 201), response.content
