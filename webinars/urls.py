"""Event pages, mounted at /events/ by config/urls.py. Each module of views/ adds its own;
the fixed paths (calendar/feed/, …) come before the events' `<slug>/` ones."""

from webinars.views import calendar, events, report, rooms

urlpatterns: list = [
    *calendar.urlpatterns,
    *events.urlpatterns,
    *rooms.urlpatterns,
    *report.urlpatterns,
]
