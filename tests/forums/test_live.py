"""Forums on the live layer: the fast on-commit check, and real sockets through the ASGI app
(subscribe gates, live replies with seq, catch-up after a reconnect, revocation)."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async

from forums.services import moderation, topics
from tests.messaging.conversation_support import record_broadcasts
from tests.realtime.conftest import open_socket, subscribe

live = pytest.mark.django_db(transaction=True)


def _open(place):
    return topics.topic_create(author=place.anna, group=place.group, title="Call", body="Hi")


@pytest.mark.django_db
def test_a_reply_is_broadcast_only_after_commit(
    place, monkeypatch, django_capture_on_commit_callbacks
):
    topic = _open(place)
    broadcasts = record_broadcasts(monkeypatch)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post, _ = topics.post_reply(author=place.marc, topic=topic, body="Count us in")
    assert broadcasts.sent == []
    for callback in callbacks:
        callback()
    assert broadcasts.events() == [
        (f"t.forum_topic.{topic.pk}", "post.created"),
        (f"t.forum_topic.{topic.pk}", "topic.updated"),
        (f"t.forum_group.{place.group.pk}", "topic.updated"),
        (f"t.user.{place.anna.pk}", "notification.created"),
    ]
    (created,) = broadcasts.data(f"t.forum_topic.{topic.pk}", "post.created")
    assert created["id"] == post.pk
    assert created["author"]["id"] == place.marc.pk


async def _events_until_subscribed(ws, topic, since=None):
    frames = await subscribe(ws, topic, since=since)
    return [f for f in frames if f["type"] == "event"], frames[-1]


@live
@pytest.mark.usefixtures("stop_hub_after")
async def test_only_readers_of_the_forum_may_subscribe(place):
    topic = await sync_to_async(_open)(place)
    olga = await open_socket(place.olga)
    for name in [f"forum_topic:{topic.pk}", f"forum_group:{place.group.pk}", "forum_topic:999999"]:
        assert (await subscribe(olga, name))[-1]["code"] == "not_found", name
    await olga.disconnect()
    marc = await open_socket(place.marc)
    for name in [f"forum_topic:{topic.pk}", f"forum_group:{place.group.pk}"]:
        assert (await subscribe(marc, name))[-1]["type"] == "subscribed"
    await marc.disconnect()


@live
@pytest.mark.usefixtures("stop_hub_after")
async def test_a_reply_arrives_live_with_its_seq(place):
    topic = await sync_to_async(_open)(place)
    ws = await open_socket(place.anna)
    _, subscribed = await _events_until_subscribed(ws, f"forum_topic:{topic.pk}", since=1)
    assert subscribed["seq"] == 1
    post, _ = await sync_to_async(topics.post_reply)(author=place.marc, topic=topic, body="**Yes**")
    created = await ws.receive_json_from(timeout=3)
    assert (created["event"], created["seq"]) == ("post.created", 2)
    assert created["data"]["id"] == post.pk
    assert created["data"]["body_html"] == "<p><strong>Yes</strong></p>"
    updated = await ws.receive_json_from(timeout=3)
    assert (updated["event"], updated["seq"], updated["data"]["post_count"]) == (
        "topic.updated",
        3,
        2,
    )
    await sync_to_async(topics.reaction_add)(user=place.marc, post=post, emoji="👍")
    reaction = await ws.receive_json_from(timeout=3)
    assert (reaction["event"], reaction["seq"]) == ("reactions.updated", 4)
    assert reaction["data"]["reactions"] == {"👍": 1}
    await ws.disconnect()


@live
@pytest.mark.usefixtures("stop_hub_after")
async def test_a_client_catches_up_from_its_seq_after_reconnecting(place):
    topic = await sync_to_async(_open)(place)
    ws = await open_socket(place.anna)
    await subscribe(ws, f"forum_topic:{topic.pk}", since=1)
    await ws.disconnect()
    # Away: a reply, an edit and a deletion.
    post, _ = await sync_to_async(topics.post_reply)(author=place.marc, topic=topic, body="one")
    await sync_to_async(topics.post_edit)(user=place.marc, post=post, body="one, edited")
    await sync_to_async(topics.post_delete)(user=place.marc, post=post)
    ws = await open_socket(place.anna)
    missed, subscribed = await _events_until_subscribed(ws, f"forum_topic:{topic.pk}", since=1)
    assert [(e["seq"], e["event"]) for e in missed] == [
        (2, "post.created"),
        (3, "topic.updated"),
        (4, "post.edited"),
        (5, "post.deleted"),
        (6, "topic.updated"),
    ]
    assert missed[2]["data"]["body"] == "one, edited"
    assert subscribed["seq"] == 6
    await ws.disconnect()


@live
@pytest.mark.usefixtures("stop_hub_after")
async def test_the_group_hears_of_new_topics(place):
    ws = await open_socket(place.marc)
    await subscribe(ws, f"forum_group:{place.group.pk}")
    topic = await sync_to_async(_open)(place)
    frame = await ws.receive_json_from(timeout=3)
    assert (frame["event"], frame["data"]["id"], frame["data"]["title"]) == (
        "topic.created",
        topic.pk,
        "Call",
    )
    await ws.disconnect()


@live
@pytest.mark.usefixtures("stop_hub_after")
async def test_hiding_a_topic_cuts_its_readers_off(place):
    topic = await sync_to_async(_open)(place)
    await sync_to_async(topics.topic_mark_read)(user=place.marc, topic=topic)
    ws = await open_socket(place.marc)
    await subscribe(ws, f"forum_topic:{topic.pk}")
    await sync_to_async(moderation.topic_moderate)(
        moderator=place.staff, topic=topic, verb="hide_topic", reason="Spam"
    )
    while (frame := await ws.receive_json_from(timeout=3))["type"] != "unsubscribed":
        assert frame["type"] == "event"
    assert (frame["topic"], frame["reason"]) == (f"forum_topic:{topic.pk}", "access_revoked")
    await ws.disconnect()


@live
@pytest.mark.usefixtures("stop_hub_after")
async def test_an_organisation_leaving_the_partnership_loses_the_forum_at_once(place):
    from community.services.partnerships import partnership_remove_member

    topic = await sync_to_async(_open)(place)
    await sync_to_async(topics.topic_mark_read)(user=place.anna, topic=topic)
    ws = await open_socket(place.anna)
    await subscribe(ws, f"forum_topic:{topic.pk}")
    await subscribe(ws, f"forum_group:{place.group.pk}")
    organisation = await sync_to_async(lambda: place.anna.memberships.get().organisation)()
    await sync_to_async(partnership_remove_member)(
        partnership=place.forum.partnership, organisation=organisation, user=place.staff
    )
    gone = set()
    while len(gone) < 2:
        frame = await ws.receive_json_from(timeout=3)
        assert frame["type"] == "unsubscribed"
        assert frame["reason"] == "access_revoked"
        gone.add(frame["topic"])
    assert gone == {f"forum_topic:{topic.pk}", f"forum_group:{place.group.pk}"}
    await ws.disconnect()
