"""Pages of the newsletter under /newsletter/ (public, then staff)."""

from newsletter.views.staff import urlpatterns as staff_patterns
from newsletter.views.subscriptions import urlpatterns as public_patterns

urlpatterns = [*public_patterns, *staff_patterns]
