"""REST API v1 of events and rooms, mounted at /api/v1/events/ by config/urls.py."""

from webinars.api import hands as hands_api  # qa slice
from webinars.api import polls as polls_api  # qa slice
from webinars.api import questions as questions_api  # qa slice
from webinars.api import rooms as room_api  # room slice

urlpatterns: list = [
    *room_api.urlpatterns,  # room slice
    *questions_api.urlpatterns,  # qa slice
    *polls_api.urlpatterns,  # qa slice
    *hands_api.urlpatterns,  # qa slice
]
