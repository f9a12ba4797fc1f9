"""Pages: the site's own texts — privacy policy, legal notice, terms, contact and help."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.translation import get_language

from community.models import SitePageSlug
from community.selectors.pages import site_page_get, site_page_html


def site_page(request: HttpRequest, slug: str) -> HttpResponse:
    page = site_page_get(slug, (get_language() or "en").split("-")[0])
    context = {"page": page, "html": site_page_html(page)}
    return render(request, "community/pages/page.html", context)


urlpatterns: list[URLPattern] = [
    path(f"{slug}/", site_page, {"slug": slug}, name=f"page-{slug}") for slug in SitePageSlug.values
]
