"""Forum pages, mounted at /forums/ by config/urls.py."""

from forums.views import forums, search

# Search first: `<slug:slug>/` of the forum pages would take "search/".
urlpatterns = [*search.urlpatterns, *forums.urlpatterns]
