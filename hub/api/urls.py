"""REST API v1 of the information hub: open calls under /api/v1/calls/."""

from hub.api.calls import urlpatterns

__all__ = ["urlpatterns"]
