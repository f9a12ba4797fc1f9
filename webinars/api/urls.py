"""REST API v1 of events and rooms, mounted at /api/v1/events/ by config/urls.py."""

from webinars.api import calls  # slice "video"

urlpatterns: list = []
urlpatterns += [*calls.urlpatterns]  # slice "video"
