"""Reading state: the read position (forward only), the `forum.read` event that tells a
person's other devices, the unread figures of the API and the pages."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async

from forums.models import ReadState
from forums.services import moderation, reading, topics
from tests.messaging.conversation_support import record_broadcasts
from tests.realtime.conftest import open_socket, subscribe


def _topic_with_replies(place, n=3):
    topic = topics.topic_create(author=place.anna, group=place.group, title="Call", body="Hi")
    posts = [topics.post_reply(author=place.marc, topic=topic, body=f"r{i}")[0] for i in range(n)]
    return topic, posts


@pytest.mark.django_db
def test_the_position_moves_forward_only_and_each_move_tells_the_other_devices(
    place, monkeypatch, django_capture_on_commit_callbacks
):
    topic, (r0, r1, r2) = _topic_with_replies(place)
    broadcasts = record_broadcasts(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        result = reading.topic_read_advance(user=place.anna, topic=topic, post_id=r1.pk)
    assert (result["last_read_post_id"], result["unread"]) == (r1.pk, 1)
    assert result["first_unread_post_id"] == r2.pk
    (event,) = broadcasts.data(f"t.user.{place.anna.pk}", "forum.read")
    assert event == {
        "topic": topic.pk,
        "group": place.group.pk,
        "forum": place.forum.pk,
        "last_read_post_id": r1.pk,
        "unread": 1,
        "first_unread_post_id": r2.pk,
        "group_unread_topics": 1,
        "forum_unread_topics": 1,
    }
    # Backwards: nothing moves, nothing is announced.
    with django_capture_on_commit_callbacks(execute=True):
        back = reading.topic_read_advance(user=place.anna, topic=topic, post_id=r0.pk)
    assert back["last_read_post_id"] == r1.pk
    assert len(broadcasts.data(f"t.user.{place.anna.pk}", "forum.read")) == 1
    # To the end: the topic and the group have nothing new left.
    with django_capture_on_commit_callbacks(execute=True):
        done = reading.topic_read_advance(user=place.anna, topic=topic)
    assert (done["last_read_post_id"], done["unread"], done["first_unread_post_id"]) == (
        r2.pk,
        0,
        None,
    )
    last = broadcasts.data(f"t.user.{place.anna.pk}", "forum.read")[-1]
    assert (last["group_unread_topics"], last["forum_unread_topics"]) == (0, 0)
    # Only Anna's own topic hears of it.
    assert {group for group, _ in broadcasts.events()} == {f"t.user.{place.anna.pk}"}


@pytest.mark.django_db
def test_hidden_and_deleted_posts_and_ones_own_are_never_unread(place):
    topic, (r0, r1, r2) = _topic_with_replies(place)
    topics.post_delete(user=place.marc, post=r2)
    moderation.post_moderate(moderator=place.staff, post=r1, hidden=True, reason="Off topic")
    topics.post_reply(author=place.anna, topic=topic, body="mine")
    state = ReadState.objects.get(user=place.anna, topic=topic)
    state.last_read_post_id = 0
    state.save()
    result = reading.topic_read_advance(user=place.anna, topic=topic, post_id=r0.pk - 1)
    assert (result["unread"], result["first_unread_post_id"]) == (1, r0.pk)


@pytest.mark.django_db
def test_the_read_endpoint_and_the_unread_fields(api_client, place):
    topic, (r0, r1, r2) = _topic_with_replies(place)
    api_client.force_authenticate(place.anna)
    detail = api_client.get(f"/api/v1/forums/topics/{topic.pk}/").json()
    assert (detail["unread"], detail["first_unread_post_id"]) == (3, r0.pk)
    (row,) = api_client.get(f"/api/v1/forums/groups/{place.group.pk}/topics/").json()["results"]
    assert (row["unread"], row["first_unread_post_id"]) == (3, r0.pk)
    forum = api_client.get(f"/api/v1/forums/{place.forum.slug}/").json()
    assert forum["unread_topics"] == 1
    assert {g["slug"]: g["unread_topics"] for g in forum["groups"]}["funding"] == 1
    listed = {f["slug"]: f for f in api_client.get("/api/v1/forums/").json()}
    assert listed[place.forum.slug]["unread_topics"] == 1

    answer = api_client.post(f"/api/v1/forums/topics/{topic.pk}/read/", {"post_id": r1.pk})
    assert answer.status_code == 200
    assert (answer.json()["last_read_post_id"], answer.json()["unread"]) == (r1.pk, 1)
    assert answer.json()["first_unread_post_id"] == r2.pk
    # A stale batch from another device does not move it back.
    answer = api_client.post(f"/api/v1/forums/topics/{topic.pk}/read/", {"post_id": r0.pk})
    assert answer.json()["last_read_post_id"] == r1.pk
    # Bad input is a 400 that says which field.
    for bad in [{"post_id": 0}, {"post_id": "x"}, {"post_id": -5}]:
        answer = api_client.post(f"/api/v1/forums/topics/{topic.pk}/read/", bad, format="json")
        assert answer.status_code == 400, bad
        assert "post_id" in answer.json()["error"]["fields"]
    # An outsider gets 404, a visitor is asked to sign in.
    api_client.force_authenticate(place.olga)
    assert api_client.post(f"/api/v1/forums/topics/{topic.pk}/read/", {}).status_code == 404
    api_client.force_authenticate(None)
    assert api_client.post(f"/api/v1/forums/topics/{topic.pk}/read/", {}).status_code in {401, 403}
    assert ReadState.objects.get(user=place.anna, topic=topic).last_read_post_id == r1.pk


@pytest.mark.django_db
def test_the_pages_show_what_is_new(client, place):
    topic, (r0, r1, _r2) = _topic_with_replies(place)
    reading.topic_read_advance(user=place.anna, topic=topic, post_id=r0.pk)
    client.force_login(place.anna)
    html = client.get(topic.get_absolute_url()).content.decode()
    # The line comes right before the first unread post, and the jump link points to it.
    marker = html.index('id="unread"')
    assert html.index(f'id="post-{r0.pk}"') < marker < html.index(f'id="post-{r1.pk}"')
    assert 'href="#unread"' in html
    assert "2 unread" in html
    assert f'data-last-read="{r0.pk}"' in html
    assert html.count("badge-new") == 2
    assert 'aria-live="polite"' in html
    group = client.get(place.group.get_absolute_url()).content.decode()
    assert "1 topic with new posts" in group
    assert f'href="{topic.get_absolute_url()}#unread"' in group
    assert "2 new" in group
    forum = client.get(place.forum.get_absolute_url()).content.decode()
    assert "1 topic with new posts" in forum
    index = client.get("/forums/").content.decode()
    assert f'data-forum="{place.forum.pk}"' in index
    assert "1 topic with new posts" in index
    # Marc wrote the replies: nothing is new for him.
    client.force_login(place.marc)
    html = client.get(topic.get_absolute_url()).content.decode()
    assert 'id="unread"' not in html


live = pytest.mark.django_db(transaction=True)


@live
@pytest.mark.usefixtures("stop_hub_after")
async def test_reading_on_one_device_reaches_the_other_at_once(place):
    topic, posts = await sync_to_async(_topic_with_replies)(place)
    phone = await open_socket(place.anna)
    laptop = await open_socket(place.anna)
    marc = await open_socket(place.marc)
    for ws, person in [(phone, place.anna), (laptop, place.anna), (marc, place.marc)]:
        assert (await subscribe(ws, f"user:{person.pk}"))[-1]["type"] == "subscribed"
    await sync_to_async(reading.topic_read_advance)(user=place.anna, topic=topic)
    for ws in [phone, laptop]:
        # (Reading also marks the topic's notifications read: `notifications.unread`.)
        while (frame := await ws.receive_json_from(timeout=2))["event"] != "forum.read":
            assert frame["event"] == "notifications.unread"
        assert (frame["data"]["topic"], frame["data"]["unread"]) == (topic.pk, 0)
        assert frame["data"]["last_read_post_id"] == posts[-1].pk
    assert await marc.receive_nothing(timeout=0.5)
    for ws in [phone, laptop, marc]:
        await ws.disconnect()


@live
@pytest.mark.usefixtures("stop_hub_after")
async def test_readers_of_a_forum_topic_see_each_other(place):
    topic, _posts = await sync_to_async(_topic_with_replies)(place, n=0)
    anna = await open_socket(place.anna)
    await subscribe(anna, f"forum_topic:{topic.pk}")
    assert anna.presence["users"] == [{"id": place.anna.pk, "name": "Anna Berg"}]
    marc = await open_socket(place.marc)
    await subscribe(marc, f"forum_topic:{topic.pk}")
    assert [u["name"] for u in marc.presence["users"]] == ["Anna Berg", "Marc Dubois"]
    olga = await open_socket(place.olga)
    assert (await subscribe(olga, f"forum_topic:{topic.pk}"))[-1]["code"] == "not_found"
    while (frame := await anna.receive_json_from(timeout=3))["type"] != "presence":
        pass
    assert frame["count"] == 2
    assert await olga.receive_nothing(timeout=1.5)
    for ws in [anna, marc, olga]:
        await ws.disconnect()
