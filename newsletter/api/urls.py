"""REST API v1 of the newsletter under /api/v1/newsletter/."""

from newsletter.api.newsletter import urlpatterns

__all__ = ["urlpatterns"]
