"""REST API v1 of matchmaking, mounted at /api/v1/matchmaking/ by config/urls.py."""

from matchmaking.api import agenda, meetings, organiser, participants, requests, suggestions

urlpatterns: list = [
    *suggestions.urlpatterns,
    *participants.urlpatterns,
    *agenda.urlpatterns,
    *requests.urlpatterns,
    *meetings.urlpatterns,
    *organiser.urlpatterns,
]
