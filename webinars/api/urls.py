"""REST API v1 of events and rooms, mounted at /api/v1/events/ by config/urls.py."""

from webinars.api import calendar, calls, events, report, rooms

urlpatterns: list = [
    *calendar.urlpatterns,
    *events.urlpatterns,
    *rooms.urlpatterns,
    *calls.urlpatterns,
    *report.urlpatterns,
]
