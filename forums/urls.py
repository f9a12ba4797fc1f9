"""Forum pages, mounted at /forums/ by config/urls.py."""

from forums.views import forums, moderation

# Moderation first: `<slug>/moderation/` would otherwise be read as a group called so.
urlpatterns = [*moderation.urlpatterns, *forums.urlpatterns]
