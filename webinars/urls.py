"""Event pages, mounted at /events/ by config/urls.py. Each module of views/ adds its own."""

urlpatterns: list = []
