"""ClusterXchange pages, mounted at /xchange/ by config/urls.py, gathered from one module per
domain."""

from messaging.views import contact, conversations, listings

urlpatterns = [
    *listings.urlpatterns,
    *conversations.urlpatterns,
    *contact.urlpatterns,
]
