"""The forum search page, /forums/search/ (forums.selectors.search): a form that works
without JavaScript, its results and pages."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from forums.selectors import forums as selectors
from forums.selectors.search import (
    MAX_QUERY_LENGTH,
    SearchPaginator,
    post_search,
    post_search_params,
    search_result,
)

PAGE_SIZE = 20
FILTERS = ("q", "forum", "group", "author", "since", "until")


def forum_search(request: HttpRequest) -> HttpResponse:
    values = {name: request.GET.get(name, "").strip() for name in FILTERS}
    context = {
        "values": values,
        "forums": selectors.forum_list_for(request.user),
        "max_length": MAX_QUERY_LENGTH,
        "errors": {},
        "page": None,
        "results": [],
    }
    if any(values.values()):
        try:
            params = post_search_params(request.user, request.GET)
        except ValidationError as error:
            context["errors"] = {k: " ".join(v) for k, v in error.message_dict.items()}
        else:
            page = SearchPaginator(post_search(request.user, params), PAGE_SIZE).get_page(
                request.GET.get("page")
            )
            context["page"], context["searched"] = page, True
            context["results"] = [search_result(post, params.words) for post in page]
            context["group"] = params.group
            # The filters again, for the links to other pages.
            context["query"] = urlencode({k: v for k, v in values.items() if v})
    return render(request, "forums/search.html", context)


urlpatterns = [path("search/", forum_search, name="forums-search")]
