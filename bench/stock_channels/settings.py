"""A stock Channels chat app, as in the Channels tutorial, for bench/live.py to compare with.

Nothing of ClusterHub: no database, no auth, the default `RedisChannelLayer` with the
tutorial's configuration plus `socket_timeout: None`, without which idle consumers die
after about 5 s on redis-py 8 (channels_redis#422; see bench/live.py's output).
"""

import os

SECRET_KEY = "bench-only-not-secret"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = ["daphne", "channels"]
ROOT_URLCONF = "bench.stock_channels.urls"
ASGI_APPLICATION = "bench.stock_channels.asgi.application"
DATABASES: dict[str, dict[str, str]] = {}
USE_TZ = True
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
_host: dict[str, object] = {"address": REDIS_URL}
if os.environ.get("STOCK_SOCKET_TIMEOUT", "none") == "none":
    _host["socket_timeout"] = None
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": os.environ.get("STOCK_CHANNEL_LAYER", "channels_redis.core.RedisChannelLayer"),
        "CONFIG": {"hosts": [_host], "prefix": os.environ.get("CHANNEL_PREFIX", "asgi")},
    }
}
