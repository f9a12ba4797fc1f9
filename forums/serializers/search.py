"""Serializers of forum search (forums/api/search.py): the shape of one result."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from forums.serializers.forums import UserRefSerializer


class SearchTopicRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    title = serializers.CharField()
    title_html = serializers.CharField(
        help_text="The title as HTML: escaped, the matched words in <mark>."
    )
    hidden = serializers.BooleanField(help_text="Hidden by a moderator (staff only see it).")


class SearchGroupRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()


class SearchForumRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()


class PostSearchResultSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(help_text="The post's id.")
    url = serializers.CharField(help_text="The post in its topic's page.")
    created_at = serializers.DateTimeField()
    language = serializers.CharField(help_text="ISO 639-1 code of its text, or empty.")
    snippet = serializers.CharField(
        help_text="About 240 characters of the post's text around the first match, as HTML: "
        "everything escaped, the matched words in <mark>, … where text was left out."
    )
    topic = SearchTopicRefSerializer()
    group = SearchGroupRefSerializer()
    forum = SearchForumRefSerializer()
    author = UserRefSerializer(allow_null=True)
    hidden = serializers.BooleanField(help_text="Hidden by a moderator (staff only see it).")
