"""The object cache keeps its memcached connections, and still never fails a request."""

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.signals import request_finished

from kwippy.core.memcached import ObjectCache
from tests.memcached import MemcachedProcess


@pytest.fixture
def memcached():
    with MemcachedProcess() as process:
        yield process


def object_cache(process: MemcachedProcess) -> ObjectCache:
    return ObjectCache(process.address, {"OPTIONS": settings.CACHES["default"]["OPTIONS"]})


def socket_of(cache: ObjectCache):
    (client,) = cache._cache.clients.values()
    return client.sock


def test_the_site_uses_the_object_cache_that_keeps_connections():
    assert isinstance(caches["default"], ObjectCache)


def test_the_connection_outlives_the_end_of_a_request(memcached):
    cache = object_cache(memcached)
    cache.set("greeting", "hello")
    before = socket_of(cache)
    assert before is not None
    cache.close()
    request_finished.send(sender=None)
    assert cache.get("greeting") == "hello"
    assert socket_of(cache) is before


def test_a_restarted_memcached_is_used_at_once_on_a_fresh_connection(memcached):
    cache = object_cache(memcached)
    cache.set("greeting", "hello")
    memcached.restart()
    # The kept connection is dead: the first call after the restart must still reach the server.
    cache.set("greeting", "hello again")
    assert cache.get("greeting") == "hello again"


def test_a_stopped_memcached_is_a_miss_not_an_error(memcached):
    cache = object_cache(memcached)
    cache.set("greeting", "hello")
    memcached.stop()
    assert cache.get("greeting") is None
    assert cache.get_many(["greeting", "other"]) == {}
    cache.set("greeting", "hello")
    cache.delete("greeting")
