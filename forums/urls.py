"""Forum pages, mounted at /forums/ by config/urls.py."""

from forums.views import attachments, forums, search

# Attachments and search first: `<slug:slug>/…` of the forum pages would take "attachments/…"
# and "search/".
urlpatterns = [*attachments.urlpatterns, *search.urlpatterns, *forums.urlpatterns]
