"""Unread counts (forums.selectors.forums) for a mixed case: read part-way, read to the end,
muted, one's own posts, deleted and hidden posts, a hidden topic, two groups.

A topic's unread posts are the visible posts by others after the person's read position;
the group count is how many visible topics have any. The follow level does not change them
(muting is about notifications; docs/decisions.md, "Forum unread counts").
"""

from __future__ import annotations

import pytest

from bench.forum_unread import build
from forums.models import Post, ReadState, Topic
from forums.selectors.forums import topics_of_group, unread_by_group
from forums.services import moderation, topics

pytestmark = pytest.mark.django_db


def _open(place, author, title, group=None):
    return topics.topic_create(
        author=author, group=group or place.group, title=title, body=f"{title}: first post"
    )


def _reply(author, topic, body="A reply"):
    return topics.post_reply(author=author, topic=topic, body=body)[0]


def test_unread_counts_for_a_mixed_case(place):
    anna, marc = place.anna, place.marc
    other_group = place.forum.groups.exclude(pk=place.group.pk).first()

    partial = _open(place, marc, "Read part-way")
    second = _reply(marc, partial)
    _reply(marc, partial)
    _reply(marc, partial)
    topics.topic_mark_read(user=anna, topic=partial, post_id=second.pk)  # 2 left

    muted = _open(place, marc, "Muted")
    _reply(marc, muted)
    topics.subscription_set(user=anna, level="muted", topic=muted)  # 2 unread, never read

    read = _open(place, marc, "Read to the end")
    _reply(marc, read)
    topics.topic_mark_read(user=anna, topic=read)  # 0

    own = _open(place, anna, "Only Anna wrote")  # her own posts: 0
    _reply(anna, own)

    deleted = _open(place, marc, "Reply deleted")
    topics.topic_mark_read(user=anna, topic=deleted)
    gone = _reply(marc, deleted)
    topics.post_delete(user=marc, post=gone)  # 0

    hidden_post = _open(place, marc, "Reply hidden")
    topics.topic_mark_read(user=anna, topic=hidden_post)
    shown, hidden = _reply(marc, hidden_post), _reply(marc, hidden_post)
    moderation.post_moderate(moderator=place.staff, post=hidden, hidden=True, reason="Spam")
    del shown  # 1: the shown reply

    answered = _open(place, marc, "Anna answered")
    topics.topic_mark_read(user=anna, topic=answered)
    _reply(marc, answered)
    _reply(anna, answered)  # replying moves her position past marc's reply: 0

    hidden_topic = _open(place, marc, "Hidden topic")
    _reply(marc, hidden_topic)
    moderation.topic_moderate(
        moderator=place.staff, topic=hidden_topic, verb="hide_topic", reason="Off topic"
    )

    elsewhere = _open(place, marc, "Other group", group=other_group)  # 1

    by_topic = {t.pk: t.unread for t in topics_of_group(anna, place.group)}
    assert by_topic == {
        partial.pk: 2,
        muted.pk: 2,
        read.pk: 0,
        own.pk: 0,
        deleted.pk: 0,
        hidden_post.pk: 1,
        answered.pk: 0,
    }
    assert {t.pk: t.unread for t in topics_of_group(anna, other_group)} == {elsewhere.pk: 1}
    # Topics with unread posts: part-way, muted, the hidden reply's topic; and the other group.
    assert unread_by_group(anna, place.forum) == {place.group.pk: 3, other_group.pk: 1}

    # Marc's view: everything is his but Anna's two topics' posts.
    assert unread_by_group(marc, place.forum) == {place.group.pk: 2}
    # Staff see the hidden topic (2 posts by marc), and count hidden posts no more than others.
    staff_counts = {t.pk: t.unread for t in topics_of_group(place.staff, place.group)}
    assert staff_counts[hidden_topic.pk] == 2
    assert staff_counts[hidden_post.pk] == 2  # the first post and the shown reply
    assert unread_by_group(place.staff, place.forum) == {place.group.pk: 8, other_group.pk: 1}


def test_a_topic_is_unread_again_when_someone_else_replies(place):
    topic = _open(place, place.anna, "Mine")
    _reply(place.anna, topic)
    assert unread_by_group(place.anna, place.forum) == {}
    _reply(place.marc, topic)
    assert unread_by_group(place.anna, place.forum) == {place.group.pk: 1}
    topics.topic_mark_read(user=place.anna, topic=topic)
    assert unread_by_group(place.anna, place.forum) == {}


def test_bench_data_counts_match_a_count_by_hand():
    """bench/forum_unread.py at a small size: the selector agrees with a count done in
    Python over the same rows."""
    person, forum, groups = build(topics=60, others=5, reads_each=10)
    expected: dict[int, int] = {}
    positions = dict(
        ReadState.objects.filter(user=person).values_list("topic_id", "last_read_post_id")
    )
    for topic in Topic.objects.filter(group__forum=forum, hidden=False):
        unread = [
            p
            for p in Post.objects.filter(topic=topic)
            if p.visible and p.author_id != person.pk and p.pk > positions.get(topic.pk, 0)
        ]
        if unread:
            expected[topic.group_id] = expected.get(topic.group_id, 0) + 1
    assert expected  # the data holds unread topics in some groups
    assert unread_by_group(person, forum) == expected
    assert len(groups) == 4
