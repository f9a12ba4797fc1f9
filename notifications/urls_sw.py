"""The service worker and the web app manifest, served at the site root.

A service worker controls only the pages under the folder it is served from, so /sw.js
(with `Service-Worker-Allowed: /`) rather than /static/sw.js; the manifest sits beside it.
Both are files in config/static/, read once.
"""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.http import require_safe

STATIC = settings.BASE_DIR / "config" / "static"


@lru_cache(maxsize=2)
def _read(name: str) -> bytes:
    return (STATIC / name).read_bytes()


@require_safe
def service_worker(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(_read("sw.js"), content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    # Browsers check for a new worker at most daily anyway; never serve a stale one longer.
    response["Cache-Control"] = "no-cache"
    return response


@require_safe
def manifest(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(_read("manifest.webmanifest"), content_type="application/manifest+json")
    response["Cache-Control"] = "public, max-age=3600"
    return response


urlpatterns = [
    path("sw.js", service_worker, name="service-worker"),
    path("manifest.webmanifest", manifest, name="web-manifest"),
]
