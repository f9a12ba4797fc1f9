"""Pages of the information hub: open calls under /calls/."""

from hub.views.calls import urlpatterns

__all__ = ["urlpatterns"]
