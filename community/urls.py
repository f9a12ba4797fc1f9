"""Page URLs of the community app, gathered from one module per area (the home page is
config/pages/home.py: it gathers several apps).

`directory` comes before `organisations` so its fixed paths win over slugs.
"""

from community.views import (
    accounts,
    directory,
    moderation,
    news,
    organisations,
    pages,
    partnerships,
)

urlpatterns = [
    *accounts.urlpatterns,
    *directory.urlpatterns,
    *organisations.urlpatterns,
    *moderation.urlpatterns,
    *news.urlpatterns,
    *partnerships.urlpatterns,
    *pages.urlpatterns,
]
