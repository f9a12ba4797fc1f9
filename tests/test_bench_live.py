"""bench/live.py measures each channel layer with the configuration production runs.

Its "core" server once ran the pub/sub layer (the project's default) while being reported
as the list-based layer, so two runs of one layer were read as a comparison of two.
"""

import pytest

from bench.live import LAYER_CODE, clusterhub_env
from tests.realtime.harness import base_env, run_django


@pytest.mark.parametrize(
    ("layer", "backend"),
    [
        ("core", "channels_redis.core.RedisChannelLayer"),
        ("pubsub", "channels_redis.pubsub.RedisPubSubChannelLayer"),
    ],
)
def test_each_benchmarked_server_runs_the_layer_it_is_reported_as(layer, backend):
    # Settings only: nothing connects to these servers.
    common = {**base_env(), "REDIS_URL": "redis://127.0.0.1:1/0", "DATABASE_URL": ""}
    env = clusterhub_env(common, layer)
    assert env["DJANGO_SETTINGS_MODULE"] == "bench._live_settings"
    assert run_django(LAYER_CODE, env) == backend
