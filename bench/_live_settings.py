"""Settings of the ClusterHub servers that bench/live.py starts: the project's, plus a choice
of channel layer (not a benchmark itself; bench/run.py skips modules starting with "_").

    LIVE_CHANNEL_LAYER=core    channels_redis.core.RedisChannelLayer (the project's default)
    LIVE_CHANNEL_LAYER=pubsub  channels_redis.pubsub.RedisPubSubChannelLayer

Both use the same Redis (REDIS_URL) with `socket_timeout: None` (DESIGN.md, known traps).
"""

import os

from config.settings import *  # noqa: F403
from config.settings import CHANNEL_LAYERS, REDIS_URL, REST_FRAMEWORK

REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}

if REDIS_URL and os.environ.get("LIVE_CHANNEL_LAYER", "core") == "pubsub":
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, "socket_timeout": None}],
                "prefix": os.environ.get("CHANNEL_PREFIX", "clusterhub"),
            },
        }
    }
else:
    CHANNEL_LAYERS = CHANNEL_LAYERS
