"""The ASGI application: HTTP goes to Django, `/ws/` to the live layer.

Websockets pass origin validation (ALLOWED_HOSTS) and session authentication; native
clients authenticate with a short-lived ticket instead (see docs/realtime.md).
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Django must be set up before anything imports models.
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from notifications.outbox import OutboxInServer  # noqa: E402
from realtime.auth import LiveAuthMiddleware  # noqa: E402
from realtime.routing import websocket_urlpatterns  # noqa: E402

# OutboxInServer: the embedded default writes chat notifications in this process (see there).
application = OutboxInServer(
    ProtocolTypeRouter(
        {
            "http": django_asgi_app,
            "websocket": LiveAuthMiddleware(URLRouter(websocket_urlpatterns)),
        }
    )
)
