"""HTTP routing. Websocket routing is in realtime/routing.py."""

from django.conf import settings
from django.contrib import admin
from django.templatetags.static import static as static_url
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

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
    path("api/v1/", include("community.api.urls")),
    path("api/v1/", include("realtime.api")),
    path("api/v1/", include("notifications.api")),
    path("notifications/", include("notifications.urls")),
    path("", include("notifications.urls_sw")),
    path("api/v1/xchange/", include("messaging.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's script as a file, so the strict CSP holds.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("xchange/", include("messaging.urls")),
    # Pages that gather several apps: the home page and the staff moderation queue.
    path("", include("config.pages.urls")),
    path("", include("community.urls")),
]
if settings.SERVE_MEDIA:  # where no proxy serves MEDIA_ROOT (docs/operations.md)
    urlpatterns.insert(
        0, path(f"{settings.MEDIA_URL.lstrip('/')}<path:path>", media_serve, name="media")
    )
