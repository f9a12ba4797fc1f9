"""ClusterXchange REST API, mounted at /api/v1/xchange/ by config/urls.py.

The mount line in config/urls.py is already there (added with the listings routes); do not
add a second one.

Each area's API module keeps its own `urlpatterns`; append them here.
"""

from django.urls import URLPattern, URLResolver

from messaging.api_listings import urlpatterns as listings_urlpatterns

urlpatterns: list[URLPattern | URLResolver] = []

urlpatterns += listings_urlpatterns

from messaging.api import urlpatterns as conversations_urlpatterns  # noqa: E402

urlpatterns += conversations_urlpatterns
