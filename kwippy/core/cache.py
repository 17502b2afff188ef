"""The object cache's Django backend: pymemcache's, with its connections kept between requests.

Django's `PyMemcacheCache` disconnects from memcached at the end of every request, so each
request's first `get` pays a new TCP connection (about three times the cost of a `get` on a kept
one). The object cache is read on every signed-in request (the user row) and on the home page, so
here connections are kept, like the database's persistent connections. A kept connection that the
server closed meanwhile (a restart) is retried once on a fresh one, so a restart costs no miss;
every other failure is still ignored as a miss (`ignore_exc`), so a down object cache never turns
into an error page.
"""

from django.core.cache.backends.memcached import PyMemcacheCache
from pymemcache.client.hash import HashClient

from kwippy.sessions.client import STALE_CONNECTION_ERRORS


class ObjectMemcacheClient(HashClient):
    """A `HashClient` that retries a call once when a kept connection turns out closed."""

    def _safely_run_func(self, client, func, default_val, *args, **kwargs):
        kept_connection = getattr(client, "sock", None) is not None

        def run(*call_args, **call_kwargs):
            try:
                return func(*call_args, **call_kwargs)
            except STALE_CONNECTION_ERRORS:
                if not kept_connection:
                    raise
                # pymemcache closed the dead socket: this call connects afresh.
                return func(*call_args, **call_kwargs)

        return super()._safely_run_func(client, run, default_val, *args, **kwargs)


class ObjectCache(PyMemcacheCache):
    """Django's pymemcache backend whose connections outlive the request."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ObjectMemcacheClient

    def close(self, **kwargs):
        # Each thread has its own client (Django's caches are per thread), so keeping its
        # connections open shares nothing between threads.
        pass
