"""Settings of the server that bench/search.py starts: the project's, for measuring.

Throttling is off (20 clients from one address would be throttled), and the URLs add a bare
`SELECT 1` endpoint as a baseline (bench/_urls.py). Not a benchmark itself (bench/run.py
skips modules whose name starts with "_").
"""

from config.settings import *  # noqa: F403
from config.settings import REST_FRAMEWORK

ROOT_URLCONF = "bench._urls"
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}
