"""Forum pages, mounted at /forums/ by config/urls.py."""

from forums.views import forums

urlpatterns = [*forums.urlpatterns]
