"""Event pages, mounted at /events/ by config/urls.py. Each module of views/ adds its own;
the fixed paths (calendar/feed/, …) come before the events' `<slug>/` ones."""

from webinars.views import calendar as calendar_views
from webinars.views import events as event_views

urlpatterns: list = [
    *calendar_views.urlpatterns,
    *event_views.urlpatterns,
]
