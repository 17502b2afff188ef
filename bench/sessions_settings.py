"""Settings for bench/sessions.py: kwippy's, with the session engine picked by KWIPPY_BENCH_ENGINE.

`kwippy` is the site as configured. Django's engines (`db`, `cache`, `cached_db`,
`signed_cookies`) run as Django ships them: its SessionMiddleware, its ModelBackend (a query for the
user on every request) and, for the cache engines, its PyMemcacheCache on the session memcached.
`none` has no session, authentication or messages at all. Every variant keeps the persistent
database connections of DEBUG=0. Only here is `django.contrib.sessions` installed: the `db` engine
needs its table, which the site itself has no use for.
"""

import os

from config.settings import *  # noqa: F403
from config.settings import CACHES, INSTALLED_APPS, MIDDLEWARE

ENGINE = os.environ["KWIPPY_BENCH_ENGINE"]
DJANGO_ENGINES = ("db", "cache", "cached_db", "signed_cookies")
OURS = "kwippy.sessions.middleware.SessionMiddleware"

ROOT_URLCONF = "bench.sessions_urls"
INSTALLED_APPS = [*INSTALLED_APPS, "django.contrib.sessions"]

if ENGINE in DJANGO_ENGINES:
    SESSION_ENGINE = f"django.contrib.sessions.backends.{ENGINE}"
    MIDDLEWARE = [
        "django.contrib.sessions.middleware.SessionMiddleware" if name == OURS else name
        for name in MIDDLEWARE
    ]
    AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
    CACHES["sessions"] = {
        **CACHES["sessions"],
        "BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache",
        "OPTIONS": {"no_delay": True},
    }
elif ENGINE == "none":
    MIDDLEWARE = [
        name
        for name in MIDDLEWARE
        if name
        not in (
            OURS,
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
        )
    ]
elif ENGINE != "kwippy":
    raise ValueError(f"KWIPPY_BENCH_ENGINE: unknown engine {ENGINE!r}")
