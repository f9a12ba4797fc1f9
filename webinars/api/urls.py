"""REST API v1 of events and rooms, mounted at /api/v1/events/ by config/urls.py."""

from webinars.api import calls  # slice "video"
from webinars.api import rooms as room_api  # room slice

urlpatterns: list = [
    *room_api.urlpatterns,  # room slice
    *calls.urlpatterns,  # slice "video"
]
