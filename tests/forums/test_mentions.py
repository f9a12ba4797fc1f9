"""@mentions in the forums: suggested only among the forum's readers, delivered only to them,
and a post mentioning more than 10 people waits for its author's confirmation."""

from __future__ import annotations

import pytest

from forums.models import Post
from forums.services import topics
from notifications.models import Notification
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
API = "/api/v1/forums/"


def _colleagues(place, n: int) -> list:
    """n more members of Anna's organisation (readers of the forum), named Member 1..n."""
    organisation = place.anna.memberships.get().organisation
    return [
        MembershipFactory(organisation=organisation, user=UserFactory(full_name=f"Member {i}")).user
        for i in range(1, n + 1)
    ]


def _mentions(people) -> str:
    return " ".join(f"@[{p.full_name}]" for p in people)


def test_suggestions_list_only_readers_of_the_forum(api_client, place):
    MembershipFactory(user=UserFactory(full_name="Marcel Outsider"))  # in no partnership
    api_client.force_authenticate(place.anna)
    answer = api_client.get(f"{API}groups/{place.group.pk}/mentions/", {"q": "mar"})
    assert answer.status_code == 200
    assert answer.json() == {
        "results": [{"id": place.marc.pk, "name": "Marc Dubois", "mention": "@[Marc Dubois]"}],
        "more": False,
    }
    # Every word counts; the caller is never suggested; staff read every forum.
    names = api_client.get(f"{API}groups/{place.group.pk}/mentions/", {"q": "s"}).json()
    assert "Anna Berg" not in [r["name"] for r in names["results"]]
    assert "Sam Staff" in [r["name"] for r in names["results"]]
    assert api_client.get(
        f"{API}groups/{place.group.pk}/mentions/", {"q": "marc nowak"}
    ).json() == {"results": [], "more": False}
    assert (
        api_client.get(f"{API}groups/{place.group.pk}/mentions/", {"q": "Olga"}).json()["results"]
        == []
    )


def test_suggestions_are_limited_and_say_there_are_more(api_client, place):
    _colleagues(place, 12)
    api_client.force_authenticate(place.anna)
    answer = api_client.get(f"{API}groups/{place.group.pk}/mentions/", {"q": "member"}).json()
    assert len(answer["results"]) == 10
    assert answer["more"] is True


def test_suggestions_need_a_reader_and_a_query(api_client, place):
    url = f"{API}groups/{place.group.pk}/mentions/"
    assert api_client.get(url, {"q": "marc"}).status_code in {401, 403}
    api_client.force_authenticate(place.olga)
    assert api_client.get(url, {"q": "marc"}).status_code == 404
    api_client.force_authenticate(place.anna)
    assert api_client.get(url).status_code == 400
    assert api_client.get(url, {"q": "x" * 101}).status_code == 400


def test_a_mention_reaches_readers_only(place):
    topic = topics.topic_create(author=place.anna, group=place.group, title="Call", body="Hi")
    topics.post_reply(author=place.anna, topic=topic, body="@[Marc Dubois] and @[Olga Nowak]")
    assert Notification.objects.filter(recipient=place.marc, kind="forum.mention").count() == 1
    assert not Notification.objects.filter(recipient=place.olga).exists()


def test_more_than_ten_mentions_need_confirmation_in_the_api(api_client, place):
    people = _colleagues(place, 11)
    topic = topics.topic_create(author=place.anna, group=place.group, title="Call", body="Hi")
    api_client.force_authenticate(place.anna)
    body = f"Everyone: {_mentions(people)}"
    answer = api_client.post(f"{API}topics/{topic.pk}/posts/", {"body": body})
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["fields"]["confirm_mentions"] == [
        "This post mentions 11 people, who will all be notified. Check the names, then "
        "confirm to send it."
    ]
    assert topic.posts.count() == 1
    assert not Notification.objects.filter(kind="forum.mention").exists()
    confirmed = api_client.post(
        f"{API}topics/{topic.pk}/posts/", {"body": body, "confirm_mentions": True}
    )
    assert confirmed.status_code == 201
    assert Notification.objects.filter(kind="forum.mention").count() == 11


def test_ten_mentions_and_mentions_of_outsiders_need_no_confirmation(api_client, place):
    people = _colleagues(place, 10)
    strangers = [UserFactory(full_name=f"Stranger {i}") for i in range(5)]
    api_client.force_authenticate(place.anna)
    answer = api_client.post(
        f"{API}groups/{place.group.pk}/topics/",
        {"title": "All", "body": f"{_mentions(people)} {_mentions(strangers)}"},
    )
    assert answer.status_code == 201


def test_a_new_topic_and_an_edit_are_checked_too(api_client, place):
    people = _colleagues(place, 12)
    api_client.force_authenticate(place.anna)
    opened = api_client.post(
        f"{API}groups/{place.group.pk}/topics/", {"title": "All", "body": _mentions(people)}
    )
    assert "confirm_mentions" in opened.json()["error"]["fields"]
    topic = topics.topic_create(
        author=place.anna, group=place.group, title="Call", body=_mentions(people[:2])
    )
    post = topic.posts.get()
    edit = api_client.patch(f"{API}posts/{post.pk}/", {"body": _mentions(people)})
    # Ten new people (two were mentioned already): no confirmation needed.
    assert edit.status_code == 200
    organisation = place.anna.memberships.get().organisation
    more = [
        MembershipFactory(organisation=organisation, user=UserFactory(full_name=f"Extra {i}")).user
        for i in range(11)
    ]
    edit = api_client.patch(
        f"{API}posts/{post.pk}/", {"body": f"{_mentions(people)} {_mentions(more)}"}
    )
    assert "confirm_mentions" in edit.json()["error"]["fields"]
    edit = api_client.patch(
        f"{API}posts/{post.pk}/",
        {"body": f"{_mentions(people)} {_mentions(more)}", "confirm_mentions": True},
    )
    assert edit.status_code == 200


def test_the_reply_form_warns_and_sends_once_confirmed(client, place):
    people = _colleagues(place, 11)
    topic = topics.topic_create(author=place.anna, group=place.group, title="Call", body="Hi")
    client.force_login(place.anna)
    body = _mentions(people)
    response = client.post(f"/forums/topics/{topic.pk}/reply/", {"body": body})
    assert response.status_code == 400
    html = response.content.decode()
    assert "This post mentions 11 people, who will all be notified." in html
    assert 'name="confirm_mentions"' in html
    assert body in html  # the text is kept
    assert topic.posts.count() == 1
    response = client.post(
        f"/forums/topics/{topic.pk}/reply/", {"body": body, "confirm_mentions": "on"}
    )
    assert response.status_code == 302
    assert Post.objects.filter(topic=topic).count() == 2


def test_the_forms_offer_the_mention_picker(client, place):
    topic = topics.topic_create(author=place.anna, group=place.group, title="Call", body="Hi")
    client.force_login(place.anna)
    for url in (topic.get_absolute_url(), place.group.get_absolute_url()):
        html = client.get(url).content.decode()
        assert "js/forum-compose.js" in html
        assert f'data-group="{place.group.pk}"' in html


def test_the_mention_endpoint_is_in_the_schema(client):
    schema = client.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/forums/groups/{group_id}/mentions/"]["get"]
    assert [p["name"] for p in operation["parameters"] if p["in"] == "query"] == ["q"]
