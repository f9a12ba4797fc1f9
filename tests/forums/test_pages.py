"""The forum pages: what each person sees and can do, without JavaScript."""

from __future__ import annotations

import pytest

from forums.models import Post, Reaction, ReadState
from forums.services import moderation, topics

pytestmark = pytest.mark.django_db


def _topic(place, body="Hello **all**"):
    return topics.topic_create(
        author=place.anna, group=place.group, title="Funding call", body=body
    )


def test_the_menu_links_to_the_forums(client):
    assert '<a href="/forums/" ' in client.get("/").content.decode()


def test_a_member_walks_from_the_index_to_a_topic(client, place):
    topic = _topic(place)
    client.force_login(place.marc)
    assert place.forum.name in client.get("/forums/").content.decode()
    html = client.get(place.forum.get_absolute_url()).content.decode()
    assert "Funding" in html
    assert "1 topic with new posts" in html
    html = client.get(place.group.get_absolute_url()).content.decode()
    assert topic.get_absolute_url() in html
    assert f'data-topic="forum_group:{place.group.pk}"' in html
    html = client.get(topic.get_absolute_url()).content.decode()
    assert "<strong>all</strong>" in html
    assert f'data-topic="forum_topic:{topic.pk}" data-seq="1"' in html
    assert "data-markdown-editor" in html  # the codebase's markdown editor
    # Rendering alone reads nothing: a post is read once it has been on screen
    # (forum-reading.js), and the page says where the new posts start.
    # (It leaves a read state at 0: whoever opened the topic is cut off at once if it is
    # hidden; forums/services/reading.py, topic_opened.)
    assert ReadState.objects.get(user=place.marc, topic=topic).last_read_post_id == 0
    assert 'id="unread"' in html


def test_an_outsider_gets_404_on_every_page(client, place):
    topic = _topic(place)
    client.force_login(place.olga)
    for url in [
        place.forum.get_absolute_url(),
        place.group.get_absolute_url(),
        topic.get_absolute_url(),
    ]:
        assert client.get(url).status_code == 404
    assert client.post(f"/forums/topics/{topic.pk}/reply/", {"body": "hi"}).status_code == 404
    assert place.forum.name not in client.get("/forums/").content.decode()


def test_open_a_topic_and_reply_through_the_forms(client, place):
    client.force_login(place.anna)
    answer = client.post(place.group.get_absolute_url(), {"title": "Green deal", "body": "Ideas?"})
    assert answer.status_code == 302
    topic = place.group.topics.get()
    client.force_login(place.marc)
    first = topic.posts.get()
    answer = client.post(f"/forums/topics/{topic.pk}/reply/", {"body": "Yes", "reply_to": first.pk})
    assert answer.status_code == 302
    assert Post.objects.get(body="Yes").reply_to == first
    answer = client.post(f"/forums/topics/{topic.pk}/reply/", {"body": ""})
    assert answer.status_code == 400


def test_edit_page_shows_the_earlier_versions(client, place):
    post = _topic(place, body="First words").posts.get()
    client.force_login(place.anna)
    assert (
        client.post(f"/forums/posts/{post.pk}/edit/", {"body": "Better words"}).status_code == 302
    )
    html = client.get(f"/forums/posts/{post.pk}/edit/").content.decode()
    assert "First words" in html
    client.force_login(place.marc)
    assert client.get(f"/forums/posts/{post.pk}/edit/").status_code == 403


def test_delete_and_react_through_the_forms(client, place):
    topic = _topic(place)
    post = topic.posts.get()
    client.force_login(place.marc)
    client.post(f"/forums/posts/{post.pk}/react/", {"emoji": "🎉"})
    assert Reaction.objects.filter(post=post, user=place.marc, emoji="🎉").exists()
    client.post(f"/forums/posts/{post.pk}/react/", {"emoji": "🎉", "remove": "1"})
    assert not Reaction.objects.exists()
    client.force_login(place.anna)
    client.post(f"/forums/posts/{post.pk}/delete/")
    assert "This post was deleted." in client.get(topic.get_absolute_url()).content.decode()


def test_moderation_controls_are_for_staff(client, place):
    topic = _topic(place)
    client.force_login(place.anna)
    assert "Moderation log" not in client.get(topic.get_absolute_url()).content.decode()
    assert (
        client.post(
            f"/forums/topics/{topic.pk}/moderate/", {"action": "pin", "reason": "x"}
        ).status_code
        == 403
    )
    client.force_login(place.staff)
    client.post(f"/forums/topics/{topic.pk}/moderate/", {"action": "pin", "reason": "Important"})
    post = topic.posts.get()
    client.post(f"/forums/posts/{post.pk}/moderate/", {"hidden": "1", "reason": "Off topic"})
    html = client.get(topic.get_absolute_url()).content.decode()
    assert "Moderation log" in html
    assert "Important" in html
    assert "Off topic" in html
    client.force_login(place.marc)
    html = client.get(topic.get_absolute_url()).content.decode()
    assert "This post was hidden by a moderator." in html
    assert "Hello" not in html


def test_a_locked_topic_has_no_reply_form(client, place):
    topic = _topic(place)
    moderation.topic_moderate(moderator=place.staff, topic=topic, verb="lock", reason="Closed")
    client.force_login(place.marc)
    html = client.get(topic.get_absolute_url()).content.decode()
    assert 'id="reply-form"' not in html
    assert "This topic is locked." in html


def test_a_visitor_reads_a_community_forum(client, community_forum):
    group = community_forum.groups.get()
    html = client.get(group.get_absolute_url()).content.decode()
    assert "Log in to take part." in html
    assert client.post(group.get_absolute_url(), {"title": "t", "body": "b"}).status_code == 302
    assert not group.topics.exists()


def test_standard_forum_and_group_names_are_shown_in_the_readers_language(client, place):
    from forums.models import ForumGroup

    ForumGroup.objects.create(forum=place.forum, name="Hydrogen valleys", slug="hydrogen")
    client.force_login(place.marc)
    html = client.get(place.forum.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Financement" in html  # "Funding", a group every partnership forum starts with
    assert ">Funding<" not in html
    assert "Hydrogen valleys" in html  # a name staff wrote is content, shown as written
