"""Page URLs of the community app, gathered from one module per area.

`directory` comes before `organisations` so its fixed paths win over slugs.
"""

from community.views import (
    accounts,
    directory,
    home,
    moderation,
    news,
    organisations,
    partnerships,
)

urlpatterns = [
    *home.urlpatterns,
    *accounts.urlpatterns,
    *directory.urlpatterns,
    *organisations.urlpatterns,
    *moderation.urlpatterns,
    *news.urlpatterns,
    *partnerships.urlpatterns,
]
