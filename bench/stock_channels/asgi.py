"""`daphne bench.stock_channels.asgi:application` — the tutorial's routing."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.stock_channels.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import re_path  # noqa: E402

from bench.stock_channels.consumers import ChatConsumer  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": URLRouter([re_path(r"^ws/chat/(?P<room_name>\w+)/$", ChatConsumer.as_asgi())]),
    }
)
