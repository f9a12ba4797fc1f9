"""Event pages, mounted at /events/ by config/urls.py. Each module of views/ adds its own."""

from webinars.views import rooms as room_views  # room slice

urlpatterns: list = [
    *room_views.urlpatterns,  # room slice
]
