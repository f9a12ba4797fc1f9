"""Event pages, mounted at /events/ by config/urls.py. Each module of views/ adds its own."""

urlpatterns: list = []

# --- after the event (report slice) ---------------------------------------------------------
from webinars.views import report as report_views  # noqa: E402

urlpatterns += [*report_views.urlpatterns]
