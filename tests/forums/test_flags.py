"""Readers flag forum posts; staff resolve the flags in the one moderation queue."""

from __future__ import annotations

import pytest

from forums.models import ModerationAction, ModerationVerb, PostFlag
from forums.services import flags, topics

pytestmark = pytest.mark.django_db


def _post(place):
    topic = topics.topic_create(author=place.marc, group=place.group, title="Call", body="Hi")
    post, _new = topics.post_reply(author=place.marc, topic=topic, body="Buy cheap watches")
    return post


def test_a_member_flags_a_post_once_through_the_api(api_client, place):
    post = _post(place)
    api_client.force_authenticate(place.anna)
    url = f"/api/v1/forums/posts/{post.pk}/flags/"
    first = api_client.post(url, {"reason": "Spam"}, format="json")
    assert first.status_code == 201
    assert first.json()["post"] == post.pk
    assert first.json()["resolved"] is False
    again = api_client.post(url, {"reason": "Still spam"}, format="json")
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["reason"] == "Spam"
    assert PostFlag.objects.filter(post=post).count() == 1


def test_a_flag_needs_a_reason_of_at_most_2000_characters(api_client, place):
    post = _post(place)
    api_client.force_authenticate(place.anna)
    url = f"/api/v1/forums/posts/{post.pk}/flags/"
    assert api_client.post(url, {"reason": "  "}, format="json").status_code == 400
    assert api_client.post(url, {"reason": "x" * 2001}, format="json").status_code == 400
    assert api_client.post(url, {"reason": "x" * 2000}, format="json").status_code == 201


def test_who_cannot_read_the_forum_gets_404_and_no_flag(api_client, place):
    post = _post(place)
    api_client.force_authenticate(place.olga)
    url = f"/api/v1/forums/posts/{post.pk}/flags/"
    assert api_client.post(url, {"reason": "Spam"}, format="json").status_code == 404
    assert not PostFlag.objects.exists()


def test_an_anonymous_caller_cannot_flag(api_client, place):
    post = _post(place)
    url = f"/api/v1/forums/posts/{post.pk}/flags/"
    assert api_client.post(url, {"reason": "Spam"}, format="json").status_code in (401, 403)
    assert not PostFlag.objects.exists()


def test_the_topic_page_flags_without_javascript(client, place):
    post = _post(place)
    client.force_login(place.anna)
    page = client.get(post.topic.get_absolute_url())
    assert f'action="/forums/posts/{post.pk}/flag/"' in page.content.decode()
    response = client.post(f"/forums/posts/{post.pk}/flag/", {"reason": "Spam"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#post-{post.pk}")
    assert PostFlag.objects.get(post=post).reason == "Spam"
    client.post(f"/forums/posts/{post.pk}/flag/", {"reason": "Again"})
    assert PostFlag.objects.filter(post=post).count() == 1


def test_the_flag_page_action_answers_404_to_an_outsider(client, place):
    post = _post(place)
    client.force_login(place.olga)
    assert client.post(f"/forums/posts/{post.pk}/flag/", {"reason": "Spam"}).status_code == 404
    assert not PostFlag.objects.exists()


def test_staff_see_the_flag_in_the_queue_with_a_link_to_the_post(client, place):
    post = _post(place)
    flags.post_flag(user=place.anna, post=post, reason="Selling watches")
    client.force_login(place.staff)
    html = client.get("/moderation/").content.decode()
    assert f"{post.topic.get_absolute_url()}#post-{post.pk}" in html
    assert "Selling watches" in html
    only = client.get("/moderation/?kind=flag").content.decode()
    assert "Selling watches" in only
    assert "Selling watches" not in client.get("/moderation/?kind=report").content.decode()


def test_a_non_staff_member_cannot_resolve_a_flag(client, place):
    post = _post(place)
    flag, _new = flags.post_flag(user=place.anna, post=post, reason="Spam")
    client.force_login(place.anna)
    response = client.post(f"/moderation/flag/{flag.pk}/resolve/", {"action": "hide"})
    assert response.status_code == 404
    flag.refresh_from_db()
    assert flag.resolved_at is None


def test_staff_hide_the_post_from_the_queue_and_the_flag_leaves_it(client, place):
    post = _post(place)
    flag, _new = flags.post_flag(user=place.anna, post=post, reason="Selling watches")
    other, _new = flags.post_flag(user=place.marc, post=post, reason="Spam too")
    client.force_login(place.staff)
    response = client.post(f"/moderation/flag/{flag.pk}/resolve/", {"action": "hide"})
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.hidden
    action = ModerationAction.objects.get(post=post)
    assert action.verb == ModerationVerb.HIDE_POST
    assert "Selling watches" in action.reason
    assert action.moderator == place.staff
    assert not PostFlag.objects.filter(resolved_at__isnull=True).exists()
    other.refresh_from_db()
    assert other.resolution == "hidden"
    assert "Selling watches" not in client.get("/moderation/").content.decode()


def test_staff_dismiss_a_flag_and_the_post_stays(client, place):
    post = _post(place)
    flag, _new = flags.post_flag(user=place.anna, post=post, reason="I disagree")
    client.force_login(place.staff)
    client.post(f"/moderation/flag/{flag.pk}/resolve/", {"action": "dismiss"})
    flag.refresh_from_db()
    post.refresh_from_db()
    assert flag.resolution == "dismissed"
    assert flag.resolved_by == place.staff
    assert not post.hidden
    assert not ModerationAction.objects.exists()
    assert "I disagree" not in client.get("/moderation/").content.decode()


def test_after_a_resolved_flag_the_same_person_may_flag_again(place):
    post = _post(place)
    flag, _new = flags.post_flag(user=place.anna, post=post, reason="Spam")
    flags.flag_resolve(moderator=place.staff, flag=flag, hide=False)
    again, created = flags.post_flag(user=place.anna, post=post, reason="Spam again")
    assert created
    assert again.pk != flag.pk
