"""ClusterXchange pages, mounted at /xchange/ by config/urls.py.

Each area's views module keeps its own `urlpatterns`; they are gathered here.
"""

from django.urls import URLPattern, URLResolver

from messaging import views_conversations, views_listings

urlpatterns: list[URLPattern | URLResolver] = [
    *views_listings.urlpatterns,
    *views_conversations.urlpatterns,
]
