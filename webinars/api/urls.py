"""REST API v1 of events and rooms, mounted at /api/v1/events/ by config/urls.py."""

urlpatterns: list = []
