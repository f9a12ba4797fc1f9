"""Unanswered questions posted as topics in the organising partnership's forum
(config/pages/event_followup.py): who may, one topic per question, once."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections
from django.test import Client
from django.utils import timezone

from forums.models import Topic
from forums.services.forums import forum_for_partnership
from forums.services.topics import topic_create
from tests.factories import (
    EventFactory,
    EventPersonFactory,
    MembershipFactory,
    PartnershipFactory,
    RegistrationFactory,
    UserFactory,
)
from webinars.models import Question, QuestionForumTopic
from webinars.services.report import questions_post_as_topics

pytestmark = pytest.mark.django_db


@pytest.fixture
def followup(ecosystems):
    partnership = PartnershipFactory()
    event = EventFactory(organiser_organisation=None, organiser_partnership=partnership)
    organiser = MembershipFactory(
        organisation=partnership.coordinator,
        user=UserFactory(full_name="Olivia Organiser"),
        role="admin",
    ).user
    asker = RegistrationFactory(event=event, user=UserFactory(full_name="Ada Asker")).user
    forum = forum_for_partnership(partnership)
    group = forum.groups.get(slug="funding")
    now = timezone.now()
    questions = {
        "open": Question.objects.create(
            event=event, author=asker, body="Which calls fit *SMEs*?", upvote_count=3
        ),
        "anonymous": Question.objects.create(
            event=event, author=asker, body="Is co-funding needed?", anonymous=True
        ),
        "answered": Question.objects.create(
            event=event, author=asker, body="When?", answered_at=now, answer="Today."
        ),
        "hidden": Question.objects.create(event=event, author=asker, body="Spam", hidden_at=now),
    }
    return event, organiser, asker, group, questions


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_an_organiser_posts_unanswered_questions_once(followup):
    event, organiser, _asker, group, questions = followup
    client = _client(organiser)
    url = f"/events/{event.slug}/report/forum/"
    page = client.get(url).content.decode()
    assert "Which calls fit *SMEs*?" in page
    assert "Is co-funding needed?" in page
    assert "When?" not in page
    assert "Spam" not in page
    chosen = [questions["open"].pk, questions["anonymous"].pk]
    response = client.post(url, {"questions": chosen, "group": group.pk})
    assert response.status_code == 302
    topics = Topic.objects.filter(group=group).order_by("pk")
    assert [t.title for t in topics] == ["Which calls fit *SMEs*?", "Is co-funding needed?"]
    first_post = topics[0].posts.order_by("pk").first()
    assert "Ada Asker" not in first_post.body
    assert f"/events/{event.slug}/archive/" in first_post.body
    assert "\\*SMEs\\*" in first_post.body  # shown as typed, not as emphasis
    records = QuestionForumTopic.objects.order_by("question_id")
    assert [r.topic_id for r in records] == [t.pk for t in topics]
    # The page now links to the topics and offers nothing left to post.
    page = client.get(url).content.decode()
    assert topics[0].get_absolute_url() in page
    # Sent again (a double click, a second organiser): nothing posted twice.
    again = client.post(url, {"questions": chosen, "group": group.pk})
    assert again.status_code == 400
    questions_post_as_topics(
        event=event,
        question_ids=[*chosen, questions["answered"].pk, questions["hidden"].pk],
        by=organiser,
        post=lambda q: pytest.fail("posted twice"),
    )
    assert Topic.objects.filter(group=group).count() == 2


def test_a_question_must_be_chosen(followup):
    event, organiser, _asker, group, _questions = followup
    response = _client(organiser).post(f"/events/{event.slug}/report/forum/", {"group": group.pk})
    assert response.status_code == 400
    assert "Choose at least one question." in response.content.decode()
    assert Topic.objects.filter(group=group).count() == 0


def test_only_the_organisers_reach_the_followup(followup, room):
    event, _organiser, asker, _group, _questions = followup
    for user in (asker, UserFactory(), room.organiser):
        assert _client(user).get(f"/events/{event.slug}/report/forum/").status_code == 404
    assert Client().get(f"/events/{event.slug}/report/forum/").status_code == 404
    # An event organised by an organisation, not a partnership, has no forum to post to.
    assert _client(room.organiser).get(f"/events/{room.event.slug}/report/forum/").status_code == (
        404
    )


def test_the_report_links_to_the_followup_only_for_a_partnership_event(followup, room):
    event, organiser, *_ = followup
    link = "Post unanswered questions to the forum"
    assert link in _client(organiser).get(f"/events/{event.slug}/report/").content.decode()
    assert (
        link
        not in _client(room.organiser).get(f"/events/{room.event.slug}/report/").content.decode()
    )


def test_a_host_who_does_not_organise_sees_the_report_without_the_followup(followup):
    event, *_ = followup
    host = EventPersonFactory(event=event, user=UserFactory()).user
    client = _client(host)
    page = client.get(f"/events/{event.slug}/report/").content.decode()
    assert "Post unanswered questions to the forum" not in page
    assert client.get(f"/events/{event.slug}/report/forum/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_two_organisers_posting_at_once_post_a_question_once(followup):
    """Organiser A's posting holds the question's row lock; B's call waits for it, then
    finds A's record and posts nothing (PostgreSQL: SQLite serialises whole writes)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's row locks")
    event, organiser, _asker, group, questions = followup
    second = MembershipFactory(
        organisation=event.organiser_partnership.coordinator, user=UserFactory(), role="admin"
    ).user
    question_id = questions["open"].pk
    inside, release = threading.Event(), threading.Event()
    posted = []

    def post_as(user):
        def post(question):
            posted.append(user.pk)
            if user == organiser:
                inside.set()
                assert release.wait(10)
            topic = topic_create(author=user, group=group, title="Q", body=question.body)
            return topic.pk, topic.get_absolute_url()

        return post

    results = {}

    def run(user):
        try:
            results[user.pk] = questions_post_as_topics(
                event=event, question_ids=[question_id], by=user, post=post_as(user)
            )
        finally:
            connections.close_all()

    first = threading.Thread(target=run, args=(organiser,))
    first.start()
    assert inside.wait(10)
    other = threading.Thread(target=run, args=(second,))
    other.start()
    # Wait until B is blocked on A's row lock, then let A finish.
    deadline = time.monotonic() + 10
    with connection.cursor() as cursor:
        while True:
            cursor.execute(
                "select count(*) from pg_stat_activity "
                "where wait_event_type = 'Lock' and datname = current_database()"
            )
            if cursor.fetchone()[0] >= 1:
                break
            assert time.monotonic() < deadline, "the second organiser never waited"
            time.sleep(0.01)  # a poll interval: the condition is what we wait for
    release.set()
    first.join(10)
    other.join(10)
    assert posted == [organiser.pk]
    assert Topic.objects.filter(group=group).count() == 1
    assert [r.topic_id for r in results[organiser.pk]] == [r.topic_id for r in results[second.pk]]
