"""REST API v1 of events and rooms, mounted at /api/v1/events/ by config/urls.py."""

from webinars.api import calendar, calls, events, hands, polls, questions, report, rooms

urlpatterns: list = [
    *calendar.urlpatterns,
    *events.urlpatterns,
    *rooms.urlpatterns,
    *questions.urlpatterns,
    *polls.urlpatterns,
    *hands.urlpatterns,
    *calls.urlpatterns,
    *report.urlpatterns,
]
