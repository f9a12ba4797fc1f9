"""Who hears of a forum post, on which channel: every topic level by group level by mentioned
or not by replied to or not, for a reply; every group level by mentioned or not, for a new
topic. Through the services and the notifications app (in-app list, push deliveries, email
deliveries, the digest), with the kinds' default channels and with preferences changed.

The rule (docs/architecture.md, "Who is notified"): a person's level is their level on the
topic, else `muted` if they muted its group, else `normal`.
- reply: `muted` → nothing, not even a mention; a mention → `forum.mention`; else `watching`
  → `forum.reply` for every reply; `tracking` and `normal` → `forum.reply` for a reply to
  one of their posts. One notification per person and post: the mention wins.
- new topic: a mention → `forum.mention` (unless the group is muted); else watching the
  group → `forum.topic`.
- Defaults: `forum.reply` in-app + push; `forum.mention` in-app + push + email;
  `forum.topic` in-app; all three in the digest (which lists unread in-app notifications).
The author and whoever replied watch the topic unless they had chosen a level for it.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from forums.models import GroupSubscription, SubscriptionLevel, TopicSubscription
from forums.services import topics
from notifications.digest import digest_build
from notifications.models import Channel, Delivery, Notification, Preference, PushSubscription
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

LEVELS = [None, "watching", "tracking", "normal", "muted"]
DEFAULTS = {
    "forum.reply": {"in_app", "push", "digest"},
    "forum.mention": {"in_app", "push", "email", "digest"},
    "forum.topic": {"in_app", "digest"},
}
CHANNELS = ("in_app", "push", "email", "digest")


def _reader(place, name):
    """Another member of the partnership (the coordinator's organisation), with one device."""
    organisation = place.marc.memberships.get().organisation
    person = MembershipFactory(organisation=organisation, user=UserFactory(full_name=name)).user
    PushSubscription.objects.create(
        user=person,
        endpoint=f"https://fcm.googleapis.com/fcm/send/{person.pk}",
        p256dh="key",
        auth="secret",
    )
    return person


def _set_level(user, *, topic=None, group=None, level):
    """`level` None: no row of one's own (the default)."""
    if topic is not None:
        TopicSubscription.objects.filter(user=user, topic=topic).delete()
    else:
        GroupSubscription.objects.filter(user=user, group=group).delete()
    if level is not None:
        topics.subscription_set(user=user, topic=topic, group=group, level=level)


def _heard(people, since):
    """Per channel: {(person's name, kind)} of what the notifications app holds for them."""
    heard: dict[str, set[tuple[str, str]]] = {channel: set() for channel in CHANNELS}
    for person in people:
        for n in Notification.objects.filter(recipient=person, created_at__gte=since):
            if n.deleted_at is None:
                heard["in_app"].add((person.full_name, n.kind))
            for channel in (Channel.PUSH, Channel.EMAIL):
                if Delivery.objects.filter(notification=n, channel=channel).exists():
                    heard[channel.value].add((person.full_name, n.kind))
        digest = digest_build(person, since - timedelta(seconds=1))
        for n in Notification.objects.filter(pk__in=digest.notification_ids):
            heard["digest"].add((person.full_name, n.kind))
    return heard


def _expected(entries):
    """{(name, kind)} per channel, from the kinds' default channels."""
    expected: dict[str, set[tuple[str, str]]] = {channel: set() for channel in CHANNELS}
    for name, kind in entries:
        for channel in DEFAULTS[kind]:
            expected[channel].add((name, kind))
    return expected


def _reply_kind(topic_level, group_level, mentioned, replied_to):
    level = topic_level or ("muted" if group_level == "muted" else "normal")
    if level == "muted":
        return None
    if mentioned:
        return "forum.mention"
    if level == "watching" or replied_to:
        return "forum.reply"
    return None


@pytest.mark.parametrize("replied_to", [False, True], ids=["reply", "reply-to-her"])
@pytest.mark.parametrize("mentioned", [False, True], ids=["-", "mentioned"])
@pytest.mark.parametrize("group_level", LEVELS, ids=lambda v: f"group-{v}")
@pytest.mark.parametrize("topic_level", LEVELS, ids=lambda v: f"topic-{v}")
def test_who_hears_of_a_reply(place, topic_level, group_level, mentioned, replied_to):
    pia = _reader(place, "Pia Lund")
    bystander = _reader(place, "Bo Stein")  # no level anywhere: normal
    anna, marc = place.anna, place.marc
    for person in (anna, marc):
        PushSubscription.objects.create(
            user=person,
            endpoint=f"https://fcm.googleapis.com/fcm/send/{person.pk}",
            p256dh="key",
            auth="secret",
        )
    topic = topics.topic_create(
        author=anna, group=place.group, title="Joint call", body="Who is in?"
    )
    pia_post = topics.post_reply(author=pia, topic=topic, body="We are.")[0]
    _set_level(pia, topic=topic, level=topic_level)
    _set_level(pia, group=place.group, level=group_level)
    since = timezone.now()

    body = "Agreed, @[Pia Lund]." if mentioned else "Agreed."
    topics.post_reply(
        author=marc, topic=topic, body=body, reply_to=pia_post if replied_to else None
    )

    entries = {("Anna Berg", "forum.reply")}  # the author watches her topic
    kind = _reply_kind(topic_level, group_level, mentioned, replied_to)
    if kind:
        entries.add(("Pia Lund", kind))
    assert _heard([anna, marc, pia, bystander], since) == _expected(entries)


@pytest.mark.parametrize("mentioned", [False, True], ids=["-", "mentioned"])
@pytest.mark.parametrize("group_level", LEVELS, ids=lambda v: f"group-{v}")
def test_who_hears_of_a_new_topic(place, group_level, mentioned):
    pia = _reader(place, "Pia Lund")
    bystander = _reader(place, "Bo Stein")
    watcher = _reader(place, "Wim Vos")
    topics.subscription_set(user=watcher, group=place.group, level="watching")
    _set_level(pia, group=place.group, level=group_level)
    since = timezone.now()

    body = "A new call, @[Pia Lund]." if mentioned else "A new call."
    topics.topic_create(author=place.marc, group=place.group, title="New call", body=body)

    entries = {("Wim Vos", "forum.topic")}
    if mentioned and group_level != "muted":
        entries.add(("Pia Lund", "forum.mention"))
    elif group_level == "watching":
        entries.add(("Pia Lund", "forum.topic"))
    assert _heard([place.marc, pia, bystander, watcher], since) == _expected(entries)


@pytest.mark.parametrize(
    ("kind", "off"),
    [
        ("forum.reply", "push"),
        ("forum.reply", "in_app"),
        ("forum.mention", "email"),
        ("forum.mention", "push"),
        ("forum.mention", "in_app"),
        ("forum.topic", "in_app"),
    ],
)
def test_preferences_take_channels_away(place, kind, off):
    """A channel turned off for a kind is not used; without in-app, the digest (which lists
    unread in-app notifications) leaves it out too; the other channels stay."""
    pia = _reader(place, "Pia Lund")
    Preference.objects.create(user=pia, kind=kind, channel=off, enabled=False)
    if kind == "forum.topic":
        topics.subscription_set(user=pia, group=place.group, level="watching")
    topic = topics.topic_create(author=place.anna, group=place.group, title="Call", body="Hi")
    if kind == "forum.reply":
        topics.subscription_set(user=pia, topic=topic, level="watching")
    since = timezone.now()
    if kind == "forum.mention":
        topics.post_reply(author=place.marc, topic=topic, body="Hi @[Pia Lund]")
    elif kind == "forum.reply":
        topics.post_reply(author=place.marc, topic=topic, body="Hi all")
    else:
        since -= timedelta(seconds=5)  # the topic was opened before `since`
    wanted = DEFAULTS[kind] - {off} - ({"digest"} if off == "in_app" else set())
    heard = _heard([pia], since)
    assert {channel for channel, got in heard.items() if ("Pia Lund", kind) in got} == wanted


def test_one_watches_topics_one_created_or_replied_to(place):
    pia = _reader(place, "Pia Lund")
    topic = topics.topic_create(author=place.anna, group=place.group, title="Call", body="Hi")
    assert _level(place.anna, topic) == SubscriptionLevel.WATCHING
    assert _level(pia, topic) is None
    topics.post_reply(author=pia, topic=topic, body="Count us in")
    assert _level(pia, topic) == SubscriptionLevel.WATCHING
    # A level one chose stays: replying does not turn a muted or tracked topic into watching.
    topics.subscription_set(user=place.marc, topic=topic, level="muted")
    topics.post_reply(author=place.marc, topic=topic, body="Quietly")
    assert _level(place.marc, topic) == SubscriptionLevel.MUTED
    # Replying in a muted group's topic: one watches that topic (its own level wins).
    topics.subscription_set(user=place.staff, group=place.group, level="muted")
    topics.post_reply(author=place.staff, topic=topic, body="Note")
    assert _level(place.staff, topic) == SubscriptionLevel.WATCHING

    since = timezone.now()
    topics.post_reply(author=place.marc, topic=topic, body="Dates are fixed")
    heard = _heard([place.anna, pia, place.marc, place.staff], since)
    assert heard["in_app"] == {
        ("Anna Berg", "forum.reply"),
        ("Pia Lund", "forum.reply"),
        ("Sam Staff", "forum.reply"),
    }


def test_a_mention_added_by_an_edit_follows_the_same_levels(place):
    """An edit notifies only the newly mentioned, with the rule of replies: a topic level of
    one's own wins over a muted group."""
    pia = _reader(place, "Pia Lund")
    bo = _reader(place, "Bo Stein")
    topic = topics.topic_create(author=place.anna, group=place.group, title="Call", body="Hi")
    topics.subscription_set(user=pia, group=place.group, level="muted")
    topics.subscription_set(user=pia, topic=topic, level="tracking")  # her own level wins
    topics.subscription_set(user=bo, group=place.group, level="muted")  # muted
    post = topics.post_reply(author=place.marc, topic=topic, body="Hello")[0]
    since = timezone.now()
    topics.post_edit(user=place.marc, post=post, body="Hello @[Pia Lund] and @[Bo Stein]")
    heard = _heard([pia, bo], since)
    assert heard["in_app"] == {("Pia Lund", "forum.mention")}


def _level(user, topic):
    row = TopicSubscription.objects.filter(user=user, topic=topic).first()
    return row.level if row else None
