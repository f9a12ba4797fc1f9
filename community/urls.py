"""Page URLs of the community app, gathered from one module per area (the home page and the
staff moderation queue and log are in config/pages/: they gather several apps).

`directory` comes before `organisations` so its fixed paths win over slugs.
"""

from community.views import (
    accounts,
    directory,
    news,
    organisations,
    pages,
    partnerships,
)

urlpatterns = [
    *accounts.urlpatterns,
    *directory.urlpatterns,
    *organisations.urlpatterns,
    *news.urlpatterns,
    *partnerships.urlpatterns,
    *pages.urlpatterns,
]
