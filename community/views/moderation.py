"""Pages: the moderation log. The queue, where staff publish and reject, is
config/pages/moderation.py. None of it exists (404) for anyone but staff."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, URLResolver, path

from community.selectors import organisations as selectors

LOG_PAGE_SIZE = 50


def moderation_log(request: HttpRequest) -> HttpResponse:
    """Staff decisions on profiles, newest first, with the reasons and overridden checks."""
    selectors.moderation_require_staff(request.user)
    page = Paginator(selectors.moderation_log(), LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    entries = [
        {"entry": entry, "failed_checks": selectors.moderation_log_failed_checks(entry)}
        for entry in page.object_list
    ]
    return render(request, "community/moderation/log.html", {"page": page, "entries": entries})


urlpatterns: list[URLPattern | URLResolver] = [
    path("moderation/log/", moderation_log, name="moderation-log"),
]
