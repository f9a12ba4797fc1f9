"""Production settings pass Django's deployment checklist and pick the real backends."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "x" * 20 + "production-like-secret-key-with-enough-entropy-9f8e7d6c5b4a",
    "ALLOWED_HOSTS": "clusterhub.example.org",
    "DATABASE_URL": "postgres://clusterhub@db.internal:5432/clusterhub",
    "REDIS_URL": "redis://cache.internal:6379/0",
    "EMAIL_HOST": "smtp.example.org",
}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env, "CLUSTERHUB_TESTING": "0"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_reports_nothing():
    result = run_manage("check", "--deploy", "--fail-level", "DEBUG", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_environment_selects_production_backends():
    code = (
        "import json;from django.conf import settings as s;"
        "print(json.dumps([s.DATABASES['default']['ENGINE'],"
        "s.CHANNEL_LAYERS['default']['BACKEND'],"
        "s.CHANNEL_LAYERS['default']['CONFIG']['hosts'][0]['socket_timeout'],"
        "s.CACHES['default']['BACKEND'], s.EMAIL_BACKEND]))"
    )
    result = run_manage("shell", "-c", code, env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    engine, layer, socket_timeout, cache, email = json.loads(result.stdout.strip().splitlines()[-1])
    assert engine == "django.db.backends.postgresql"
    assert layer == "channels_redis.pubsub.RedisPubSubChannelLayer"
    assert socket_timeout is None
    assert cache == "django.core.cache.backends.redis.RedisCache"
    assert email == "django.core.mail.backends.smtp.EmailBackend"


def test_missing_secret_key_in_production_fails_loudly():
    env = {**PRODUCTION_ENV, "SECRET_KEY": ""}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
