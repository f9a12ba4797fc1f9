"""Event pages, mounted at /events/ by config/urls.py. Each module of views/ adds its own."""

from webinars.views import events as event_views  # events slice

urlpatterns: list = [
    *event_views.urlpatterns,  # events slice
]
