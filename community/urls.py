"""Page URLs of the community app, gathered from one module per area."""

from community.views import accounts, directory, home, news, organisations, partnerships

urlpatterns = [
    *home.urlpatterns,
    *accounts.urlpatterns,
    *organisations.urlpatterns,
    *directory.urlpatterns,
    *news.urlpatterns,
    *partnerships.urlpatterns,
]
