"""HTTP routing. Websocket routing is in realtime/routing.py."""

from django.conf import settings
from django.contrib import admin
from django.templatetags.static import static as static_url
from django.urls import include, path
from django.views.decorators.cache import cache_page
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from community.views.accounts import language_set
from config.languages import catalogue_version
from config.media import media_serve


class FaviconView(RedirectView):
    # Resolved per request: with the manifest storage the hashed name exists only after
    # collectstatic, not when the URLconf is imported.
    permanent = True

    def get_redirect_url(self, *args: object, **kwargs: object) -> str:
        return static_url("img/logo.svg")


urlpatterns = [
    path("favicon.ico", FaviconView.as_view()),
    path("admin/", admin.site.urls),
    # Before Django's own set_language (same path): this one also saves a person's choice.
    path("i18n/setlang/", language_set, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    # The strings of config/static/js in the request's language (docs/architecture.md,
    # "Languages"); cached per language, and per build of the catalogues.
    path(
        "jsi18n/",
        cache_page(3600, key_prefix=f"jsi18n-{catalogue_version()}")(JavaScriptCatalog.as_view()),
        name="javascript-catalog",
    ),
    path("api/v1/", include("community.api.urls")),
    path("api/v1/", include("realtime.api")),
    path("api/v1/", include("notifications.api")),
    path("notifications/", include("notifications.urls")),
    path("", include("notifications.urls_sw")),
    path("api/v1/xchange/", include("messaging.api.urls")),
    # Before forums.api.forums, whose `<slug>/` would take "search/".
    path("api/v1/forums/search/", include("forums.api.search")),
    path("api/v1/forums/", include("forums.api.forums")),
    path("api/v1/forums/", include("forums.api.moderation")),
    path("api/v1/events/", include("webinars.api.urls")),
    path("api/v1/matchmaking/", include("matchmaking.api.urls")),
    path("api/v1/calls/", include("hub.api.urls")),
    path("api/v1/countries/", include("hub.api.countries")),
    path("api/v1/focus/", include("hub.api.focus")),
    path("api/v1/library/", include("hub.api.library")),
    path("api/v1/desk/", include("hub.api.enquiries")),
    path("api/v1/trends/", include("hub.api.trends")),
    path("api/v1/search/", include("sitesearch.api.search")),
    path("api/v1/newsletter/", include("newsletter.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's script as a file, so the strict CSP holds.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("xchange/", include("messaging.urls")),
    path("forums/", include("forums.urls")),
    path("events/", include("webinars.urls")),
    path("matchmaking/", include("matchmaking.urls")),
    path("calls/", include("hub.urls")),
    path("countries/", include("hub.views.countries")),
    path("focus/", include("hub.views.focus")),
    path("library/", include("hub.views.library")),
    path("desk/", include("hub.views.enquiries")),
    path("trends/", include("hub.views.trends")),
    path("search/", include("sitesearch.urls")),
    path("newsletter/", include("newsletter.urls")),
    # Pages that gather several apps: the home page and the staff moderation queue.
    path("", include("config.pages.urls")),
    path("", include("community.urls")),
]
if settings.SERVE_MEDIA:  # where no proxy serves MEDIA_ROOT (docs/operations.md)
    urlpatterns.insert(
        0, path(f"{settings.MEDIA_URL.lstrip('/')}<path:path>", media_serve, name="media")
    )
