"""REST API v1 of events and rooms, mounted at /api/v1/events/ by config/urls.py."""

from webinars.api import calendar as calendar_api
from webinars.api import events as events_api

urlpatterns: list = [
    *calendar_api.urlpatterns,
    *events_api.urlpatterns,
]
