"""ClusterHub settings, read from the environment.

Without any environment the project runs on the embedded default: SQLite, the in-memory
channel layer, a local-memory cache and the console email backend. Production sets
`DATABASE_URL` (PostgreSQL), `REDIS_URL` (channel layer and cache), `SECRET_KEY`,
`ALLOWED_HOSTS`, `DEBUG=0` and the email settings. docs/operations.md lists them all.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

# Lets code write the generic types the stubs declare (ModelForm[Organisation], Feed[...]).
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
TESTING = env_bool("CLUSTERHUB_TESTING", False)

# LOCAL_SITE=1 (`make run`): DEBUG off — the site's own error pages, no debug page — but
# served on this machine over plain http without a proxy: no https redirect or secure-only
# cookies, static files straight from their sources, media served by Django. Refused unless
# every allowed host is a loopback name, so it cannot weaken a public site.
LOCAL_SITE = env_bool("LOCAL_SITE", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY and os.environ.get("SECRET_KEY_FILE"):
    SECRET_KEY = Path(os.environ["SECRET_KEY_FILE"]).read_text().strip()
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-embedded-default-key-only-for-local-development-0123456789"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "[::1]", "testserver"}
if LOCAL_SITE and not set(ALLOWED_HOSTS) <= LOOPBACK_HOSTS:
    raise RuntimeError("LOCAL_SITE=1 serves this machine only: ALLOWED_HOSTS must be loopback.")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "channels",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_countries",
    "csp",
    "realtime",
    "community",
    "messaging",
    "forums",
    "webinars",
    "matchmaking",
    "notifications",
    # The information hub imports community, messaging and notifications; nothing imports it.
    "hub",
    # The newsletter imports hub, webinars, community, notifications, realtime; nothing imports it.
    "newsletter",
    # One search across every app (sitesearch/): it imports them all; only config imports it.
    "sitesearch",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.middleware.PersonLocaleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.middleware.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "config" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "csp.context_processors.nonce",
                "notifications.context.bell",
                "messaging.context.inbox_badge",
            ],
        },
    },
]

# --- Database --------------------------------------------------------------------------
# Connections are not kept across requests: under ASGI each request may run on another
# thread, and persistent connections there leak (Django ticket #33497).
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
        "DB_POOL", True
    ):
        # psycopg's pool (Django ≥ 5.1) reuses connections across requests and threads; a
        # new PostgreSQL connection per request costs more than a directory search.
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": int(os.environ.get("DB_POOL_MIN", "2")),
            "max_size": int(os.environ.get("DB_POOL_MAX", "20")),
            "timeout": 10,
        }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            "OPTIONS": {
                # WAL and a busy timeout let daphne's threads and the worker share the file.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Channel layer and cache -----------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # The pub/sub layer is the default: faster fan-out here, and its group memberships live in
    # the process, so a Redis restart does not drop every socket (docs/performance.md,
    # docs/decisions.md). CHANNEL_LAYER=core selects channels-redis's list-based layer.
    # socket_timeout None: with redis-py 8 the default read timeout kills idle consumers
    # after about 5 s with close code 1011 (channels_redis#422).
    _layer_host = {"address": REDIS_URL, "socket_timeout": None}
    _prefix = os.environ.get("CHANNEL_PREFIX", "clusterhub")
    if os.environ.get("CHANNEL_LAYER", "pubsub") == "core":
        CHANNEL_LAYERS: dict[str, Any] = {
            "default": {
                "BACKEND": "channels_redis.core.RedisChannelLayer",
                "CONFIG": {
                    "hosts": [_layer_host],
                    "prefix": _prefix,
                    "capacity": 1500,
                    # The process's one hub channel receives every broadcast (realtime/hub.py).
                    "channel_capacity": {"hub.*": 100_000},
                    "expiry": 60,
                },
            }
        }
    else:
        CHANNEL_LAYERS = {
            "default": {
                "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
                "CONFIG": {"hosts": [_layer_host], "prefix": _prefix},
            }
        }
    CACHES: dict[str, Any] = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_PREFIX", "clusterhub"),
        }
    }
else:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels.layers.InMemoryChannelLayer",
            # The hub's one channel receives every broadcast (realtime/hub.py). (This layer
            # does not compile `channel_capacity` patterns, so the default is raised.)
            "CONFIG": {"capacity": 100_000},
        }
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Accounts --------------------------------------------------------------------------
AUTH_USER_MODEL = "community.User"
# ModelBackend loading the delivery settings (time zone) with the person (config/authentication.py)
AUTHENTICATION_BACKENDS = ["config.authentication.PersonBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    # Hashing with PBKDF2 dominates test time; tests do not test the hasher.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_VERIFICATION_MAX_AGE = 3 * 24 * 3600
# Password guessing limits (community/services/login_attempts.py; docs/decisions.md):
# failed password checks per (account, address), per address and per account, counted in a
# window; locks that double from LOGIN_LOCKOUT to LOGIN_LOCKOUT_MAX (seconds); the
# per-account slow-down's spacing, doubling from LOGIN_SLOWDOWN to LOGIN_SLOWDOWN_MAX.
LOGIN_PAIR_FAILURES = int(os.environ.get("LOGIN_PAIR_FAILURES", "5"))
LOGIN_ADDRESS_FAILURES = int(os.environ.get("LOGIN_ADDRESS_FAILURES", "30"))
LOGIN_ACCOUNT_FAILURES = int(os.environ.get("LOGIN_ACCOUNT_FAILURES", "50"))
LOGIN_FAILURE_WINDOW = int(os.environ.get("LOGIN_FAILURE_WINDOW", "900"))
LOGIN_LOCKOUT = int(os.environ.get("LOGIN_LOCKOUT", "60"))
LOGIN_LOCKOUT_MAX = int(os.environ.get("LOGIN_LOCKOUT_MAX", "3600"))
LOGIN_LOCKOUT_MEMORY = int(os.environ.get("LOGIN_LOCKOUT_MEMORY", "86400"))
LOGIN_SLOWDOWN = int(os.environ.get("LOGIN_SLOWDOWN", "1"))
LOGIN_SLOWDOWN_MAX = int(os.environ.get("LOGIN_SLOWDOWN_MAX", "60"))
LOGIN_KNOWN_ADDRESS_DAYS = int(os.environ.get("LOGIN_KNOWN_ADDRESS_DAYS", "30"))
# Registrations (account created or not: the answer is the same) per client address.
REGISTER_RATE = os.environ.get("REGISTER_RATE", "5/3600")
# Enquiries to the SMEs Go International desk per client address (visitors) or per member.
DESK_ENQUIRY_RATE = os.environ.get("DESK_ENQUIRY_RATE", "5/3600")
# An enquiry waiting for the desk longer than this many days is overdue in the staff queue.
DESK_ANSWER_DAYS = int(os.environ.get("DESK_ANSWER_DAYS", "5"))
# How many reverse proxies stand in front of daphne; each must overwrite or append one
# X-Forwarded-For entry (deploy/nginx.conf). 0: the address is REMOTE_ADDR, no header is read.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# --- Email -----------------------------------------------------------------------------
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "ClusterHub <noreply@clusterhub.test>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Internationalisation --------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("de", _("German")),
    ("es", _("Spanish")),
    ("it", _("Italian")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True
# Dates and numbers always follow the active language's formats (Django ≥ 5.0 has no
# USE_L10N switch any more); the time zone is the person's (config.middleware).

# --- Static and media files ------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS: list[Any] = [BASE_DIR / "config" / "static"]
# Front-end libraries come from npm (package.json, pinned) and are served from node_modules.
_NODE = BASE_DIR / "node_modules"
for prefix, folder in [
    ("vendor/leaflet", _NODE / "leaflet" / "dist"),
    ("vendor/markercluster", _NODE / "leaflet.markercluster" / "dist"),
    ("vendor/topojson-client", _NODE / "topojson-client" / "dist"),
    ("vendor/easymde", _NODE / "easymde" / "dist"),
]:
    if folder.exists():
        STATICFILES_DIRS.append((prefix, folder))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", str(BASE_DIR / "media")))
# Django serves MEDIA_ROOT itself (config/media.py: images only, with safe headers) unless a
# proxy does; deploy/nginx.conf does, so production turns this off by leaving DEBUG off.
SERVE_MEDIA = env_bool("SERVE_MEDIA", DEBUG or LOCAL_SITE)
# Files only participants may fetch (conversation attachments): outside MEDIA_ROOT, served by
# the app after an access check, never by the proxy.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private-media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING or LOCAL_SITE
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Without collectstatic, WhiteNoise serves the files from where the finders find them.
WHITENOISE_USE_FINDERS = DEBUG or LOCAL_SITE
# Upload limits: anything larger is refused before it reaches a form.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
MAX_IMAGE_BYTES = 2 * 1024 * 1024
MAX_IMAGE_PIXELS = 4096 * 4096

# Optional tile server for the map; without it the map draws Natural Earth outlines.
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "")

# --- Security --------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG and not LOCAL_SITE:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        # Only scripts with this response's nonce (templates: nonce="{{ request.csp_nonce }}"),
        # never a source expression: 'self' would cover /media/ (docs/decisions.md).
        # config/middleware.py adds the admin's static scripts under /admin/.
        "script-src": [NONCE],
        "style-src": [SELF],
        "img-src": [
            SELF,
            "data:",
            "blob:",
            *([MAP_TILE_URL.split("/{")[0]] if MAP_TILE_URL else []),
        ],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "worker-src": [SELF],
        "manifest-src": [SELF],
    },
}

# --- Live layer (realtime/) ------------------------------------------------------------
REALTIME_TICKET_TTL = 30  # seconds a native client's socket ticket stays valid
# Origins that may open a socket with a ticket (never with a session cookie): the web views
# of hybrid apps, e.g. capacitor://localhost,ionic://localhost,https://localhost. Empty by
# default: list those of the apps you ship (docs/realtime.md, section 1).
REALTIME_APP_ORIGINS = env_list("REALTIME_APP_ORIGINS", [])
# Tickets issued with a token of this model close their sockets when it is deleted (revoked).
REALTIME_API_TOKEN_MODEL = "community.ApiToken"  # noqa: S105 - a model label
# The largest frame the application reads; larger ones get `frame_too_large`. daphne's own
# limit (--websocket-max-message-size, 1 MiB in the Makefile and deploy/) must stay well
# above it: a message over that one is dropped with the connection (docs/realtime.md).
REALTIME_MAX_FRAME_BYTES = 64 * 1024
REALTIME_MAX_SUBSCRIPTIONS = 100  # per socket
REALTIME_SENDS_PER_MINUTE = int(os.environ.get("REALTIME_SENDS_PER_MINUTE", "120"))  # per user
REALTIME_SIGNAL_INTERVAL = 2.0  # seconds between two ephemeral signals of one kind per topic
REALTIME_BACKLOG_LIMIT = 1000  # events replayed on subscribe; more means resync_required
REALTIME_EVENT_RETENTION_DAYS = int(os.environ.get("REALTIME_EVENT_RETENTION_DAYS", "30"))
REALTIME_RECHECK_SECONDS = 30.0  # sockets re-check access and group membership this often
# Presence (realtime/presence.py): an entry lives this long unless its process refreshes it
# (a killed process's readers vanish within it), and a topic's subscribers get at most one
# presence frame per interval.
REALTIME_PRESENCE_TTL = float(os.environ.get("REALTIME_PRESENCE_TTL", "30"))
REALTIME_PRESENCE_INTERVAL = float(os.environ.get("REALTIME_PRESENCE_INTERVAL", "1.0"))

# --- Web Push and the delivery worker (notifications/push.py, notifications/tasks.py) ---
# VAPID keys (RFC 8292): the private key as PEM or base64url raw, the public key as the
# base64url uncompressed point the browser gets. Without them in the environment, the keys
# that `manage.py vapid_keys --if-missing` wrote to WEBPUSH_VAPID_FILE are used.
WEBPUSH_VAPID_FILE = Path(os.environ.get("WEBPUSH_VAPID_FILE", BASE_DIR / "var" / "vapid.json"))
WEBPUSH_VAPID_PRIVATE_KEY = os.environ.get("WEBPUSH_VAPID_PRIVATE_KEY", "")
WEBPUSH_VAPID_PUBLIC_KEY = os.environ.get("WEBPUSH_VAPID_PUBLIC_KEY", "")
if not WEBPUSH_VAPID_PRIVATE_KEY and WEBPUSH_VAPID_FILE.is_file():
    import json

    _vapid = json.loads(WEBPUSH_VAPID_FILE.read_text())
    WEBPUSH_VAPID_PRIVATE_KEY = _vapid["private_key"]
    WEBPUSH_VAPID_PUBLIC_KEY = _vapid["public_key"]
WEBPUSH_SUBJECT = os.environ.get("WEBPUSH_SUBJECT", "mailto:admin@clusterhub.test")
# Where pushes may go (notifications/push_targets.py, docs/decisions.md): an endpoint's
# host must be on this list (".example.com" = that domain and its subdomains; the default
# names the push services of Chrome/Android (FCM), Firefox, Safari and Edge on Windows),
# it must use https, and every address it resolves to must be public — checked when a
# device registers and again on each delivery. A staging deploy with its own push service
# adds its host, and may allow http and private addresses; DEBUG changes none of this.
WEBPUSH_ALLOWED_HOSTS = env_list(
    "WEBPUSH_ALLOWED_HOSTS",
    ["fcm.googleapis.com", ".push.services.mozilla.com", ".push.apple.com", ".notify.windows.com"],
)
WEBPUSH_ALLOW_HTTP = env_bool("WEBPUSH_ALLOW_HTTP", False)
WEBPUSH_ALLOW_PRIVATE_ADDRESSES = env_bool("WEBPUSH_ALLOW_PRIVATE_ADDRESSES", False)
# A chat message's push waits this long; reading or muting the conversation meanwhile
# drops it (a person looking at the conversation is not pushed).
WEBPUSH_CHAT_GRACE_SECONDS = float(os.environ.get("WEBPUSH_CHAT_GRACE_SECONDS", "10"))
# Who writes the notification outbox (notifications/outbox.py: chat messages' notifications):
# the worker, unless the channel layer is process-local (no REDIS_URL, the embedded default),
# where only the server process reaches its sockets' bell: then the server does, every 0.25 s.
NOTIFICATION_OUTBOX_IN_SERVER = env_bool(
    "NOTIFICATION_OUTBOX_IN_SERVER", not REDIS_URL and not TESTING
)
WEBPUSH_TTL = int(os.environ.get("WEBPUSH_TTL", str(24 * 3600)))  # seconds a push waits
WEBPUSH_TTL_BY_KIND: dict[str, int] = {}  # per notification kind; 0 = now or never
WEBPUSH_TIMEOUT = float(os.environ.get("WEBPUSH_TIMEOUT", "10"))  # per HTTP phase, seconds
DELIVERY_MAX_ATTEMPTS = int(os.environ.get("DELIVERY_MAX_ATTEMPTS", "8"))
DELIVERY_RETRY_BASE = 30.0  # seconds before the 2nd attempt; doubles, capped below
DELIVERY_RETRY_CAP = 3600.0

# --- REST API --------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "community.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "community.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "community.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "community.api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_ANON_RATE", "120/minute"),
        "user": os.environ.get("API_USER_RATE", "600/minute"),
        "auth": os.environ.get("API_AUTH_RATE", "10/minute"),
        "socket_ticket": os.environ.get("API_SOCKET_TICKET_RATE", "30/minute"),
        "people_search": os.environ.get("API_PEOPLE_SEARCH_RATE", "60/minute"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # The throttles' client address follows the same rule as community.throttling.client_ip.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ClusterHub API",
    "DESCRIPTION": "REST API v1 of ClusterHub. See docs/api.md for auth, pagination and errors.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a field called "kind"; name their choice sets explicitly.
    "ENUM_NAME_OVERRIDES": {
        "PartnershipKindEnum": "community.models.partnerships.PartnershipKind",
        "ModerationStatusEnum": "community.models.moderation.ModerationStatus",
        "ListingKindEnum": "messaging.models.ListingKind",
        "MeetingRequestStatusEnum": "matchmaking.models.meetings.RequestStatus",
        "MeetingStatusEnum": "matchmaking.models.meetings.MeetingStatus",
        "ScheduleDraftStatusEnum": "matchmaking.models.scheduling.ScheduleDraftStatus",
        "ListingCategoryEnum": "messaging.models.ListingCategory",
        "ListingStatusEnum": "messaging.models.ListingStatus",
        # The language of a text people wrote (organisations, news, listings).
        "TextLanguageEnum": "community.models.languages.CONTENT_LANGUAGES",
        "ForumKindEnum": "forums.models.forums.ForumKind",
        "ForumSubscriptionLevelEnum": "forums.models.topics.SubscriptionLevel",
    },
}

# --- Logging ---------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.request": {"level": "ERROR"}},
}

# --- events slice (webinars): names of the events API's choice sets in the OpenAPI schema --
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] = {
    **SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"],  # type: ignore[dict-item]
    # Keeps the organisations' type set under the name it had before events had a "type".
    "TypeEnum": "community.models.organisations.OrganisationType",
    "EventKindEnum": "webinars.models.events.EventKind",
    "RegistrationStatusEnum": "webinars.models.events.RegistrationStatus",
    "EventOrganiserTypeEnum": "webinars.serializers.events.ORGANISER_TYPES",
    "RegistrationDecisionEnum": "webinars.serializers.events.REGISTRATION_DECISIONS",
    # Every country field (organisations, listings, calls' eligible countries) is one set.
    "CountryEnum": "django_countries.countries",
    "RoomRoleEnum": "webinars.serializers.events.ROOM_ROLES",
    "CallKindEnum": "hub.models.calls.CallKind",
    "RoomGivenRoleEnum": "webinars.serializers.rooms.GIVEN_ROLES",
    # A person's role in an organisation keeps the name it had before rooms had roles.
    "RoleEnum": "community.models.organisations.OrganisationRole",
    "EventPlaceModeEnum": "webinars.serializers.events.PLACE_MODES",
    # The interface languages (a profile's language, an enquiry's): one set, one name.
    "LanguageEnum": "config.settings.LANGUAGES",
    "EnquiryStateEnum": "hub.models.enquiries.EnquiryState",
    "EnquiryCloseReasonEnum": "hub.models.enquiries.EnquiryCloseReason",
    "EnquiryMessageKindEnum": "hub.models.enquiries.EnquiryMessageKind",
    "CountryGroupEnum": "hub.models.countries.CountryGroup",
    "CountryItemKindEnum": "hub.models.countries.CountryItemKind",
    "FocusKindEnum": "hub.models.focus.FocusKind",
}
# --- Events: calendar files and feeds (ical slice; webinars/views/calendar.py) ---------
# Event .ics files, and wrong feed addresses, per client address; each feed per its token.
ICAL_RATE = os.environ.get("ICAL_RATE", "120/minute")
ICAL_FEED_RATE = os.environ.get("ICAL_FEED_RATE", "60/hour")
# Newsletter subscription requests: per address, and per client address (newsletter/).
NEWSLETTER_SUBSCRIBE_RATE = os.environ.get("NEWSLETTER_SUBSCRIBE_RATE", "3/3600")
NEWSLETTER_SUBSCRIBE_IP_RATE = os.environ.get("NEWSLETTER_SUBSCRIBE_IP_RATE", "20/3600")
# Seconds a worker keeps the newsletter deliveries it claimed before another may take them.
NEWSLETTER_LEASE_SECONDS = float(os.environ.get("NEWSLETTER_LEASE_SECONDS", "60"))
# SMTP connections (each with a thread and a database connection) a worker sends an issue over.
NEWSLETTER_SMTP_CONNECTIONS = int(os.environ.get("NEWSLETTER_SMTP_CONNECTIONS", "4"))
# --- Webinar rooms: the stage's player (room slice; webinars/embeds.py) -------------------
# PeerTube instances whose videos the room's stage may embed (host names, comma-separated).
# YouTube (as youtube-nocookie.com) and Vimeo are always allowed; any other stream address is
# shown as a link. The room page's Content-Security-Policy frames only these hosts.
WEBINAR_PEERTUBE_HOSTS = env_list("WEBINAR_PEERTUBE_HOSTS", ["framatube.org", "peertube.tv"])
# How long after an event's end its room stays open (minutes), unless a host ends it.
WEBINAR_ROOM_GRACE_MINUTES = int(os.environ.get("WEBINAR_ROOM_GRACE_MINUTES", "30"))
# --- Video calls of small webinar rooms (webinars, slice "video") ---------------------------


# STUN/TURN servers handed to the browsers of a call (docs/operations.md, "Video calls"):
# WEBRTC_ICE_SERVERS is a JSON list of RTCIceServer objects, e.g.
# '[{"urls": ["stun:stun.example.org:3478"]}]'. Empty by default: calls then work between
# browsers that reach each other directly (the same network, or loopback in the tests).
WEBRTC_ICE_SERVERS: list[dict[str, Any]] = json.loads(
    os.environ.get("WEBRTC_ICE_SERVERS", "") or "[]"
)
if not isinstance(WEBRTC_ICE_SERVERS, list) or not all(
    isinstance(server, dict) and "urls" in server for server in WEBRTC_ICE_SERVERS
):
    raise ImproperlyConfigured('WEBRTC_ICE_SERVERS must be a JSON list of {"urls": …} objects.')
# A TURN server with shared-secret authentication (coturn `use-auth-secret`,
# `static-auth-secret`): comma-separated turn:/turns: URLs and the secret; each participant
# gets credentials valid WEBRTC_TURN_TTL seconds (webinars/services/calls.py).
WEBRTC_TURN_URLS = env_list("WEBRTC_TURN_URLS", [])
WEBRTC_TURN_SECRET = os.environ.get("WEBRTC_TURN_SECRET", "")
WEBRTC_TURN_TTL = int(os.environ.get("WEBRTC_TURN_TTL", "3600"))
# People in one call at most: a mesh sends each one's video to every other (docs/decisions.md).
WEBINAR_CALL_CAPACITY = 8

# --- Webinar rooms: questions, polls and raised hands (qa slice) ---------------------------
# A poll's live results go out at most once per this many seconds per poll (the latest
# counts always: webinars/services/polls.py).
WEBINAR_POLL_RESULTS_INTERVAL = float(os.environ.get("WEBINAR_POLL_RESULTS_INTERVAL", "1.0"))

# --- Matchmaking ---------------------------------------------------------------------------
# The auto-scheduler's time limit in seconds (CP-SAT, matchmaking/services/scheduling.py): it
# runs inside the organiser's request and answers the best placement found by then.
MATCHMAKING_SCHEDULER_SECONDS = float(os.environ.get("MATCHMAKING_SCHEDULER_SECONDS", "10"))
