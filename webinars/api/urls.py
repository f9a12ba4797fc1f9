"""REST API v1 of events and rooms, mounted at /api/v1/events/ by config/urls.py."""

urlpatterns: list = []

# --- questions, polls and raised hands (qa slice) ----------------------------------------
from webinars.api import hands as hands_api  # noqa: E402
from webinars.api import polls as polls_api  # noqa: E402
from webinars.api import questions as questions_api  # noqa: E402

urlpatterns += [*questions_api.urlpatterns, *polls_api.urlpatterns, *hands_api.urlpatterns]
