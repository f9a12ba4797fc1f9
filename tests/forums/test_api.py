"""The forums REST API: access, writing, reading back, moderation."""

from __future__ import annotations

import pytest

from forums.services import topics
from realtime.models import Event

pytestmark = pytest.mark.django_db


def _topic(place):
    return topics.topic_create(author=place.anna, group=place.group, title="Call", body="Hello")


def test_an_outsider_gets_404_everywhere_in_a_partnership_forum(api_client, place):
    topic = _topic(place)
    post = topic.posts.get()
    api_client.force_authenticate(place.olga)
    for url in [
        f"/api/v1/forums/{place.forum.slug}/",
        f"/api/v1/forums/groups/{place.group.pk}/topics/",
        f"/api/v1/forums/topics/{topic.pk}/",
        f"/api/v1/forums/topics/{topic.pk}/posts/",
    ]:
        assert api_client.get(url).status_code == 404, url
    assert (
        api_client.post(f"/api/v1/forums/topics/{topic.pk}/posts/", {"body": "hi"}).status_code
        == 404
    )
    assert (
        api_client.post(f"/api/v1/forums/posts/{post.pk}/reactions/", {"emoji": "👍"}).status_code
        == 404
    )
    assert api_client.get("/api/v1/forums/").json() == []


def test_a_member_opens_a_topic_and_replies(api_client, place):
    api_client.force_authenticate(place.anna)
    forum = api_client.get(f"/api/v1/forums/{place.forum.slug}/").json()
    assert [g["name"] for g in forum["groups"]] == [
        "General updates",
        "Funding",
        "Internationalisation",
    ]
    answer = api_client.post(
        f"/api/v1/forums/groups/{place.group.pk}/topics/",
        {"title": "Horizon call", "body": "Who applies?", "client_id": "t1"},
    )
    assert answer.status_code == 201
    topic = answer.json()
    retried = api_client.post(
        f"/api/v1/forums/groups/{place.group.pk}/topics/",
        {"title": "Horizon call", "body": "Who applies?", "client_id": "t1"},
    )
    assert retried.status_code == 200
    assert retried.json()["id"] == topic["id"]
    assert topic["live_topic"] == f"forum_topic:{topic['id']}"
    assert topic["seq"] == 1
    assert topic["subscription"] == "watching"
    api_client.force_authenticate(place.marc)
    reply = api_client.post(
        f"/api/v1/forums/topics/{topic['id']}/posts/", {"body": "We do", "client_id": "r1"}
    )
    assert reply.status_code == 201
    again = api_client.post(
        f"/api/v1/forums/topics/{topic['id']}/posts/", {"body": "We do", "client_id": "r1"}
    )
    assert again.status_code == 200
    assert again.json()["id"] == reply.json()["id"]
    posts = api_client.get(f"/api/v1/forums/topics/{topic['id']}/posts/").json()["results"]
    assert [p["body"] for p in posts] == ["Who applies?", "We do"]
    listing = api_client.get(f"/api/v1/forums/groups/{place.group.pk}/topics/").json()
    assert listing["results"][0]["unread"] == 0  # replying reads what came before
    api_client.force_authenticate(place.anna)
    listing = api_client.get(f"/api/v1/forums/groups/{place.group.pk}/topics/").json()
    assert listing["results"][0]["unread"] == 1  # Marc's reply


def test_reply_to_a_post_elsewhere_is_a_400(api_client, place):
    topic, other = _topic(place), _topic(place)
    api_client.force_authenticate(place.marc)
    answer = api_client.post(
        f"/api/v1/forums/topics/{topic.pk}/posts/",
        {"body": "x", "reply_to": other.posts.get().pk},
    )
    assert answer.status_code == 400
    assert "reply_to" in answer.json()["error"]["fields"]


def test_edit_history_is_for_the_author_and_moderators(api_client, place):
    post = _topic(place).posts.get()
    api_client.force_authenticate(place.anna)
    assert (
        api_client.patch(f"/api/v1/forums/posts/{post.pk}/", {"body": "Hello all"}).status_code
        == 200
    )
    assert [
        r["body"] for r in api_client.get(f"/api/v1/forums/posts/{post.pk}/revisions/").json()
    ] == ["Hello"]
    api_client.force_authenticate(place.marc)
    assert api_client.get(f"/api/v1/forums/posts/{post.pk}/revisions/").status_code == 403
    assert api_client.patch(f"/api/v1/forums/posts/{post.pk}/", {"body": "Mine"}).status_code == 403
    api_client.force_authenticate(place.staff)
    assert api_client.get(f"/api/v1/forums/posts/{post.pk}/revisions/").status_code == 200


def test_delete_leaves_a_tombstone_in_the_history(api_client, place):
    topic = _topic(place)
    post = topic.posts.get()
    api_client.force_authenticate(place.anna)
    assert api_client.delete(f"/api/v1/forums/posts/{post.pk}/").status_code == 204
    (gone,) = api_client.get(f"/api/v1/forums/topics/{topic.pk}/posts/").json()["results"]
    assert gone["body"] == ""
    assert gone["deleted_at"] is not None


def test_reactions_count_once_per_person(api_client, place):
    post = _topic(place).posts.get()
    api_client.force_authenticate(place.marc)
    for _ in range(2):
        answer = api_client.post(f"/api/v1/forums/posts/{post.pk}/reactions/", {"emoji": "👍"})
        assert answer.json() == {"reactions": {"👍": 1}}
    answer = api_client.post(f"/api/v1/forums/posts/{post.pk}/reactions/remove/", {"emoji": "👍"})
    assert answer.json() == {"reactions": {}}
    assert (
        api_client.post(f"/api/v1/forums/posts/{post.pk}/reactions/", {"emoji": "x"}).status_code
        == 400
    )


def test_read_and_subscription(api_client, place):
    topic = _topic(place)
    api_client.force_authenticate(place.marc)
    answer = api_client.post(f"/api/v1/forums/topics/{topic.pk}/read/", {})
    assert answer.json()["last_read_post_id"] == topic.posts.get().pk
    assert (answer.json()["seq"], answer.json()["unread"]) == (1, 0)
    answer = api_client.put(f"/api/v1/forums/topics/{topic.pk}/subscription/", {"level": "muted"})
    assert answer.json() == {"level": "muted"}
    assert api_client.get(f"/api/v1/forums/topics/{topic.pk}/").json()["subscription"] == "muted"
    answer = api_client.put(
        f"/api/v1/forums/groups/{place.group.pk}/subscription/", {"level": "loud"}
    )
    assert answer.status_code == 400


def test_moderation_needs_staff_and_is_logged(api_client, place):
    topic = _topic(place)
    api_client.force_authenticate(place.anna)
    url = f"/api/v1/forums/topics/{topic.pk}/moderate/"
    assert api_client.post(url, {"action": "lock", "reason": "x"}).status_code == 403
    api_client.force_authenticate(place.staff)
    assert api_client.post(url, {"action": "lock", "reason": ""}).status_code == 400
    answer = api_client.post(url, {"action": "lock", "reason": "Call closed"})
    assert answer.json()["locked"] is True
    log = api_client.get(f"/api/v1/forums/topics/{topic.pk}/moderation/").json()
    assert [(a["verb"], a["reason"], a["moderator"]["id"]) for a in log] == [
        ("lock", "Call closed", place.staff.pk)
    ]
    assert Event.objects.filter(topic=f"forum_topic:{topic.pk}", type="topic.updated").exists()
    api_client.force_authenticate(place.marc)
    reply = api_client.post(f"/api/v1/forums/topics/{topic.pk}/posts/", {"body": "late"})
    assert reply.status_code == 403


def test_a_community_forum_is_public_to_read_but_posting_needs_login(api_client, community_forum):
    group = community_forum.groups.get()
    assert api_client.get(f"/api/v1/forums/{community_forum.slug}/").status_code == 200
    assert api_client.get(f"/api/v1/forums/groups/{group.pk}/topics/").status_code == 200
    answer = api_client.post(
        f"/api/v1/forums/groups/{group.pk}/topics/", {"title": "t", "body": "b"}
    )
    assert answer.status_code in {401, 403}


def test_topic_list_query_count_is_bounded(api_client, place, django_assert_max_num_queries):
    for _ in range(5):
        _topic(place)
    api_client.force_authenticate(place.marc)
    with django_assert_max_num_queries(12):
        answer = api_client.get(f"/api/v1/forums/groups/{place.group.pk}/topics/")
    assert answer.json()["count"] == 5
