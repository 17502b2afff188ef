import contextlib
import signal
import socket
import time

import pytest
from django.conf import settings
from django.core.cache import caches

from kwippy.sessions import middleware
from kwippy.sessions.backends.memcached import SessionStore
from tests.memcached import MemcachedProcess


@pytest.fixture(autouse=True)
def forget_slides():
    """Every test starts with no session slid recently in this process."""
    middleware._slid_at.clear()


def point_alias(settings, alias: str, addresses: list[str]) -> None:
    caches_setting = {**settings.CACHES}
    caches_setting[alias] = {**caches_setting[alias], "LOCATION": addresses}
    settings.CACHES = caches_setting


@pytest.fixture
def own_store(settings):
    """A session memcached of the test's own, which it may stop, restart or hang."""
    with MemcachedProcess() as store:
        point_alias(settings, "sessions", [store.address])
        yield store


@pytest.fixture
def two_stores(settings):
    """Two session memcached nodes of the test's own."""
    with MemcachedProcess() as first, MemcachedProcess() as second:
        point_alias(settings, "sessions", [first.address, second.address])
        yield first, second


@pytest.fixture
def own_object_cache(settings):
    """An object memcached of the test's own, which it may flush or restart."""
    with MemcachedProcess() as objects:
        point_alias(settings, "default", [objects.address])
        yield objects


def memcached_key(session_key: str) -> str:
    """Return the key a session is stored under in memcached (prefixes included)."""
    return caches["sessions"].make_key(SessionStore.cache_key_prefix + session_key)


def node_of(session_key: str) -> str:
    """Return the `host:port` of the session node holding a session."""
    return caches["sessions"]._cache.hasher.get_node(memcached_key(session_key))


def raw_command(address: str, command: bytes) -> bytes:
    """Send one command to a memcached and return its first reply line."""
    host, port = address.rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=2) as conn:
        conn.sendall(command + b"\r\n")
        return conn.recv(65536).split(b"\r\n")[0]


def stored_ttl(session_key: str) -> int | None:
    """Return the seconds a session has left in memcached, or None if it is not there."""
    line = raw_command(node_of(session_key), b"mg " + memcached_key(session_key).encode() + b" t")
    if not line.startswith(b"HD"):
        return None
    return int(line.split(b" t")[1])


def command_counts(address: str | None = None) -> dict[str, int]:
    """Return memcached's running counts of set, add, touch and replace-like commands."""
    address = address or settings.CACHES["sessions"]["LOCATION"][0]
    host, port = address.rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=2) as conn:
        conn.sendall(b"stats\r\n")
        data = b""
        while not data.endswith(b"END\r\n"):
            data += conn.recv(65536)
    stats = {}
    for line in data.decode().splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] == "STAT":
            stats[parts[1]] = parts[2]
    return {name: int(stats[name]) for name in ("cmd_set", "cmd_touch", "cmd_get")}


class Hung(Exception):
    """The code under test was still waiting when the watchdog fired."""


@contextlib.contextmanager
def watchdog(seconds: int = 10):
    """Raise `Hung` if the block is still running after `seconds` (a hung test, not a slow one)."""

    def fire(signum, frame):
        raise Hung(f"still waiting after {seconds}s")

    previous = signal.signal(signal.SIGALRM, fire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def wait_out_dead_time() -> None:
    """Sleep past the time a failed session node is skipped, as a returning store is."""
    time.sleep(settings.CACHES["sessions"]["OPTIONS"]["dead_timeout"] + 0.2)
