"""Forum pages, mounted at /forums/ by config/urls.py."""

from forums.views import attachments, forums, moderation, search

# Attachments, search and moderation first: `<slug:slug>/…` of the forum pages would take
# "attachments/…", "search/" and `<slug>/moderation/` (read as a group called so).
urlpatterns = [
    *attachments.urlpatterns,
    *search.urlpatterns,
    *moderation.urlpatterns,
    *forums.urlpatterns,
]
