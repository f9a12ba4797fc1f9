"""REST API v1 of events and rooms, mounted at /api/v1/events/ by config/urls.py."""

from webinars.api import events as events_api  # events slice

urlpatterns: list = [
    *events_api.urlpatterns,  # events slice
]
