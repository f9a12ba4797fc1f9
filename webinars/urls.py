"""Event pages, mounted at /events/ by config/urls.py. Each module of views/ adds its own."""

from webinars.views import calendar as calendar_views  # ical slice

urlpatterns: list = [
    *calendar_views.urlpatterns,  # ical slice
]
