"""Probe the three services pages need, and the job workers. Plain functions `/healthz` calls."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.utils import timezone
from procrastinate.contrib.django.models import ProcrastinateWorker

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


def workers_ok() -> bool:
    """Return whether a job worker has recorded a heartbeat within KWIPPY_WORKER_STALLED_SECONDS."""
    since = timezone.now() - timedelta(seconds=settings.KWIPPY_WORKER_STALLED_SECONDS)
    try:
        return ProcrastinateWorker.objects.filter(last_heartbeat__gte=since).exists()
    except Exception:
        log.warning("health: job workers unknown, the database is unreachable", exc_info=True)
        return False


def health_report() -> dict[str, bool]:
    """Return whether each service that pages need answers."""
    return {
        "database": database_ok(),
        "object_cache": cache_ok("default"),
        "session_store": cache_ok("sessions"),
    }
