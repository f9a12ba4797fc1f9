"""Forum search (forums/selectors/search.py) through the API, the page and the services:
accents and case, languages, filters, who sees what, the index kept up to date, pages,
refused parameters. Runs on both backends (PostgreSQL's GIN index, SQLite's stored words)."""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from forums.models import ForumKind, Post
from forums.selectors.search import highlight, post_search_fields, search_words
from forums.services import moderation, topics
from forums.services.forums import forum_create
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/forums/search/"


def _search(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    return response.json()


def _ids(client, **params):
    return [r["id"] for r in _search(client, **params)["results"]]


def _open(place, title, body, *, author=None, group=None):
    topic = topics.topic_create(
        author=author or place.anna, group=group or place.group, title=title, body=body
    )
    return topic, topic.posts.get()


def _errors(response):
    assert response.status_code == 400, response.content
    body = response.json()["error"]
    assert body["code"] == "invalid"
    return body["fields"]


def test_accents_and_case_are_ignored_both_ways(api_client, place):
    _, german = _open(place, "Programm", "Die Förderung läuft bis März.")
    _, french = _open(place, "Agenda", "Un ÉVÉNEMENT à Lyon sur l'hydrogène.")
    api_client.force_authenticate(place.anna)
    assert _ids(api_client, q="forderung") == [german.pk]
    assert _ids(api_client, q="FÖRDERUNG") == [german.pk]
    assert _ids(api_client, q="evenement") == [french.pk]
    assert _ids(api_client, q="Événement hydrogene") == [french.pk]
    assert _ids(api_client, q="hydrogène lyon") == [french.pk]


def test_every_word_must_match_and_a_word_matches_the_start_of_words(api_client, place):
    _, both = _open(place, "Call", "Hydrogen valleys and funding calls.")
    _, one = _open(place, "Other", "Hydrogen only here.")
    api_client.force_authenticate(place.anna)
    assert _ids(api_client, q="hydrogen funding") == [both.pk]
    assert set(_ids(api_client, q="hydrogen")) == {both.pk, one.pk}
    assert _ids(api_client, q="fund valley") == [both.pk]  # prefixes: "funding", "valleys"
    assert _ids(api_client, q="unding") == []  # not inside a word
    assert _ids(api_client, q="hydrogen nowhere") == []


def test_multilingual_posts_each_found_by_their_own_words(api_client, place):
    posts = {
        "en": _open(place, "Mobility", "Electric buses for the region.")[1],
        "fr": _open(place, "Mobilité", "Des autobus électriques pour la région.")[1],
        "de": _open(place, "Mobilität", "Elektrische Busse für die Region.")[1],
        "es": _open(place, "Movilidad", "Autobuses eléctricos para la región.")[1],
        "it": _open(place, "Mobilità", "Autobus elettrici per la regione.")[1],
    }
    api_client.force_authenticate(place.anna)
    assert _ids(api_client, q="electriques") == [posts["fr"].pk]
    assert _ids(api_client, q="elektrische busse") == [posts["de"].pk]
    assert _ids(api_client, q="autobuses electricos") == [posts["es"].pk]
    assert _ids(api_client, q="elettrici") == [posts["it"].pk]
    # "region" starts "región", "région", "regione": one word, four languages.
    assert set(_ids(api_client, q="region")) == {p.pk for p in posts.values()}
    # Stop words of one language are words of another: "die" is searched, not dropped.
    assert _ids(api_client, q="die region") == [posts["de"].pk]


def test_the_topic_title_is_searched_through_its_opening_post(api_client, place):
    topic, opening = _open(place, "Wasserstofftankstellen in Bayern", "Wer macht mit?")
    reply, _ = topics.post_reply(author=place.marc, topic=topic, body="Ich!")
    api_client.force_authenticate(place.anna)
    results = _search(api_client, q="wasserstoff")["results"]
    assert [r["id"] for r in results] == [opening.pk]
    assert results[0]["topic"]["title_html"] == "<mark>Wasserstofftankstellen</mark> in Bayern"
    assert results[0]["url"] == f"/forums/topics/{topic.pk}/#post-{opening.pk}"
    assert _ids(api_client, q="bayern ich") == []  # the reply does not carry the title
    assert _ids(api_client, q="ich") == [reply.pk]


def test_the_snippet_escapes_the_text_and_marks_the_words(api_client, place):
    _open(place, "Markup", "Use <script>alert(1)</script> & **Förderung** here")
    api_client.force_authenticate(place.anna)
    [result] = _search(api_client, q="forderung")["results"]
    assert "<script>" not in result["snippet"]
    assert "&lt;script&gt;" in result["snippet"]
    assert "<mark>Förderung</mark>" in result["snippet"]
    assert result["snippet"].count("<mark>") == 1


def test_a_long_post_is_cut_around_its_first_match():
    text = "Lorem ipsum dolor sit amet. " * 40 + "Here is the Förderung we need. " + "x " * 200
    html = highlight(text, ["forderung"], length=240)
    assert html.startswith("…")
    assert html.endswith("…")
    assert "<mark>Förderung</mark>" in html
    assert len(html) < 300


def test_the_filters_forum_group_author_and_dates(api_client, place, community_forum):
    _, in_group = _open(place, "Funding", "Solar panels in the group")
    other_group = place.forum.groups.exclude(pk=place.group.pk).first()
    _, elsewhere = _open(place, "General", "Solar panels elsewhere", group=other_group)
    _, by_marc = _open(place, "Marc's", "Solar panels by Marc", author=place.marc)
    _, public = _open(place, "Open", "Solar panels for all", group=community_forum.groups.first())
    old_day = datetime.date(2024, 3, 15)
    Post.objects.filter(pk=elsewhere.pk).update(
        created_at=datetime.datetime(2024, 3, 15, 23, 30, tzinfo=timezone.get_current_timezone())
    )
    api_client.force_authenticate(place.anna)
    assert set(_ids(api_client, q="solar")) == {in_group.pk, elsewhere.pk, by_marc.pk, public.pk}
    assert set(_ids(api_client, q="solar", forum=place.forum.slug)) == {
        in_group.pk,
        elsewhere.pk,
        by_marc.pk,
    }
    assert _ids(api_client, q="solar", forum=community_forum.slug) == [public.pk]
    assert set(_ids(api_client, q="solar", group=place.group.pk)) == {in_group.pk, by_marc.pk}
    assert _ids(api_client, q="solar", author=place.marc.pk) == [by_marc.pk]
    assert _ids(api_client, q="solar", until="2024-03-15") == [elsewhere.pk]
    assert _ids(api_client, q="solar", since=old_day, until=old_day) == [elsewhere.pk]
    assert elsewhere.pk not in _ids(api_client, q="solar", since="2024-03-16")


def test_an_outsider_never_sees_a_members_only_post(api_client, place, community_forum):
    _open(place, "Secret", "Confidential budget plans")
    _, public = _open(place, "Open", "Public budget plans", group=community_forum.groups.first())
    api_client.force_authenticate(place.olga)
    assert _ids(api_client, q="budget plans") == [public.pk]
    assert "forum" in _errors(api_client.get(URL, {"q": "budget", "forum": place.forum.slug}))
    assert "group" in _errors(api_client.get(URL, {"q": "budget", "group": place.group.pk}))
    # Refused as a forum that does not exist: the same message.
    missing = _errors(api_client.get(URL, {"q": "budget", "forum": "no-such-forum"}))["forum"]
    hidden = _errors(api_client.get(URL, {"q": "budget", "forum": place.forum.slug}))["forum"]
    assert missing[0].replace("no-such-forum", "X") == hidden[0].replace(place.forum.slug, "X")
    api_client.logout()
    assert _ids(api_client, q="budget") == [public.pk]  # a visitor reads community forums


def test_hidden_and_deleted_posts_and_hidden_topics(api_client, place):
    topic, opening = _open(place, "Thread", "Wind turbines first")
    hidden, _ = topics.post_reply(author=place.marc, topic=topic, body="Wind turbines spam")
    deleted, _ = topics.post_reply(author=place.anna, topic=topic, body="Wind turbines oops")
    other, in_hidden_topic = _open(place, "Off topic", "Wind turbines off topic")
    moderation.post_moderate(moderator=place.staff, post=hidden, hidden=True, reason="Spam")
    topics.post_delete(user=place.anna, post=deleted)
    moderation.topic_moderate(moderator=place.staff, topic=other, verb="hide_topic", reason="x")
    api_client.force_authenticate(place.anna)
    assert _ids(api_client, q="wind turbines") == [opening.pk]
    api_client.force_authenticate(place.staff)
    assert set(_ids(api_client, q="wind turbines")) == {
        opening.pk,
        hidden.pk,
        in_hidden_topic.pk,
    }
    deleted.refresh_from_db()
    assert deleted.search_text == ""


def test_an_edit_updates_what_the_post_is_found_by(api_client, place):
    _, post = _open(place, "Draft", "Geothermal heat")
    topics.post_edit(user=place.anna, post=post, body="Biomass boilers")
    api_client.force_authenticate(place.anna)
    assert _ids(api_client, q="geothermal") == []
    assert _ids(api_client, q="biomass") == [post.pk]
    assert _ids(api_client, q="draft biomass") == [post.pk]  # the title stays


def test_results_are_paginated_newest_first_among_equals(api_client, place):
    created = [_open(place, f"T{i}", "Battery storage")[1] for i in range(5)]
    api_client.force_authenticate(place.anna)
    first = _search(api_client, q="battery", page_size=2)
    assert first["count"] == 5
    assert [r["id"] for r in first["results"]] == [created[4].pk, created[3].pk]
    third = _search(api_client, q="battery", page_size=2, page=3)
    assert [r["id"] for r in third["results"]] == [created[0].pk]
    assert third["next"] is None
    assert api_client.get(URL, {"q": "battery", "page": 4, "page_size": 2}).status_code == 404


@pytest.mark.skipif(connection.vendor != "postgresql", reason="ranking is PostgreSQL's")
def test_postgres_ranks_a_title_match_first(api_client, place):
    _, titled = _open(place, "Hydrogen", "A post.")
    _open(place, "Other", "Hydrogen in the text.")
    api_client.force_authenticate(place.anna)
    assert _ids(api_client, q="hydrogen")[0] == titled.pk


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "q"),
        ({"q": "  "}, "q"),
        ({"q": "a ! ?"}, "q"),
        ({"q": "x", "forum": "nope"}, "q"),
        ({"q": "solar", "group": "abc"}, "group"),
        ({"q": "solar", "author": "-3"}, "author"),
        ({"q": "solar", "author": "99999999999999999999"}, "author"),
        ({"q": "solar", "author": "²"}, "author"),
        ({"q": "solar", "forum": "a\x00b"}, "forum"),
        ({"q": "solar", "forum": "Ø/é"}, "forum"),
        ({"q": "solar", "since": "2024-13-01"}, "since"),
        ({"q": "solar", "until": "yesterday"}, "until"),
        ({"q": "solar", "since": "2024-05-02", "until": "2024-05-01"}, "until"),
        ({"q": "solar", "page": "0"}, "page"),
        ({"q": "solar", "page_size": "x"}, "page_size"),
    ],
)
def test_bad_parameters_are_refused_by_name(api_client, place, params, field):
    api_client.force_authenticate(place.anna)
    assert field in _errors(api_client.get(URL, params))


def test_the_search_page_finds_marks_and_filters(client, place):
    _, post = _open(place, "Programm", "Die Förderung läuft.")
    client.force_login(place.anna)
    page = client.get("/forums/search/", {"q": "forderung"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "<mark>Förderung</mark>" in text
    assert f"#post-{post.pk}" in text
    assert "1 post found" in text
    client.force_login(place.olga)
    text = client.get("/forums/search/", {"q": "forderung"}).content.decode()
    assert "Förderung" not in text
    assert "0 posts found" in text


def test_the_search_page_shows_bad_parameters_as_errors(client, place):
    client.force_login(place.anna)
    page = client.get("/forums/search/", {"q": "solar", "since": "nope"})
    assert page.status_code == 200
    assert "Give a date as YYYY-MM-DD." in page.content.decode()
    empty = client.get("/forums/search/")
    assert empty.status_code == 200
    assert "posts found" not in empty.content.decode()


def test_the_forum_index_and_group_pages_have_a_search_box(client, place):
    client.force_login(place.anna)
    index = client.get("/forums/").content.decode()
    assert 'action="/forums/search/"' in index
    group = client.get(place.group.get_absolute_url()).content.decode()
    assert f'name="group" value="{place.group.pk}"' in group


def test_a_forum_named_search_does_not_hide_the_search_page(db):
    forum = forum_create(kind=ForumKind.COMMUNITY, name="Search")
    assert forum.slug != "search"


def test_the_stored_fields_are_the_folded_words():
    fields = post_search_fields(
        body_html="<p>Die <strong>Förderung</strong>&amp;Co</p>", title="Été"
    )
    assert fields == {"search_title": " ete", "search_text": " die forderung co"}
    assert post_search_fields(body_html="<p>!!</p>") == {"search_title": "", "search_text": ""}


def test_the_data_migration_fills_the_posts_that_existed_before(api_client, place):
    """forums/0004 fills the search fields of rows written before it; deleted ones stay empty."""
    topic, opening = _open(place, "Kohleausstieg", "Erste Gedanken")
    reply = Post.objects.create(
        topic=topic, author=place.marc, body="x", body_html="<p>Braunkohle &amp; Strom</p>"
    )
    gone = Post.objects.create(
        topic=topic,
        author=place.marc,
        body="x",
        body_html="<p>Strom</p>",
        deleted_at=timezone.now(),
    )
    Post.objects.update(search_title="", search_text="")
    api_client.force_authenticate(place.staff)
    assert _ids(api_client, q="strom") == []
    fill = importlib.import_module("forums.migrations.0004_search_post_index").fill
    fill(django_apps, None)
    assert _ids(api_client, q="braunkohle strom") == [reply.pk]
    assert _ids(api_client, q="kohleausstieg") == [opening.pk]
    assert _ids(api_client, q="strom") == [reply.pk]
    gone.refresh_from_db()
    assert gone.search_text == ""


def test_the_demo_posts_are_searchable(api_client):
    """`make run` seeds the demo through the services: every post is indexed."""
    call_command("seed_demo", organisations=60, seed=7, stdout=open("/dev/null", "w"))  # noqa: SIM115
    posts = Post.objects.filter(deleted_at__isnull=True)
    assert posts.exists()
    assert not posts.filter(search_text="").exists()
    staff = StaffFactory()
    api_client.force_authenticate(staff)
    opening = posts.order_by("pk").select_related("topic__group__forum").first()
    assert opening is not None
    word = max(search_words(opening.topic.title), key=len)
    found = _ids(
        api_client,
        q=word,
        forum=opening.topic.group.forum.slug,
        author=opening.author_id,
        page_size=100,
    )
    assert opening.pk in found


def test_the_search_page_turns_pages_and_forgives_a_bad_page_number(client, place):
    created = [_open(place, f"T{i}", "Battery storage")[1] for i in range(22)]
    client.force_login(place.anna)
    second = client.get("/forums/search/", {"q": "battery", "page": "2"}).content.decode()
    assert f"#post-{created[1].pk}" in second
    assert f"#post-{created[2].pk}" not in second  # on page 1 (20 a page, newest first)
    assert "Page 2 of 2" in second
    assert 'rel="prev"' in second
    first = client.get("/forums/search/", {"q": "battery", "page": "x"}).content.decode()
    assert f"#post-{created[21].pk}" in first
    past = client.get("/forums/search/", {"q": "battery", "page": "9"}).content.decode()
    assert "Page 2 of 2" in past
