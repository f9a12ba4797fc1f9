"""REST API v1 URLs, gathered from one module per area."""

from community.api import accounts, directory, news, organisations, partnerships

urlpatterns = [
    *accounts.urlpatterns,
    *organisations.urlpatterns,
    *directory.urlpatterns,
    *news.urlpatterns,
    *partnerships.urlpatterns,
]
