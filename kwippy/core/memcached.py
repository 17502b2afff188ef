"""memcached plumbing shared by the object cache and the session store: connections kept.

Django's `PyMemcacheCache` disconnects from memcached at the end of every request, so each
request's first `get` pays a new TCP connection (about three times the cost of a `get` on a kept
one). The object cache is read on every signed-in request (the user row) and the session store on
every request with a cookie, so both keep their connections, like the database's persistent
connections. A kept connection that the server closed meanwhile (a restart) is retried once on a
fresh one, so a restart costs neither a miss nor an error.

`ObjectCache` is the object cache's backend: every other failure is ignored as a miss
(`ignore_exc`), so a down object cache never turns into an error page. The session store's
backend (`kwippy.sessions.client`) builds on `KeptConnectionsCache` and `call_retrying_stale` but
raises on every failure instead.
"""

from django.core.cache.backends.memcached import PyMemcacheCache
from pymemcache.client.hash import HashClient
from pymemcache.exceptions import MemcacheUnexpectedCloseError

# A kept connection that fails with one of these was most likely closed by a restarted server.
STALE_CONNECTION_ERRORS = (MemcacheUnexpectedCloseError, BrokenPipeError, ConnectionResetError)


def call_retrying_stale(client, func, *args, **kwargs):
    """Call `func`; if `client`'s kept connection turns out closed, call it once more.

    pymemcache closes a socket that failed, so the second call connects afresh. A call that failed
    on a connection it had just opened is not retried: that server is down, not restarted.
    """
    kept_connection = getattr(client, "sock", None) is not None
    try:
        return func(*args, **kwargs)
    except STALE_CONNECTION_ERRORS:
        if not kept_connection:
            raise
        return func(*args, **kwargs)


class ObjectMemcacheClient(HashClient):
    """A `HashClient` that retries a call once when a kept connection turns out closed."""

    def _safely_run_func(self, client, func, default_val, *args, **kwargs):
        def run(*call_args, **call_kwargs):
            return call_retrying_stale(client, func, *call_args, **call_kwargs)

        return super()._safely_run_func(client, run, default_val, *args, **kwargs)


class KeptConnectionsCache(PyMemcacheCache):
    """Django's pymemcache backend whose connections outlive the request."""

    def close(self, **kwargs):
        # Each thread has its own client (Django's caches are per thread), so keeping its
        # connections open shares nothing between threads.
        pass


class ObjectCache(KeptConnectionsCache):
    """The object cache: connections kept, a stale one retried, every other failure a miss."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ObjectMemcacheClient
