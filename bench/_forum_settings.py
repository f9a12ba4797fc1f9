"""Settings of the server bench/forum_search.py starts: bench/_settings.py (the project's,
throttling off) with bench/_forum_urls.py, which adds the bare indexed query the search is
compared with. Not a benchmark itself (bench/run.py skips modules starting with "_")."""

from bench._settings import *  # noqa: F403

ROOT_URLCONF = "bench._forum_urls"
