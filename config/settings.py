"""kwippy's one settings module, driven by the environment (see README, "Configuration").

With no environment at all it runs against the local services that `scripts/services` starts, in
debug mode. `DEBUG=0` turns the production requirements on: a real `SECRET_KEY`, hashed static
files with far-future caching, persistent database connections.
"""

import secrets
from pathlib import Path

from config import local_services
from config.env import (
    ConfigError,
    env_bool,
    env_int,
    env_list,
    env_str,
    parse_allowed_networks,
    parse_database_url,
    parse_database_urls,
    parse_email_url,
    parse_memcached_url,
    parse_site_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
DEV = local_services.profile("dev")

DEBUG = env_bool("DEBUG", True)


def _dev_secret_key() -> str:
    """Return the development key kept under var/, creating it on first use."""
    path = VAR_DIR / "dev-secret-key"
    if not path.exists():
        VAR_DIR.mkdir(exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


if DEBUG:
    SECRET_KEY = env_str("SECRET_KEY", "") or _dev_secret_key()
else:
    SECRET_KEY = env_str("SECRET_KEY")
    if len(SECRET_KEY) < 50:
        raise ConfigError("SECRET_KEY must be at least 50 characters when DEBUG=0")

# The site's public address: feeds' ids and links, mails and the API name the site by it, never by
# the Host a client happened to use (a reader polling `localhost` and `127.0.0.1` sees one feed).
SITE_URL = parse_site_url("SITE_URL", env_str("SITE_URL", "http://127.0.0.1:8000"))

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
for _origin in CSRF_TRUSTED_ORIGINS:
    if not _origin.startswith(("http://", "https://")):
        raise ConfigError(f"CSRF_TRUSTED_ORIGINS entries must start with https://, got {_origin!r}")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    # The task engine: its tables by migrations, its jobs in the admin, `manage.py procrastinate`.
    "procrastinate.contrib.django",
    "kwippy.core",
    "kwippy.accounts",
    "kwippy.posts",
    "kwippy.auth",
    "kwippy.portability",
    "kwippy.pages",
    "kwippy.api",
    "kwippy.feeds",
    "kwippy.sessions",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "kwippy.core.security.ContentSecurityPolicyMiddleware",
    "kwippy.core.middleware.refuse_null_characters",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Django's SessionMiddleware, plus a 503 when the session store is down and sliding expiry.
    "kwippy.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": parse_database_url("DATABASE_URL", env_str("DATABASE_URL", DEV.database_url))
}
# Persistent connections save a connection set-up per request; health checks drop dead ones.
DATABASES["default"]["CONN_MAX_AGE"] = 0 if DEBUG else env_int("CONN_MAX_AGE", 600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Optional read replicas (docs/scaling.md): reads go to one of them, writes and a writer's next
# reads to the primary. With none, no router and no middleware: nothing changes.
KWIPPY_DATABASE_REPLICAS = []
for _number, _replica in enumerate(
    parse_database_urls("DATABASE_REPLICA_URLS", env_str("DATABASE_REPLICA_URLS", "")), start=1
):
    _alias = f"replica{_number}"
    DATABASES[_alias] = {
        **_replica,
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": True,
        # Under test a replica is the test database itself, never a second one.
        "TEST": {"MIRROR": "default"},
    }
    KWIPPY_DATABASE_REPLICAS.append(_alias)
if KWIPPY_DATABASE_REPLICAS:
    DATABASE_ROUTERS = ["kwippy.core.routers.ReplicaRouter"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1,
        "kwippy.core.middleware.reads_from_replicas",
    )
# How long a browser that wrote reads the primary: longer than the replicas' lag should ever be.
KWIPPY_PRIMARY_PIN_SECONDS = env_int("DATABASE_REPLICA_PIN_SECONDS", 10, minimum=1)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

CACHES = {
    "default": {
        # Django's pymemcache backend, with connections kept between requests.
        "BACKEND": "kwippy.core.memcached.ObjectCache",
        "LOCATION": parse_memcached_url(
            "OBJECT_CACHE_URL", env_str("OBJECT_CACHE_URL", DEV.object_cache_url)
        ),
        "KEY_PREFIX": "kwippy",
        "OPTIONS": {
            # The object cache is an optimisation: when it is down, pages are built from the
            # database (misses), never a 500. Short timeouts and a short dead time keep a dead node
            # cheap and let a restarted one back in within seconds.
            "ignore_exc": True,
            "connect_timeout": 0.25,
            "timeout": 0.5,
            "retry_attempts": 1,
            "dead_timeout": 2,
            "no_delay": True,
        },
    },
    # A separate memcached that nothing but sessions uses: flushing or restarting the object cache
    # must not log everyone out. Its backend stores text only (never pickle) and raises on every
    # failure, so an outage is told from a taken key.
    "sessions": {
        "BACKEND": "kwippy.sessions.client.SessionCache",
        "LOCATION": parse_memcached_url(
            "SESSION_CACHE_URL", env_str("SESSION_CACHE_URL", DEV.session_cache_url)
        ),
        # The namespace of this site's keys, for session memcached shared by several sites.
        "KEY_PREFIX": env_str("SESSION_KEY_PREFIX", "kwippy"),
        "OPTIONS": {
            # A local memcached answers in well under a millisecond. A store that does not connect
            # or answer within these is down (or hung: a paused process still accepts
            # connections), and the request goes on without it, well within a second, instead of
            # waiting until gunicorn kills the worker.
            "connect_timeout": 0.2,
            "timeout": 0.3,
            # After a failure a node is skipped (its calls fail at once, no waiting on timeouts)
            # for this long in that worker, then tried again by the next request: a store that
            # returns is used again within about a second by every worker, with no restart.
            # Nodes never leave the hash ring, so no session moves to another node meanwhile.
            "dead_timeout": 1,
            "no_delay": True,
        },
    },
}
SESSION_ENGINE = "kwippy.sessions.backends.memcached"
SESSION_CACHE_ALIAS = "sessions"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# App passwords first: one is recognised by its shape and checked with one query, before the
# account backend would spend a PBKDF2 run on it. The account backend also reads the signed-in
# user's row from the object cache on every request (kwippy/accounts/backends.py).
AUTHENTICATION_BACKENDS = [
    "kwippy.auth.backends.AppPasswordBackend",
    "kwippy.auth.backends.AccountPasswordBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Hashed names let whitenoise send far-future caching headers; under DEBUG, Django links the
# unhashed names and whitenoise serves them straight from the finders.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Jobs (kwippy/core/jobs.py): each app's `jobs.py` holds its jobs, queued by urgency. What a person
# waits for goes on `interactive`, which a worker lane of its own serves, so `bulk` work (imports,
# periodic upkeep) never delays it (see the Procfile).
KWIPPY_INTERACTIVE_QUEUE = "interactive"
KWIPPY_BULK_QUEUE = "bulk"
# Without JavaScript, an unfinished import's page reloads itself this often (kwippy.js updates it
# in place every 2 s instead). Slower than the script: each reload starts a screen reader again at
# the top of the page, where the link that stops the updates is.
KWIPPY_IMPORT_PAGE_REFRESH_SECONDS = 5
# A worker records a heartbeat this often; one silent for KWIPPY_WORKER_STALLED_SECONDS is gone
# (killed, its machine lost): /healthz stops counting it, and the jobs it held are retried.
KWIPPY_WORKER_HEARTBEAT_SECONDS = 10
KWIPPY_WORKER_STALLED_SECONDS = 30
# The pages behind the links (kwippy/pages): a saved link is fetched unless it was checked in the
# last LINK_FETCH_RECENT_DAYS; every link is checked again about every LINK_CHECK_INTERVAL_DAYS
# (failures sooner, with backoff: kwippy/pages/health.py), and called failing after
# LINK_FAILING_CHECKS failed checks in a row over at least LINK_FAILING_DAYS.
LINK_FETCH_RECENT_DAYS = 7
LINK_CHECK_INTERVAL_DAYS = 30
LINK_FAILING_CHECKS = 3
LINK_FAILING_DAYS = 7
# The periodic re-check keeps at most this many fetches waiting on the bulk lane: enough to keep
# it busy between two ticks, few enough that an import queued meanwhile is not behind thousands.
LINK_CHECK_QUEUE_DEPTH = 200
PROCRASTINATE_AUTODISCOVER_MODULE_NAME = "jobs"
PROCRASTINATE_WORKER_DEFAULTS = {
    "update_heartbeat_interval": KWIPPY_WORKER_HEARTBEAT_SECONDS,
    "stalled_worker_timeout": KWIPPY_WORKER_STALLED_SECONDS,
    # A finished job's row goes: the stalled-job check alone would add thousands a day, and a sent
    # mail's text (a reset link) has no business staying. Failed jobs stay, for the admin's retry.
    "delete_jobs": "successful",
}

# Fetching the pages behind links (kwippy/core/fetch.py, the one place kwippy opens outbound
# connections). Only the public internet is reached: a name that resolves to a loopback, private,
# link-local (cloud metadata), multicast or reserved address is refused, on every redirect. Named
# networks, `network[:port]`, are let through too: an intranet's wiki, or the tests' local server.
LINK_FETCH_ALLOWED_NETWORKS = parse_allowed_networks(
    "LINK_FETCH_ALLOWED_NETWORKS", env_str("LINK_FETCH_ALLOWED_NETWORKS", "")
)
# One fetch, every redirect and every byte of the body included, ends by this deadline: a server
# that drips a byte a second holds a worker's slot for no longer.
LINK_FETCH_DEADLINE_SECONDS = 10
# The body is read up to this many bytes (after gzip), the rest left unread; only HTML and XHTML
# bodies are read at all.
LINK_FETCH_MAX_BYTES = 5_000_000
LINK_FETCH_MAX_REDIRECTS = 5
# Politeness, across every worker on every machine: at most this many fetches of one host at once,
# and requests to a host started at least this far apart. A busy host makes the fetch raise
# HostBusy at once (the job tries again later); no worker waits holding its slot.
LINK_FETCH_HOST_CONCURRENCY = 2
LINK_FETCH_HOST_INTERVAL_SECONDS = 1

# Every mail is queued as a job (kwippy/core/mail.py) in the transaction that wrote it; the job
# hands it to the backend EMAIL_URL names, which reads the EMAIL_* settings below.
EMAIL_BACKEND = "kwippy.core.mail.QueuedEmailBackend"
_email = parse_email_url("EMAIL_URL", env_str("EMAIL_URL", "console:"))
KWIPPY_EMAIL_DELIVERY_BACKEND = _email["BACKEND"]
EMAIL_HOST = _email["HOST"]
EMAIL_PORT = _email["PORT"]
EMAIL_HOST_USER = _email["USER"]
EMAIL_HOST_PASSWORD = _email["PASSWORD"]
EMAIL_USE_TLS = _email["USE_TLS"]
EMAIL_USE_SSL = _email["USE_SSL"]
# A server that accepts the connection and then stalls fails the job, which is retried later.
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "kwippy <kwippy@localhost>")

# Security headers that hold with or without TLS.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Nothing reads the CSRF cookie from JavaScript: forms carry the token.
CSRF_COOKIE_HTTPONLY = True

# Posts per page on every list (keyset pagination, see kwippy/posts/pagination.py).
KWIPPY_PAGE_SIZE = env_int("KWIPPY_PAGE_SIZE", 20, minimum=1)
# The benchmarks (bench/settings.py) build every feed document, public ones too, so that a feed poll
# with credentials is compared with an anonymous poll of the same work. Never on a real site.
KWIPPY_FEEDS_BYPASS_CACHE = False

# Behind N proxies (Compose's nginx is one), the client's address is the Nth entry from the end of
# X-Forwarded-For: the sign-in throttle and the sessions page need it, not the proxy's.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT:
    MIDDLEWARE.insert(0, "kwippy.core.middleware.client_address_from_proxies")

# HTTPS=1 when a TLS proxy sits in front: secure cookies, redirect to https, HSTS.
HTTPS = env_bool("HTTPS", False)
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"kwippy": {"level": "INFO"}},
}
