"""REST API v1 of matchmaking, mounted at /api/v1/matchmaking/ by config/urls.py."""

from matchmaking.api import organiser

urlpatterns: list = [
    *organiser.urlpatterns,
]
