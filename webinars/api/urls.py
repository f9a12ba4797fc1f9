"""REST API v1 of events and rooms, mounted at /api/v1/events/ by config/urls.py."""

urlpatterns: list = []

# --- after the event (report slice) ---------------------------------------------------------
from webinars.api import report as report_api  # noqa: E402

urlpatterns += [*report_api.urlpatterns]
