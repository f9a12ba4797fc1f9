"""Topic.last_post_id, the topic's last visible post, kept by the services
(forums.services.topic_last_post), and the unread counts that read it."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from forums.models import ReadState, Topic
from forums.selectors.forums import topics_of_group, unread_by_group
from forums.services import flags, moderation, topics

pytestmark = pytest.mark.django_db


def _last(topic: Topic) -> int | None:
    return Topic.objects.get(pk=topic.pk).last_post_id


def _reply(author, topic, body="A reply"):
    return topics.post_reply(author=author, topic=topic, body=body)[0]


def test_opening_a_topic_sets_its_last_post_and_the_authors_position(place):
    topic = topics.topic_create(author=place.marc, group=place.group, title="Hi", body="First")
    first = topic.posts.get()
    assert _last(topic) == first.pk
    assert ReadState.objects.get(user=place.marc, topic=topic).last_read_post_id == first.pk
    assert unread_by_group(place.marc, place.forum) == {}
    assert unread_by_group(place.anna, place.forum) == {place.group.pk: 1}


def test_a_reply_moves_the_last_post(place):
    topic = topics.topic_create(author=place.marc, group=place.group, title="Hi", body="First")
    reply = _reply(place.anna, topic)
    assert _last(topic) == reply.pk
    assert ReadState.objects.get(user=place.anna, topic=topic).last_read_post_id == reply.pk


def test_deleting_the_last_post_moves_it_back_and_the_topic_is_read_again(place):
    topic = topics.topic_create(author=place.marc, group=place.group, title="Hi", body="First")
    topics.topic_mark_read(user=place.anna, topic=topic)
    first = topic.posts.get()
    reply = _reply(place.marc, topic)
    assert unread_by_group(place.anna, place.forum) == {place.group.pk: 1}
    topics.post_delete(user=place.marc, post=reply)
    assert _last(topic) == first.pk
    assert unread_by_group(place.anna, place.forum) == {}
    assert {t.pk: t.unread for t in topics_of_group(place.anna, place.group)} == {topic.pk: 0}


def test_deleting_an_earlier_post_keeps_the_last_one(place):
    topic = topics.topic_create(author=place.marc, group=place.group, title="Hi", body="First")
    middle = _reply(place.marc, topic)
    last = _reply(place.marc, topic)
    topics.post_delete(user=place.marc, post=middle)
    assert _last(topic) == last.pk


def test_hiding_and_showing_the_last_post(place):
    topic = topics.topic_create(author=place.marc, group=place.group, title="Hi", body="First")
    topics.topic_mark_read(user=place.anna, topic=topic)
    first = topic.posts.get()
    reply = _reply(place.marc, topic)
    moderation.post_moderate(moderator=place.staff, post=reply, hidden=True, reason="Spam")
    assert _last(topic) == first.pk
    assert unread_by_group(place.anna, place.forum) == {}
    moderation.post_moderate(moderator=place.staff, post=reply, hidden=False, reason="Fine")
    assert _last(topic) == reply.pk
    assert unread_by_group(place.anna, place.forum) == {place.group.pk: 1}
    assert {t.pk: t.unread for t in topics_of_group(place.anna, place.group)} == {topic.pk: 1}


def test_a_topic_whose_only_post_is_hidden_has_no_last_post(place):
    topic = topics.topic_create(author=place.marc, group=place.group, title="Hi", body="First")
    moderation.post_moderate(
        moderator=place.staff, post=topic.posts.get(), hidden=True, reason="Spam"
    )
    assert _last(topic) is None
    assert unread_by_group(place.anna, place.forum) == {}
    assert unread_by_group(place.staff, place.forum) == {}


def test_resolving_a_flag_by_hiding_moves_the_last_post(place):
    topic = topics.topic_create(author=place.marc, group=place.group, title="Hi", body="First")
    first = topic.posts.get()
    reply = _reply(place.marc, topic)
    flag, _created = flags.post_flag(user=place.anna, post=reply, reason="Rude")
    flags.flag_resolve(moderator=place.staff, flag=flag, hide=True)
    assert _last(topic) == first.pk


def test_the_migration_backfills_last_posts_and_authors_positions(place):
    """0006_unread_topic_last_post on rows written before it: the column empty, an author
    without a read state in the topic they opened."""
    migration = importlib.import_module("forums.migrations.0006_unread_topic_last_post")
    opened = topics.topic_create(author=place.marc, group=place.group, title="Hi", body="First")
    reply = _reply(place.anna, opened)
    hidden = _reply(place.marc, opened)
    moderation.post_moderate(moderator=place.staff, post=hidden, hidden=True, reason="Spam")
    Topic.objects.update(last_post_id=None)
    ReadState.objects.filter(user=place.marc).delete()
    ReadState.objects.filter(user=place.anna).update(last_read_post_id=0)

    migration.backfill(apps, None)

    assert _last(opened) == reply.pk
    positions = dict(
        ReadState.objects.filter(topic=opened).values_list("user_id", "last_read_post_id")
    )
    assert positions == {place.marc.pk: opened.posts.order_by("pk")[0].pk, place.anna.pk: reply.pk}
    assert unread_by_group(place.anna, place.forum) == {}
    assert unread_by_group(place.marc, place.forum) == {place.group.pk: 1}
