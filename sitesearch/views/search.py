"""The search page, /search/ (the header's search box sends here): every kind's best results
grouped, or with `kind` one kind's results page by page. Works without JavaScript."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path

from sitesearch.selectors.registry import provider_for, providers
from sitesearch.selectors.search import (
    MAX_QUERY_LENGTH,
    search_kind_page,
    search_overview,
    search_params,
)


def search(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    kind = request.GET.get("kind", "").strip()
    provider = provider_for(kind)
    context: dict[str, object] = {
        "q": q,
        "kind": kind if provider else "",
        "kind_label": provider.label if provider else "",
        "kinds": providers(),
        "max_length": MAX_QUERY_LENGTH,
        "errors": {},
        "searched": False,
    }
    status = 200
    if "q" in request.GET or kind:
        try:
            params = search_params(request.GET)
        except ValidationError as error:
            context["errors"] = {k: " ".join(v) for k, v in error.message_dict.items()}
            status = 400
        else:
            context["searched"] = True
            if params.kind:
                page, hits = search_kind_page(request.user, params, request.GET.get("page"))
                context.update(page=page, hits=hits)
                context["query"] = urlencode({"q": params.query.text, "kind": params.kind})
            else:
                groups = search_overview(request.user, params)
                context.update(overview=True, groups=groups, total=sum(g.count for g in groups))
            context["q_encoded"] = urlencode({"q": params.query.text})
    return render(request, "sitesearch/search.html", context, status=status)


urlpatterns: list[URLPattern] = [path("", search, name="search")]
