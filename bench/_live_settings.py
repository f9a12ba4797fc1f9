"""Settings of the ClusterHub servers that bench/live.py starts: the project's, with the
throttles off (not a benchmark itself; bench/run.py skips modules starting with "_").

The channel layer is the project's own choice, selected the way a deploy selects it
(config/settings.py): bench/live.py sets `CHANNEL_LAYER=core` (RedisChannelLayer) or
`CHANNEL_LAYER=pubsub` (RedisPubSubChannelLayer, the default) for each server, so each layer
is measured with exactly the configuration production runs, and prints the backend each
server reports.
"""

from config.settings import *  # noqa: F403
from config.settings import REST_FRAMEWORK

REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}
