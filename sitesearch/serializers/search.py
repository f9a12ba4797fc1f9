"""Serializers of the site search (sitesearch/api/search.py): one result, one group, the
answer."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


class SearchHitSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField(help_text="The kind of result (the `kind` parameter's values).")
    id = serializers.IntegerField(help_text="The id of the row in its kind.")
    title = serializers.CharField(help_text="Plain text: escape it before putting it in HTML.")
    title_html = serializers.CharField(
        help_text="The title as HTML: every character escaped, the matched words in <mark>."
    )
    snippet = serializers.CharField(
        allow_blank=True,
        help_text="About 200 characters of the text around the first match, as HTML: every "
        "character escaped, the matched words in <mark>, … where text was left out.",
    )
    url = serializers.CharField(help_text="The page of the result, on this site.")
    date = serializers.DateTimeField(
        allow_null=True,
        help_text="Its date: last update (organisation), publication (news), deadline "
        "(call), start (event), posting (listing, post, message).",
    )
    # DRF's metaclass takes declared fields off the class: Serializer.context stays.
    context = serializers.CharField(  # type: ignore[assignment]
        allow_blank=True, help_text="Where it is: organisation, forum and group, sender."
    )
    status = serializers.CharField(
        allow_blank=True,
        help_text="Blank for a public result; else the state of one only some may open "
        "(a draft for its author, a hidden post for moderators), in the request's language.",
    )


class SearchGroupSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField()
    label = serializers.CharField(  # type: ignore[assignment]
        help_text="The kind's name in the request's language."
    )
    count = serializers.IntegerField(help_text="Matches of this kind, at most 500.")
    capped = serializers.BooleanField(
        help_text="Counting stopped at 500: there may be more matches than `count`."
    )
    next = serializers.CharField(
        allow_null=True,
        help_text="The next page of this kind: without `kind`, its first page (“more of this "
        "kind”) when it has more results than shown; null when there is none.",
    )
    previous = serializers.CharField(allow_null=True, help_text="The previous page, or null.")
    results = SearchHitSerializer(many=True)


class SearchAnswerSerializer(serializers.Serializer[Any]):
    q = serializers.CharField(help_text="The query as searched (stripped, cut to 200).")
    kind = serializers.CharField(allow_null=True, help_text="The kind asked for, or null.")
    page = serializers.IntegerField(allow_null=True, help_text="The page (with `kind`), or null.")
    groups = SearchGroupSerializer(
        many=True,
        help_text="Without `kind`: every kind with a match, best group first, each with its "
        "first 5 results. With `kind`: that kind alone, one page of 20 results.",
    )
