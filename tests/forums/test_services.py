"""Forum services: topics, replies, edits, deletion, reactions, reading, subscriptions,
moderation, notifications by subscription level, mentions restricted to readers."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404

from forums.models import (
    ModerationAction,
    Post,
    PostRevision,
    Reaction,
    ReadState,
    SubscriptionLevel,
    Topic,
)
from forums.selectors.forums import (
    forum_get_for,
    forum_list_for,
    topic_get_for,
    topics_of_group,
    unread_by_group,
)
from forums.services import moderation, topics
from forums.services.forums import forum_create, forum_member_add, forum_member_remove
from notifications.models import Notification
from realtime.models import Event

pytestmark = pytest.mark.django_db


def _open(place, author=None, body="First post", **kw):
    return topics.topic_create(
        author=author or place.anna, group=place.group, title="Horizon call", body=body, **kw
    )


def _kinds(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


# --- who reads what -----------------------------------------------------------------------


def test_partnership_forum_is_read_by_its_people_and_staff_only(place, community_forum):
    assert set(forum_list_for(place.anna)) == {place.forum, community_forum}
    assert set(forum_list_for(place.marc)) == {place.forum, community_forum}
    assert set(forum_list_for(place.staff)) == {place.forum, community_forum}
    assert list(forum_list_for(place.olga)) == [community_forum]
    with pytest.raises(Http404):
        forum_get_for(place.olga, place.forum.slug)


def test_fcan_members_are_managed_by_staff(place):
    fcan = forum_create(kind="fcan", name="FCAN")
    assert [g.name for g in fcan.groups.all()] == [
        "General updates",
        "Funding",
        "Digitalisation",
        "Green economy",
    ]
    assert fcan not in forum_list_for(place.olga)
    with pytest.raises(PermissionDenied):
        forum_member_add(by=place.anna, forum=fcan, user=place.olga)
    forum_member_add(by=place.staff, forum=fcan, user=place.olga)
    assert fcan in forum_list_for(place.olga)
    forum_member_remove(by=place.staff, forum=fcan, user=place.olga)
    assert fcan not in forum_list_for(place.olga)


def test_outsider_cannot_post(place):
    with pytest.raises(Http404):
        _open(place, author=place.olga)
    topic = _open(place)
    with pytest.raises(Http404):
        topics.post_reply(author=place.olga, topic=topic, body="Let me in")
    with pytest.raises(Http404):
        topic_get_for(place.olga, topic.pk)


# --- writing ------------------------------------------------------------------------------


def test_topic_and_reply_log_events_with_sequence_numbers(place):
    topic = _open(place)
    post, created = topics.post_reply(author=place.marc, topic=topic, body="Count us in")
    assert created
    on_topic = list(Event.objects.filter(topic=f"forum_topic:{topic.pk}").order_by("seq"))
    assert [(e.seq, e.type) for e in on_topic] == [
        (1, "post.created"),
        (2, "post.created"),
        (3, "topic.updated"),
    ]
    assert on_topic[1].data["id"] == post.pk
    assert on_topic[1].data["body_html"] == "<p>Count us in</p>"
    assert on_topic[2].data["post_count"] == 2
    on_group = Event.objects.filter(topic=f"forum_group:{place.group.pk}").order_by("seq")
    assert [e.type for e in on_group] == ["topic.created", "topic.updated"]


def test_reply_with_the_same_client_id_is_stored_once(place):
    topic = _open(place)
    first, created = topics.post_reply(author=place.marc, topic=topic, body="x", client_id="c1")
    again, created_again = topics.post_reply(
        author=place.marc, topic=topic, body="x", client_id="c1"
    )
    assert (created, created_again) == (True, False)
    assert first == again
    assert topic.posts.count() == 2


def test_reply_to_a_post_of_another_topic_is_refused(place):
    topic, other = _open(place), _open(place, client_id="other")
    with pytest.raises(ValidationError):
        topics.post_reply(author=place.marc, topic=topic, body="x", reply_to=other.posts.get())


def test_edit_keeps_the_history(place):
    topic = _open(place, body="Deadline is 3 May")
    post = topic.posts.get()
    topics.post_edit(user=place.anna, post=post, body="Deadline is 5 May")
    topics.post_edit(user=place.anna, post=post, body="Deadline is 6 May")
    post.refresh_from_db()
    assert post.body == "Deadline is 6 May"
    assert post.edited_at is not None
    assert list(PostRevision.objects.filter(post=post).values_list("body", flat=True)) == [
        "Deadline is 3 May",
        "Deadline is 5 May",
    ]
    assert Event.objects.filter(topic=f"forum_topic:{topic.pk}", type="post.edited").count() == 2
    with pytest.raises(PermissionDenied):
        topics.post_edit(user=place.marc, post=post, body="Not mine")


def test_soft_delete_leaves_a_tombstone(place):
    topic = _open(place)
    post, _ = topics.post_reply(author=place.marc, topic=topic, body="Oops")
    with pytest.raises(PermissionDenied):
        topics.post_delete(user=place.anna, post=post)
    topics.post_delete(user=place.marc, post=post)
    post.refresh_from_db()
    assert post.deleted_at is not None
    assert Post.objects.filter(pk=post.pk).exists()
    topic.refresh_from_db()
    assert topic.post_count == 1
    event = Event.objects.get(topic=f"forum_topic:{topic.pk}", type="post.deleted")
    assert event.data == {
        "id": post.pk,
        "topic": topic.pk,
        "deleted_at": post.deleted_at.isoformat(),
    }
    with pytest.raises(PermissionDenied):
        topics.post_edit(user=place.marc, post=post, body="Back")


def test_one_reaction_per_person_post_and_emoji(place):
    post = _open(place).posts.get()
    assert topics.reaction_add(user=place.marc, post=post, emoji="👍") == {"👍": 1}
    assert topics.reaction_add(user=place.marc, post=post, emoji="👍") == {"👍": 1}
    assert topics.reaction_add(user=place.anna, post=post, emoji="👍") == {"👍": 2}
    assert topics.reaction_add(user=place.anna, post=post, emoji="🎉") == {"👍": 2, "🎉": 1}
    assert topics.reaction_remove(user=place.anna, post=post, emoji="👍") == {"👍": 1, "🎉": 1}
    with pytest.raises(ValidationError):
        topics.reaction_add(user=place.anna, post=post, emoji="💩")
    with pytest.raises(IntegrityError), transaction.atomic():
        Reaction.objects.create(post=post, user=place.marc, emoji="👍")
    # Repeats change nothing, so they say nothing live either.
    assert Event.objects.filter(type="reactions.updated").count() == 4


def test_locked_topic_refuses_replies_but_not_moderators(place):
    topic = _open(place)
    moderation.topic_moderate(moderator=place.staff, topic=topic, verb="lock", reason="Done")
    with pytest.raises(PermissionDenied):
        topics.post_reply(author=place.marc, topic=topic, body="Late")
    topics.post_reply(author=place.staff, topic=topic, body="Closing note")


def test_read_state_and_unread_counts(place):
    topic = _open(place)
    topics.post_reply(author=place.marc, topic=topic, body="one")
    topics.post_reply(author=place.marc, topic=topic, body="two")
    assert topics_of_group(place.anna, place.group).get().unread == 2
    assert unread_by_group(place.anna, place.forum) == {place.group.pk: 1}
    state = topics.topic_mark_read(user=place.anna, topic=topic)
    assert state.last_read_post_id == topic.posts.order_by("pk").last().pk
    assert state.seq == Event.objects.filter(topic=f"forum_topic:{topic.pk}").count()
    assert topics_of_group(place.anna, place.group).get().unread == 0
    assert unread_by_group(place.anna, place.forum) == {}
    # Never backwards.
    first = topic.posts.order_by("pk").first()
    topics.topic_mark_read(user=place.anna, topic=topic, post_id=first.pk)
    assert ReadState.objects.get(user=place.anna, topic=topic).last_read_post_id > first.pk


# --- notifications by level ---------------------------------------------------------------


def test_author_watches_and_hears_every_reply(place):
    topic = _open(place)
    topics.post_reply(author=place.marc, topic=topic, body="one")
    assert _kinds(place.anna) == ["forum.reply"]
    assert _kinds(place.marc) == []  # never of one's own post


def test_levels_decide_who_hears_what(place):
    topic = _open(place)
    first = topic.posts.get()
    topics.subscription_set(user=place.anna, topic=topic, level=SubscriptionLevel.TRACKING)
    topics.post_reply(author=place.marc, topic=topic, body="not to Anna")
    assert _kinds(place.anna) == []  # tracking: not every reply
    topics.post_reply(author=place.marc, topic=topic, body="to Anna", reply_to=first)
    assert _kinds(place.anna) == ["forum.reply"]  # a reply to her post
    topics.post_reply(author=place.marc, topic=topic, body="Hi @[Anna Berg]")
    assert _kinds(place.anna) == ["forum.mention", "forum.reply"]
    # Read, so that anything new would be a new notification, not an update of an unread one.
    Notification.objects.filter(recipient=place.anna).update(unread=False)
    topics.subscription_set(user=place.anna, topic=topic, level=SubscriptionLevel.MUTED)
    topics.post_reply(author=place.marc, topic=topic, body="@[Anna Berg] again", reply_to=first)
    assert len(_kinds(place.anna)) == 2  # muted: nothing


def test_mentions_reach_only_readers_of_the_forum(place):
    topic = _open(place, body="Asking @[Olga Nowak] and @[Marc Dubois]")
    assert _kinds(place.marc) == ["forum.mention"]
    assert _kinds(place.olga) == []
    notification = Notification.objects.get(recipient=place.marc)
    assert notification.url == f"/forums/topics/{topic.pk}/#post-{topic.posts.get().pk}"


def test_group_watchers_hear_of_new_topics(place):
    topics.subscription_set(user=place.marc, group=place.group, level=SubscriptionLevel.WATCHING)
    _open(place)
    assert _kinds(place.marc) == ["forum.topic"]


def test_a_muted_group_silences_its_topics(place):
    topics.subscription_set(user=place.anna, group=place.group, level=SubscriptionLevel.MUTED)
    topic = _open(place, author=place.marc, client_id="m")
    topics.post_reply(author=place.marc, topic=topic, body="@[Anna Berg] look")
    assert _kinds(place.anna) == []


# --- moderation ---------------------------------------------------------------------------


def test_moderation_is_logged_with_its_reason(place):
    topic = _open(place)
    post, _ = topics.post_reply(author=place.marc, topic=topic, body="spam")
    with pytest.raises(PermissionDenied):
        moderation.topic_moderate(moderator=place.anna, topic=topic, verb="pin", reason="x")
    with pytest.raises(ValidationError):
        moderation.topic_moderate(moderator=place.staff, topic=topic, verb="pin", reason=" ")
    moderation.topic_moderate(moderator=place.staff, topic=topic, verb="pin", reason="Key call")
    moderation.post_moderate(moderator=place.staff, post=post, hidden=True, reason="Spam")
    log = list(ModerationAction.objects.order_by("pk").values_list("verb", "reason", "moderator"))
    assert log == [("pin", "Key call", place.staff.pk), ("hide_post", "Spam", place.staff.pk)]
    hidden = Event.objects.get(topic=f"forum_topic:{topic.pk}", type="post.hidden")
    assert hidden.data["hidden"] is True
    assert hidden.data["body"] == ""
    topic.refresh_from_db()
    assert topic.pinned
    assert topic.post_count == 1


def test_a_hidden_topic_is_seen_by_staff_only(place):
    topic = _open(place)
    moderation.topic_moderate(moderator=place.staff, topic=topic, verb="hide_topic", reason="Off")
    with pytest.raises(Http404):
        topic_get_for(place.anna, topic.pk)
    assert topic_get_for(place.staff, topic.pk) == topic
    # The group's readers are told once that it went; later activity stays with staff.
    topics.post_reply(author=place.staff, topic=topic, body="Note for moderators")
    on_group = Event.objects.filter(topic=f"forum_group:{place.group.pk}").order_by("seq")
    assert [(e.type, e.data["hidden"]) for e in on_group] == [
        ("topic.created", False),
        ("topic.updated", True),
    ]
    assert not Topic.objects.get(pk=topic.pk).pinned


# --- partnerships open their forums -------------------------------------------------------


def test_a_new_partnership_gets_its_forum(ecosystems):
    from community.services.partnerships import partnership_create
    from tests.factories import OrganisationFactory, StaffFactory

    partnership = partnership_create(
        user=StaffFactory(), kind="escp_4i", name="Blue Ports", coordinator=OrganisationFactory()
    )
    assert [g.name for g in partnership.forum.groups.all()] == [
        "General updates",
        "Funding",
        "Internationalisation",
    ]


def test_the_migration_opens_forums_for_existing_partnerships(place):
    import importlib

    from django.apps import apps as global_apps

    migration = importlib.import_module("forums.migrations.0002_partnership_forums")
    place.forum.delete()
    migration.open_forums(global_apps, None)
    forum = place.forum.partnership.__class__.objects.get(pk=place.forum.partnership_id).forum
    assert forum.groups.count() == 3
    assert forum_list_for(place.anna).filter(pk=forum.pk).exists()
