"""ClusterXchange REST API, mounted at /api/v1/xchange/ by config/urls.py, gathered from one
module per domain."""

from messaging.api import conversations, listings

urlpatterns = [
    *listings.urlpatterns,
    *conversations.urlpatterns,
]
