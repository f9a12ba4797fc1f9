"""Matchmaking pages, mounted at /matchmaking/ by config/urls.py. Each module of views/ adds
its own patterns here; fixed paths come before an event's `<slug>/` ones."""

from matchmaking.views import agenda, organiser, participants, requests, suggestions

urlpatterns: list = [
    *suggestions.urlpatterns,
    *agenda.urlpatterns,
    *requests.urlpatterns,
    *organiser.urlpatterns,
    *participants.urlpatterns,
]
