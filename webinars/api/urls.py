"""REST API v1 of events and rooms, mounted at /api/v1/events/ by config/urls.py."""

from webinars.api import calendar as calendar_api  # ical slice

urlpatterns: list = [
    *calendar_api.urlpatterns,  # ical slice
]
