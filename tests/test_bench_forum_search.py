"""bench/forum_search.py, small and fast: its data is searchable as the services write it,
and every request it times answers 200 with results (a benchmark of 404s or empty pages
would measure nothing). No timing is asserted."""

from __future__ import annotations

import pytest
from django.db import connection
from rest_framework.test import APIRequestFactory

from bench._forum_urls import BareForumSearch
from bench.forum_search import QUERIES, build_forum_posts, search_paths
from forums.models import Forum, Post

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    searcher = build_forum_posts(600)
    return searcher, Forum.objects.get(slug__startswith="bench-forum-open")


def test_the_seeded_posts_are_dated_multilingual_and_indexed(seeded):
    posts = Post.objects.filter(topic__group__forum__slug__startswith="bench-forum")
    assert posts.count() == 600
    assert set(posts.values_list("language", flat=True)) == {"en", "fr", "de", "es", "it"}
    assert posts.filter(search_text="").count() == 0
    assert posts.exclude(search_title="").count() == 60  # one opening post per topic
    assert posts.dates("created_at", "month").count() > 6  # spread over two years


def test_every_timed_search_answers_with_results(api_client, seeded):
    searcher, forum = seeded
    api_client.force_authenticate(searcher)
    found = 0
    for path in search_paths(60, forum.slug):
        response = api_client.get(path)
        assert response.status_code == 200, (path, response.content)
        found += bool(response.json()["count"])
    assert found >= 45  # most queries find something in 600 posts; rare ones may not


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the baseline reads the GIN index")
def test_the_bare_baseline_reads_the_same_index(seeded):
    view = BareForumSearch.as_view()
    response = view(APIRequestFactory().get("/", {"q": QUERIES[0]}))
    assert response.status_code == 200
    assert response.data["results"]
