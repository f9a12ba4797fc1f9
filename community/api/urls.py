"""REST API v1 URLs, gathered from one module per area.

`directory` comes before `organisations`: its fixed paths (organisations/map/, …/export/)
must win over the organisation detail route.
"""

from community.api import (
    accounts,
    directory,
    markdown,
    news,
    organisations,
    partnerships,
    places,
)

urlpatterns = [
    *accounts.urlpatterns,
    *directory.urlpatterns,
    *organisations.urlpatterns,
    *news.urlpatterns,
    *partnerships.urlpatterns,
    *markdown.urlpatterns,
    *places.urlpatterns,
]
