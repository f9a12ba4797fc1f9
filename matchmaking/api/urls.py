"""REST API v1 of matchmaking, mounted at /api/v1/matchmaking/ by config/urls.py."""

from matchmaking.api import meetings, requests

urlpatterns: list = [
    *requests.urlpatterns,
    *meetings.urlpatterns,
]
