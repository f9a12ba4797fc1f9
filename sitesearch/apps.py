from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SitesearchConfig(AppConfig):
    name = "sitesearch"
    verbose_name = _("Search")

    def ready(self) -> None:
        # One module per kind of result; each registers its provider when imported
        # (sitesearch/selectors/registry.py). A new kind is one more module here.
        from sitesearch.selectors import (  # noqa: F401
            calls,
            events,
            forum_posts,
            library,
            listings,
            messages,
            news,
            organisations,
        )
