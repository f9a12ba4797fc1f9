"""Pages of the site search under /search/."""

from sitesearch.views.search import urlpatterns

__all__ = ["urlpatterns"]
