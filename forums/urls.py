"""Forum pages, mounted at /forums/ by config/urls.py."""

from forums.views import attachments, forums

# Attachments first: "attachments/<id>/" would otherwise read as a forum and a group slug.
urlpatterns = [*attachments.urlpatterns, *forums.urlpatterns]
