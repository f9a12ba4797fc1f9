"""Forum search over the REST API, mounted at /api/v1/forums/search/ by config/urls.py.

`GET ?q=&forum=&group=&author=&since=&until=&page=&page_size=`: the posts the caller may
read that hold every word of `q` (forums.selectors.search), paginated like every list.
"""

from __future__ import annotations

from typing import Any

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from community.api.pagination import PageNumberPagination
from forums.models import Post
from forums.selectors.search import (
    MAX_QUERY_LENGTH,
    SearchPaginator,
    post_search,
    post_search_params,
    search_result,
)
from forums.serializers.search import PostSearchResultSerializer

SEARCH_PARAMETERS = [
    OpenApiParameter(
        "q",
        OpenApiTypes.STR,
        required=True,
        description="Words, each found at the start of a word of the post or its topic's "
        f"title, accents and case ignored; all must be found. At most {MAX_QUERY_LENGTH} "
        "characters; one-letter words are ignored.",
    ),
    OpenApiParameter("forum", OpenApiTypes.STR, description="A forum's slug."),
    OpenApiParameter("group", OpenApiTypes.INT, description="A group's id."),
    OpenApiParameter("author", OpenApiTypes.INT, description="The author's user id."),
    OpenApiParameter("since", OpenApiTypes.DATE, description="Posts written on or after this day."),
    OpenApiParameter(
        "until", OpenApiTypes.DATE, description="Posts written on or before this day."
    ),
]


class SearchPagination(PageNumberPagination):
    """The API's pages (`page`, `page_size`), counted with the page (SearchPaginator)."""

    django_paginator_class = SearchPaginator


class PostSearch(generics.GenericAPIView[Post]):
    permission_classes = [AllowAny]
    pagination_class = SearchPagination
    serializer_class = PostSearchResultSerializer
    filter_backends: list[Any] = []

    @extend_schema(parameters=SEARCH_PARAMETERS, responses=PostSearchResultSerializer(many=True))
    def get(self, request: Request) -> Response:
        """Search the forums you may read: most relevant first (PostgreSQL), then newest. A
        forum or group you may not read is refused (400) as one that does not exist."""
        params = post_search_params(request.user, request.query_params)
        page = self.paginate_queryset(post_search(request.user, params))
        assert page is not None
        rows = [search_result(post, params.words) for post in page]
        return self.get_paginated_response(PostSearchResultSerializer(rows, many=True).data)


urlpatterns = [path("", PostSearch.as_view(), name="api-forum-search")]
