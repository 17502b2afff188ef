"""The session store's memcached client and Django cache backend.

We write our own layer over pymemcache's `HashClient` (rather than use Django's `PyMemcacheCache`
as it is) because its failure handling suits a cache, not a store people stay signed in with:

- `HashClient` takes a failing node off the hash ring, so its sessions move to the other nodes:
  while it is down, new logins land on nodes that are not theirs, and when it returns those
  sessions are orphaned and their owners signed out a second time. Here every node stays on the
  ring; a node that failed is skipped (its calls fail at once) for `dead_timeout` seconds, then
  tried again. New session keys are drawn until one belongs to a node that is up.
- Between retries `HashClient` answers a failing node's calls with a default (`None`, `False`), so
  an `add` that never reached the store looks like a taken key. Here every failure raises.
- Django closes memcached connections after every request; here they are kept, and a kept
  connection the server has closed (a restart) is retried once (`kwippy.core.memcached`).
- The default serde pickles, and unpickles whatever it reads back: anyone able to write to the
  session memcached could run code in the site. Here only text and bytes go in or come out.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.exceptions import ImproperlyConfigured
from pymemcache.client.base import check_key_helper
from pymemcache.client.hash import HashClient
from pymemcache.exceptions import MemcacheError, MemcacheUnexpectedCloseError
from pymemcache.serde import FLAG_BYTES, FLAG_TEXT

from kwippy.core.memcached import KeptConnectionsCache, call_retrying_stale

log = logging.getLogger(__name__)


class NodeDown(MemcacheError):
    """The node holding a key failed moments ago and is skipped until its dead time is over."""


class TextSerde:
    """Store text and bytes only; read back nothing else (never unpickle)."""

    def serialize(self, key, value):
        if type(value) is str:
            return value.encode(), FLAG_TEXT
        if type(value) is bytes:
            return value, FLAG_BYTES
        raise TypeError(f"the session store keeps text or bytes, not {type(value).__name__}")

    def deserialize(self, key, value, flags):
        if flags == FLAG_BYTES:
            return value
        if flags == FLAG_TEXT:
            try:
                return value.decode()
            except UnicodeDecodeError:
                pass
        log.warning("session store: ignoring a value of unexpected form under %r", key)
        return None


TEXT_SERDE = TextSerde()


class SessionMemcacheClient(HashClient):
    """A `HashClient` whose nodes never leave the ring and whose failures always raise."""

    def __init__(self, servers, *, dead_timeout: float = 1.0, **options):
        refused = {"retry_attempts", "retry_timeout", "ignore_exc", "use_pooling"} & set(options)
        if refused:
            raise ImproperlyConfigured(
                f"the session store client does not take {', '.join(sorted(refused))}: "
                "a failing node is skipped for dead_timeout seconds, and failures always raise"
            )
        super().__init__(servers, dead_timeout=dead_timeout, **options)
        self._down_until: dict[str, float] = {}

    def node_is_up(self, key: str) -> bool:
        """Return whether the node holding `key` is not being skipped after a failure."""
        return time.monotonic() >= self._down_until.get(self.hasher.get_node(key), 0.0)

    def _get_client(self, key):
        check_key_helper(key, self.allow_unicode_keys, self.key_prefix)
        node = self.hasher.get_node(key)
        if time.monotonic() < self._down_until.get(node, 0.0):
            raise NodeDown(f"memcached {node} failed less than {self.dead_timeout}s ago")
        return self.clients[node]

    def _safely_run_func(self, client, func, default_val, *args, **kwargs):
        node = self._make_client_key(client.server)
        try:
            result = call_retrying_stale(client, func, *args, **kwargs)
        except (OSError, MemcacheUnexpectedCloseError):
            self._down_until[node] = time.monotonic() + self.dead_timeout
            raise
        self._down_until.pop(node, None)
        return result

    def _safely_run_set_many(self, client, values, *args, **kwargs):
        return self._safely_run_func(client, client.set_many, None, values, *args, **kwargs)


class SessionCache(KeptConnectionsCache):
    """Django's pymemcache backend on `SessionMemcacheClient`, text only, connections kept."""

    def __init__(self, server, params):
        options = params.get("OPTIONS") or {}
        if "serde" in options or options.get("default_noreply"):
            raise ImproperlyConfigured(
                "the session cache sets its own serde and needs replies (default_noreply=False)"
            )
        super().__init__(server, params)
        self._class = SessionMemcacheClient
        self._options = {**self._options, "serde": TEXT_SERDE}

    def replace(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        """Store `value` only if `key` exists; return whether it did."""
        key = self.make_and_validate_key(key, version=version)
        return bool(self._cache.replace(key, value, self.get_backend_timeout(timeout)))

    def gets(self, key, version=None):
        """Return `(value, cas_token)`, or `(None, None)` when the key is missing."""
        key = self.make_and_validate_key(key, version=version)
        return self._cache.gets(key)

    def cas(self, key, value, cas_token, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        """Store `value` only if `key` is unchanged since `gets` gave `cas_token`."""
        key = self.make_and_validate_key(key, version=version)
        return bool(self._cache.cas(key, value, cas_token, self.get_backend_timeout(timeout)))

    @property
    def node_count(self) -> int:
        """Return how many memcached nodes hold sessions."""
        return len(self._cache.clients)

    def node_is_up(self, key, version=None) -> bool:
        """Return whether the node holding `key` is in use (not skipped after a failure)."""
        return self._cache.node_is_up(self.make_and_validate_key(key, version=version))
