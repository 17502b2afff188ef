"""Probe the three services kwippy needs. Plain functions: `/healthz` and tests call them."""

import logging

from django.core.cache import caches
from django.db import connection

log = logging.getLogger(__name__)

PROBE_KEY = "kwippy:healthz"


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        log.warning("health: database unreachable", exc_info=True)
        return False


def cache_ok(alias: str) -> bool:
    """Return whether every node of a memcached alias answers a write and a read."""
    cache = caches[alias]
    try:
        client = cache._cache
        nodes = list(client.clients.values())
        if not nodes:
            return False
        for node in nodes:
            node.set(PROBE_KEY, b"1", expire=10, noreply=False)
            if node.get(PROBE_KEY) != b"1":
                return False
        return True
    except Exception:
        log.warning("health: cache %r unreachable", alias, exc_info=True)
        return False


def health_report() -> dict[str, bool]:
    return {
        "database": database_ok(),
        "object_cache": cache_ok("default"),
        "session_store": cache_ok("sessions"),
    }
