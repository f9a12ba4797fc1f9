"""Moving and merging topics, suspending people, the FCAN's members: services, REST API,
pages, and the live layer (events on the right topics, access cut within 2 s)."""

from __future__ import annotations

import asyncio
import datetime

import pytest
from asgiref.sync import sync_to_async
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from forums.models import (
    ForumKind,
    ForumSuspension,
    ModerationAction,
    Post,
    ReadState,
    Topic,
    TopicSubscription,
)
from forums.services import flags, moderation, topics
from forums.services.forums import forum_create, forum_for_partnership, forum_member_add
from realtime.models import Event
from tests.factories import MembershipFactory, PartnershipFactory
from tests.realtime.conftest import open_socket, subscribe

live = pytest.mark.django_db(transaction=True)
CUT_WITHIN = 2.0  # seconds: the promise for live access cuts


def _open(place, title="Call", author=None, group=None):
    return topics.topic_create(
        author=author or place.anna, group=group or place.group, title=title, body="Hi"
    )


async def _frame(ws, timeout=CUT_WITHIN):
    """The next frame that is not a presence update (readers come and go on forum topics)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        frame = await ws.receive_json_from(timeout=max(0.01, deadline - loop.time()))
        if frame.get("type") != "presence":
            return frame


def _events(topic_name):
    return list(Event.objects.filter(topic=topic_name).order_by("seq").values_list("type", "data"))


def _other_forum(place):
    """A second partnership's forum: Olga is its member, Anna and Marc are not."""
    partnership = PartnershipFactory()
    partnership.members.add(MembershipFactory(user=place.olga).organisation)
    return forum_for_partnership(partnership)


# --- move --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_moving_within_a_forum_tells_both_groups_and_is_logged(place):
    topic = _open(place)
    other = place.forum.groups.get(slug="general-updates")
    moderation.topic_move(moderator=place.staff, topic=topic, group=other, reason="Wrong place")
    topic.refresh_from_db()
    assert topic.group == other
    (moved,) = [d for t, d in _events(f"forum_group:{place.group.pk}") if t == "topic.moved"]
    assert moved == {
        "id": topic.pk,
        "from_group": place.group.pk,
        "to_group": other.pk,
        "url": topic.get_absolute_url(),
    }
    assert ("topic.created", topic.pk) in [
        (t, d["id"]) for t, d in _events(f"forum_group:{other.pk}")
    ]
    assert [t for t, _d in _events(f"forum_topic:{topic.pk}")][-1] == "topic.moved"
    action = ModerationAction.objects.get(verb="move")
    assert (action.moderator, action.reason, action.topic) == (place.staff, "Wrong place", topic)
    assert action.details["from_group"] == place.group.pk


@pytest.mark.django_db
def test_moving_needs_a_moderator_a_reason_and_another_group(place):
    topic = _open(place)
    other = place.forum.groups.get(slug="general-updates")
    with pytest.raises(PermissionDenied):
        moderation.topic_move(moderator=place.marc, topic=topic, group=other, reason="x")
    with pytest.raises(ValidationError):
        moderation.topic_move(moderator=place.staff, topic=topic, group=other, reason=" ")
    with pytest.raises(ValidationError):
        moderation.topic_move(moderator=place.staff, topic=topic, group=place.group, reason="x")
    assert not ModerationAction.objects.exists()


@pytest.mark.django_db
def test_moving_to_another_forum_hides_the_new_group_from_the_old_one(place):
    topic = _open(place)
    TopicSubscription.objects.create(user=place.marc, topic=topic, level="watching")
    elsewhere = _other_forum(place).groups.first()
    moderation.topic_move(moderator=place.staff, topic=topic, group=elsewhere, reason="Theirs")
    (moved,) = [d for t, d in _events(f"forum_group:{place.group.pk}") if t == "topic.moved"]
    assert moved["to_group"] is None  # old readers are not told about a forum they cannot read
    # Levels of people who cannot read the new forum go (no notification leaks).
    assert not TopicSubscription.objects.filter(topic=topic, user=place.marc).exists()


def test_moving_through_the_api(api_client, place):
    topic = _open(place)
    other = place.forum.groups.get(slug="general-updates")
    url = f"/api/v1/forums/topics/{topic.pk}/move/"
    api_client.force_authenticate(place.olga)
    assert api_client.post(url, {"group": other.pk, "reason": "x"}).status_code == 404
    api_client.force_authenticate(place.marc)
    assert api_client.post(url, {"group": other.pk, "reason": "x"}).status_code == 403
    api_client.force_authenticate(place.staff)
    assert api_client.post(url, {"group": other.pk}).status_code == 400
    assert api_client.post(url, {"group": 999999, "reason": "x"}).status_code == 404
    response = api_client.post(url, {"group": other.pk, "reason": "Belongs there"})
    assert response.status_code == 200
    assert response.json()["group"] == other.pk


@live
@pytest.mark.usefixtures("stop_hub_after")
async def test_moving_to_another_forum_cuts_readers_who_cannot_follow(place):
    topic = await sync_to_async(_open)(place)
    elsewhere = await sync_to_async(lambda: _other_forum(place).groups.first())()
    anna = await open_socket(place.anna)  # reads the old forum only
    olga = await open_socket(place.olga)  # reads the new forum only
    staff = await open_socket(place.staff)
    name = f"forum_topic:{topic.pk}"
    await subscribe(anna, name)
    await subscribe(staff, name)
    await subscribe(olga, f"forum_group:{elsewhere.pk}")
    await sync_to_async(moderation.topic_move)(
        moderator=place.staff, topic=topic, group=elsewhere, reason="Theirs"
    )
    moved = await _frame(anna)
    assert (moved["event"], moved["data"]["to_group"]) == ("topic.moved", None)
    cut = await _frame(anna)
    assert (cut["type"], cut["topic"], cut["reason"]) == ("unsubscribed", name, "access_revoked")
    # Staff keep it; the new group's readers hear of a topic arriving.
    assert (await _frame(staff))["event"] == "topic.moved"
    arrived = await _frame(olga)
    assert (arrived["event"], arrived["data"]["id"]) == ("topic.created", topic.pk)
    # A reply after the move reaches staff, never Anna.
    await sync_to_async(topics.post_reply)(author=place.staff, topic=topic, body="Moved")
    assert (await _frame(staff))["event"] == "post.created"
    assert await anna.receive_nothing(timeout=0.3)
    for ws in (anna, olga, staff):
        await ws.disconnect()


# --- merge -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_merging_moves_the_posts_in_order_and_leaves_a_redirect(place):
    target = _open(place, title="Funding calls")
    source = _open(place, title="Funding call (duplicate)", author=place.marc)
    reply, _ = topics.post_reply(author=place.anna, topic=source, body="Same here")
    later, _ = topics.post_reply(author=place.marc, topic=target, body="Later in target")
    moderation.topic_merge(moderator=place.staff, source=source, target=target, reason="Dupe")
    source.refresh_from_db()
    target.refresh_from_db()
    ids = list(Post.objects.filter(topic=target).values_list("pk", flat=True))
    assert ids == sorted(ids)
    assert len(ids) == 4
    assert reply.pk in ids
    assert later.pk in ids
    assert (target.post_count, source.post_count, source.merged_into) == (4, 0, target)
    # The source's readers are told where it went; the target's see the moved posts.
    gone = _events(f"forum_topic:{source.pk}")[-1]
    assert gone[0] == "topic.updated"
    assert (gone[1]["merged_into"], gone[1]["merged_into_url"]) == (
        target.pk,
        target.get_absolute_url(),
    )
    created = [d["id"] for t, d in _events(f"forum_topic:{target.pk}") if t == "post.created"]
    assert created[-2:] == [p for p in ids if p not in created[:-2]]
    assert any(
        t == "topic.updated" and d.get("merged_into") == target.pk
        for t, d in _events(f"forum_group:{place.group.pk}")
    )
    action = ModerationAction.objects.get(verb="merge")
    assert action.details == {"source": source.pk, "source_title": source.title, "posts": 2}


@pytest.mark.django_db
def test_merging_carries_read_states_and_levels_over(place):
    target = _open(place, title="A")
    source = _open(place, title="B", author=place.marc)
    topics.topic_mark_read(user=place.staff, topic=source)  # read only the source
    topics.subscription_set(user=place.anna, topic=source, level="muted")  # watching target
    topics.subscription_set(user=place.staff, topic=source, level="tracking")
    staff_read = ReadState.objects.get(user=place.staff, topic=source).last_read_post_id
    anna_read = ReadState.objects.filter(user=place.anna, topic=target).first()
    moderation.topic_merge(moderator=place.staff, source=source, target=target, reason="Dupe")
    assert ReadState.objects.get(user=place.staff, topic=target).last_read_post_id == staff_read
    if anna_read is not None:  # her own position in the target is kept
        assert (
            ReadState.objects.get(user=place.anna, topic=target).last_read_post_id
            == anna_read.last_read_post_id
        )
    levels = dict(TopicSubscription.objects.filter(topic=target).values_list("user", "level"))
    assert levels[place.anna.pk] == "watching"  # her target level wins over the source's
    assert levels[place.staff.pk] == "tracking"  # carried over
    assert levels[place.marc.pk] == "watching"  # the source's author now watches the target


@pytest.mark.django_db
def test_a_merged_topic_refuses_replies_and_a_second_merge(place):
    target = _open(place, title="A")
    source = _open(place, title="B")
    with pytest.raises(ValidationError):
        moderation.topic_merge(moderator=place.staff, source=target, target=target, reason="x")
    moderation.topic_merge(moderator=place.staff, source=source, target=target, reason="x")
    with pytest.raises(ValidationError):
        topics.post_reply(author=place.anna, topic=source, body="Still here?")
    with pytest.raises(ValidationError):
        moderation.topic_merge(moderator=place.staff, source=source, target=target, reason="x")


@pytest.mark.django_db
def test_a_merge_keeps_unread_counts_true(place):
    from forums.selectors.forums import unread_by_group

    target = _open(place, title="A", author=place.anna)
    source = _open(place, title="B", author=place.marc)
    reply, _created = topics.post_reply(author=place.marc, topic=source, body="More from me")
    moderation.topic_merge(moderator=place.staff, source=source, target=target, reason="Dupe")
    source.refresh_from_db()
    target.refresh_from_db()
    assert source.last_post_id is None  # nothing left to be unread there
    assert target.last_post_id == reply.pk
    # Marc's own moved posts are not unread for him; Anna has not read them.
    assert unread_by_group(place.marc, place.forum) == {}
    assert unread_by_group(place.anna, place.forum) == {place.group.pk: 1}
    assert ReadState.objects.get(user=place.marc, topic=target).last_read_post_id == reply.pk


@pytest.mark.django_db
def test_a_merge_costs_its_events_per_moved_post_not_a_payload_lookup_each(place):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def merge_cost(replies):
        target = _open(place, title="Target")
        source = _open(place, title="Source", author=place.marc)
        for n in range(replies):
            topics.post_reply(author=place.marc, topic=source, body=f"Reply {n}")
        with CaptureQueriesContext(connection) as queries:
            moderation.topic_merge(moderator=place.staff, source=source, target=target, reason="x")
        return len(queries)

    small, large = merge_cost(1), merge_cost(6)
    # Five more posts: one event each (its row and the topic's counter), nothing per post
    # for cards, attachments or reactions (loaded for all moved posts at once).
    assert large - small <= 5 * 2


def test_merging_through_the_api_and_the_redirect(api_client, client, place):
    target = _open(place, title="A")
    source = _open(place, title="B")
    url = f"/api/v1/forums/topics/{source.pk}/merge/"
    api_client.force_authenticate(place.marc)
    assert api_client.post(url, {"target": target.pk, "reason": "x"}).status_code == 403
    api_client.force_authenticate(place.staff)
    assert api_client.post(url, {"target": 999999, "reason": "x"}).status_code == 404
    response = api_client.post(url, {"target": target.pk, "reason": "Dupe"})
    assert (response.status_code, response.json()["id"]) == (200, target.pk)
    api_client.force_authenticate(place.anna)
    assert api_client.get(f"/api/v1/forums/topics/{source.pk}/").json()["merged_into"] == target.pk
    listed = api_client.get(f"/api/v1/forums/groups/{place.group.pk}/topics/").json()["results"]
    assert [t["id"] for t in listed] == [target.pk]
    client.force_login(place.anna)
    response = client.get(source.get_absolute_url())
    assert (response.status_code, response["Location"]) == (302, target.get_absolute_url())


@live
@pytest.mark.usefixtures("stop_hub_after")
async def test_merge_live_source_readers_told_target_readers_see_posts(place):
    target = await sync_to_async(_open)(place, title="A")
    source = await sync_to_async(_open)(place, title="B")
    reader = await open_socket(place.marc)
    watcher = await open_socket(place.anna)
    await subscribe(reader, f"forum_topic:{source.pk}")
    await subscribe(watcher, f"forum_topic:{target.pk}")
    await sync_to_async(moderation.topic_merge)(
        moderator=place.staff, source=source, target=target, reason="Dupe"
    )
    told = await _frame(reader)
    assert (told["event"], told["data"]["merged_into"]) == ("topic.updated", target.pk)
    moved = await _frame(watcher)
    first_of_source = await sync_to_async(lambda: Post.objects.filter(topic=target).last().pk)()
    assert (moved["event"], moved["data"]["id"]) == ("post.created", first_of_source)
    updated = await _frame(watcher)
    assert (updated["event"], updated["data"]["post_count"]) == ("topic.updated", 2)
    await reader.disconnect()
    await watcher.disconnect()


# --- suspensions -------------------------------------------------------------------------


def _suspend(place, user=None, days=3):
    return moderation.suspension_create(
        moderator=place.staff,
        forum=place.forum,
        user=user or place.anna,
        until=timezone.now() + datetime.timedelta(days=days),
        reason="Cooling off",
    )


@pytest.mark.django_db
def test_a_suspended_person_reads_but_cannot_write(place):
    topic = _open(place)
    post, _ = topics.post_reply(author=place.anna, topic=topic, body="Before")
    other, _ = topics.post_reply(author=place.marc, topic=topic, body="Marc's")
    _suspend(place)
    attempts = [
        lambda: topics.topic_create(author=place.anna, group=place.group, title="T", body="B"),
        lambda: topics.post_reply(author=place.anna, topic=topic, body="After"),
        lambda: topics.post_edit(user=place.anna, post=post, body="Edited"),
        lambda: topics.reaction_add(user=place.anna, post=other, emoji="👍"),
        lambda: flags.post_flag(user=place.anna, post=other, reason="Spam"),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied, match="suspended from this forum until"):
            attempt()
    # Reading, and writing elsewhere, still work; Marc is not concerned.
    topics.topic_mark_read(user=place.anna, topic=topic)
    topics.post_reply(author=place.marc, topic=topic, body="Fine")


@pytest.mark.django_db
def test_a_suspension_ends_at_its_date_or_when_lifted(place):
    topic = _open(place)
    suspension = _suspend(place)
    ForumSuspension.objects.filter(pk=suspension.pk).update(
        until=timezone.now() - datetime.timedelta(seconds=1)
    )
    topics.post_reply(author=place.anna, topic=topic, body="Back")
    suspension = _suspend(place)
    with pytest.raises(ValidationError):
        moderation.suspension_lift(moderator=place.staff, suspension=suspension, reason="")
    moderation.suspension_lift(moderator=place.staff, suspension=suspension, reason="Apologised")
    topics.post_reply(author=place.anna, topic=topic, body="Back again")
    verbs = list(ModerationAction.objects.order_by("pk").values_list("verb", "subject"))
    assert verbs == [
        ("suspend", place.anna.pk),
        ("suspend", place.anna.pk),
        ("lift_suspension", place.anna.pk),
    ]


@pytest.mark.django_db
def test_suspending_needs_a_moderator_a_future_date_and_no_staff_target(place):
    with pytest.raises(PermissionDenied):
        moderation.suspension_create(
            moderator=place.marc,
            forum=place.forum,
            user=place.anna,
            until=timezone.now() + datetime.timedelta(days=1),
            reason="x",
        )
    with pytest.raises(ValidationError):
        _suspend(place, days=-1)
    with pytest.raises(ValidationError):
        _suspend(place, user=place.staff)
    assert not ForumSuspension.objects.exists()


def test_suspensions_through_the_api(api_client, place):
    topic = _open(place)
    until = (timezone.now() + datetime.timedelta(days=2)).isoformat()
    url = f"/api/v1/forums/{place.forum.slug}/suspensions/"
    api_client.force_authenticate(place.olga)
    assert api_client.get(url).status_code == 404
    api_client.force_authenticate(place.marc)
    assert api_client.get(url).status_code == 403
    body = {"user": place.anna.pk, "until": until, "reason": "Heated"}
    assert api_client.post(url, body).status_code == 403
    api_client.force_authenticate(place.staff)
    assert api_client.post(url, {**body, "until": "2001-01-01T00:00:00Z"}).status_code == 400
    created = api_client.post(url, body)
    assert created.status_code == 201
    assert created.json()["active"] is True
    assert [s["user"]["id"] for s in api_client.get(url).json()] == [place.anna.pk]
    api_client.force_authenticate(place.anna)
    refused = api_client.post(f"/api/v1/forums/topics/{topic.pk}/posts/", {"body": "hi"})
    assert refused.status_code == 403
    assert "suspended from this forum until" in refused.json()["error"]["message"]
    assert api_client.get(f"/api/v1/forums/topics/{topic.pk}/posts/").status_code == 200
    api_client.force_authenticate(place.staff)
    lift = f"/api/v1/forums/suspensions/{created.json()['id']}/lift/"
    assert api_client.post(lift, {}).status_code == 400
    lifted = api_client.post(lift, {"reason": "Calmed down"})
    assert (lifted.status_code, lifted.json()["active"]) == (200, False)
    api_client.force_authenticate(place.anna)
    assert (
        api_client.post(f"/api/v1/forums/topics/{topic.pk}/posts/", {"body": "hi"}).status_code
        == 201
    )
    log = f"/api/v1/forums/{place.forum.slug}/moderation/"
    assert api_client.get(log).status_code == 403
    api_client.force_authenticate(place.staff)
    assert [a["verb"] for a in api_client.get(log).json()] == ["lift_suspension", "suspend"]


def test_the_pages_say_until_when_and_staff_suspend_and_lift(client, place):
    topic = _open(place)
    client.force_login(place.staff)
    page = f"/forums/{place.forum.slug}/moderation/"
    assert client.get(page).status_code == 200
    response = client.post(
        page, {"user": place.anna.pk, "until": "2099-05-01T10:00", "reason": "Heated"}
    )
    assert response.status_code == 302
    suspension = ForumSuspension.objects.get()
    assert "Heated" in client.get(page).content.decode()
    client.force_login(place.anna)
    html = client.get(topic.get_absolute_url()).content.decode()
    assert 'id="suspension-notice"' in html
    assert "2099" in html
    assert 'id="reply-form"' not in html
    assert 'id="suspension-notice"' in client.get(place.group.get_absolute_url()).content.decode()
    refused = client.post(f"/forums/topics/{topic.pk}/reply/", {"body": "Let me"})
    assert refused.status_code == 400
    assert "2099" in refused.content.decode()
    assert client.get(page).status_code == 403
    client.force_login(place.staff)
    client.post(f"/forums/suspensions/{suspension.pk}/lift/", {"reason": "Fine now"})
    suspension.refresh_from_db()
    assert suspension.lifted_by == place.staff


# --- FCAN members and people leaving ----------------------------------------------------


@pytest.fixture
def fcan(place):
    forum = forum_create(kind=ForumKind.FCAN, name="Forum of Cluster Associations and Networks")
    forum_member_add(by=place.staff, forum=forum, user=place.olga)
    return forum


def test_staff_manage_the_fcan_members_from_the_api(api_client, place, fcan):
    url = f"/api/v1/forums/{fcan.slug}/members/"
    api_client.force_authenticate(place.anna)
    assert api_client.get(url).status_code == 404
    api_client.force_authenticate(place.olga)
    assert api_client.get(url).status_code == 403
    api_client.force_authenticate(place.staff)
    assert [m["user"]["id"] for m in api_client.get(url).json()] == [place.olga.pk]
    assert api_client.post(url, {"user": place.anna.pk}).status_code == 201
    assert api_client.post(url, {"user": place.anna.pk}).status_code == 200
    assert api_client.post(url, {"user": 999999}).status_code == 404
    assert api_client.delete(f"{url}{place.olga.pk}/").status_code == 204
    assert api_client.delete(f"{url}{place.olga.pk}/").status_code == 404
    assert [m["user"]["id"] for m in api_client.get(url).json()] == [place.anna.pk]
    partnership = f"/api/v1/forums/{place.forum.slug}/members/"
    assert api_client.post(partnership, {"user": place.olga.pk}).status_code == 400
    verbs = [a["verb"] for a in api_client.get(f"/api/v1/forums/{fcan.slug}/moderation/").json()]
    assert verbs == ["member_remove", "member_add", "member_add"]


def test_staff_manage_the_fcan_members_from_the_page(client, place, fcan):
    page = f"/forums/{fcan.slug}/members/"
    client.force_login(place.olga)
    assert client.get(page).status_code == 403
    client.force_login(place.staff)
    html = client.get(page, {"q": "Anna"}).content.decode()
    assert "Anna Berg" in html
    assert f'value="{place.anna.pk}"' in html
    assert client.post(page, {"user": place.anna.pk}).status_code == 302
    assert fcan.members.filter(user=place.anna).exists()
    html = client.get(page).content.decode()
    assert "Anna Berg" in html
    assert "Olga Nowak" in html
    client.post(f"{page}{place.olga.pk}/remove/")
    assert not fcan.members.filter(user=place.olga).exists()
    assert client.get(f"/forums/{place.forum.slug}/members/").status_code == 404


async def _until_cut(ws, names):
    """Frames until every topic in `names` was cut; fails after CUT_WITHIN seconds."""
    gone: set[str] = set()
    async with asyncio.timeout(CUT_WITHIN):
        while gone != names:
            frame = await _frame(ws)
            assert frame["type"] == "unsubscribed", frame
            assert frame["reason"] == "access_revoked"
            gone.add(frame["topic"])


@live
@pytest.mark.usefixtures("stop_hub_after")
async def test_a_removed_fcan_member_is_cut_within_two_seconds(place, fcan):
    group = await sync_to_async(lambda: fcan.groups.first())()
    # A topic she never opened: no read state, yet she is subscribed to it live.
    topic = await sync_to_async(_open)(place, author=place.staff, group=group)
    ws = await open_socket(place.olga)
    await subscribe(ws, f"forum_topic:{topic.pk}")
    await subscribe(ws, f"forum_group:{group.pk}")
    from forums.services.forums import forum_member_remove

    await sync_to_async(forum_member_remove)(by=place.staff, forum=fcan, user=place.olga)
    await _until_cut(ws, {f"forum_topic:{topic.pk}", f"forum_group:{group.pk}"})
    await ws.disconnect()


@live
@pytest.mark.usefixtures("stop_hub_after")
async def test_a_person_leaving_the_organisation_is_cut_within_two_seconds(place):
    from community.services.organisations import membership_leave

    topic = await sync_to_async(_open)(place)
    ws = await open_socket(place.anna)
    await subscribe(ws, f"forum_topic:{topic.pk}")
    await subscribe(ws, f"forum_group:{place.group.pk}")
    organisation = await sync_to_async(lambda: place.anna.memberships.get().organisation)()
    # Someone else keeps the organisation administered, so Anna may leave.
    await sync_to_async(MembershipFactory)(organisation=organisation, role="admin")
    await sync_to_async(membership_leave)(organisation=organisation, user=place.anna)
    await _until_cut(ws, {f"forum_topic:{topic.pk}", f"forum_group:{place.group.pk}"})
    await ws.disconnect()


@live
@pytest.mark.usefixtures("stop_hub_after")
async def test_a_person_removed_by_an_admin_is_cut_but_a_colleague_keeps_access(place):
    from community.models import OrganisationMembership
    from community.services.organisations import membership_remove

    topic = await sync_to_async(_open)(place)
    organisation = await sync_to_async(lambda: place.marc.memberships.get().organisation)()
    admin = await sync_to_async(
        lambda: MembershipFactory(organisation=organisation, role="admin").user
    )()
    marc = await open_socket(place.marc)
    colleague = await open_socket(admin)
    for ws in (marc, colleague):
        await subscribe(ws, f"forum_topic:{topic.pk}")
    membership = await sync_to_async(
        lambda: OrganisationMembership.objects.get(user=place.marc, organisation=organisation)
    )()
    await sync_to_async(membership_remove)(membership=membership, user=admin)
    await _until_cut(marc, {f"forum_topic:{topic.pk}"})
    await sync_to_async(topics.post_reply)(author=admin, topic=topic, body="Still here")
    assert (await _frame(colleague))["event"] == "post.created"
    assert await marc.receive_nothing(timeout=0.3)
    await marc.disconnect()
    await colleague.disconnect()


@live
@pytest.mark.usefixtures("stop_hub_after")
async def test_an_organisation_leaving_cuts_topics_never_read(place):
    from community.services.partnerships import partnership_remove_member

    topic = await sync_to_async(_open)(place, author=place.marc)  # Anna never read it
    ws = await open_socket(place.anna)
    await subscribe(ws, f"forum_topic:{topic.pk}")
    organisation = await sync_to_async(lambda: place.anna.memberships.get().organisation)()
    await sync_to_async(partnership_remove_member)(
        partnership=place.forum.partnership, organisation=organisation, user=place.staff
    )
    await _until_cut(ws, {f"forum_topic:{topic.pk}"})
    await ws.disconnect()


def test_the_group_page_sets_the_group_notification_level(client, place):
    from forums.models import GroupSubscription

    client.force_login(place.anna)
    html = client.get(place.group.get_absolute_url()).content.decode()
    assert 'for="id_group_level"' in html
    assert 'id="id_group_level"' in html
    response = client.post(f"/forums/groups/{place.group.pk}/subscription/", {"level": "watching"})
    assert response.status_code == 302
    assert GroupSubscription.objects.get(user=place.anna, group=place.group).level == "watching"
    html = client.get(place.group.get_absolute_url()).content.decode()
    assert '<option value="watching" selected>' in html
    client.force_login(place.olga)
    assert (
        client.post(
            f"/forums/groups/{place.group.pk}/subscription/", {"level": "muted"}
        ).status_code
        == 404
    )


def test_moving_and_merging_from_the_topic_page(client, place):
    topic = _open(place, title="A")
    other = _open(place, title="B")
    group = place.forum.groups.get(slug="general-updates")
    client.force_login(place.marc)
    assert 'id="id_move-group"' not in client.get(topic.get_absolute_url()).content.decode()
    assert (
        client.post(
            f"/forums/topics/{topic.pk}/move/", {"group": group.pk, "reason": "x"}
        ).status_code
        == 403
    )
    client.force_login(place.staff)
    html = client.get(topic.get_absolute_url()).content.decode()
    assert 'id="id_move-group"' in html
    assert 'id="id_merge-target"' in html
    client.post(f"/forums/topics/{topic.pk}/move/", {"group": group.pk, "reason": "There"})
    assert Topic.objects.get(pk=topic.pk).group == group
    response = client.post(
        f"/forums/topics/{other.pk}/merge/", {"target": topic.pk, "reason": "Dupe"}
    )
    assert (response.status_code, response["Location"]) == (302, topic.get_absolute_url())
    html = client.get(topic.get_absolute_url()).content.decode()
    assert "Merged the topic" in html
    assert "Moved the topic" in html


@live
@pytest.mark.usefixtures("stop_hub_after")
async def test_an_organisation_deleted_by_staff_cuts_its_people_within_two_seconds(place):
    from community.services.organisations import organisation_delete

    topic = await sync_to_async(_open)(place, author=place.marc)
    ws = await open_socket(place.anna)
    await subscribe(ws, f"forum_topic:{topic.pk}")
    organisation = await sync_to_async(lambda: place.anna.memberships.get().organisation)()
    await sync_to_async(organisation_delete)(organisation=organisation, user=place.staff)
    await _until_cut(ws, {f"forum_topic:{topic.pk}"})
    await ws.disconnect()
