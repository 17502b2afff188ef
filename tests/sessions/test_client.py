"""The session store's memcached client: text only, failures raised, failed nodes skipped."""

import socket

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from pymemcache.serde import FLAG_BYTES, FLAG_PICKLE, FLAG_TEXT

from kwippy.sessions.client import TEXT_SERDE, NodeDown, SessionCache
from tests.sessions.conftest import wait_out_dead_time


def test_the_serde_keeps_text_and_bytes():
    assert TEXT_SERDE.serialize("k", "héllo") == ("héllo".encode(), FLAG_TEXT)
    assert TEXT_SERDE.serialize("k", b"\x00\x01") == (b"\x00\x01", FLAG_BYTES)
    assert TEXT_SERDE.deserialize("k", "héllo".encode(), FLAG_TEXT) == "héllo"
    assert TEXT_SERDE.deserialize("k", b"\x00", FLAG_BYTES) == b"\x00"


@pytest.mark.parametrize("value", [{"a": 1}, ["a"], 1, 1.5, None, object()])
def test_the_serde_refuses_to_pickle(value):
    with pytest.raises(TypeError):
        TEXT_SERDE.serialize("k", value)


@pytest.mark.parametrize(
    ("value", "flags"), [(b"\x80\x04K\x01.", FLAG_PICKLE), (b"12", 2), (b"\xff\xfe", FLAG_TEXT)]
)
def test_the_serde_reads_nothing_but_text_and_bytes(value, flags):
    assert TEXT_SERDE.deserialize("k", value, flags) is None


@pytest.mark.parametrize(
    "options",
    [
        {"serde": None},
        {"default_noreply": True},
        {"ignore_exc": True},
        {"retry_attempts": 2},
        {"use_pooling": True},
    ],
)
def test_the_session_cache_refuses_options_that_would_hide_failures_or_pickle(options):
    with pytest.raises(ImproperlyConfigured):
        SessionCache(["127.0.0.1:1"], {"OPTIONS": options}).get("x")


def test_the_configured_timeouts_give_up_well_within_a_second():
    options = settings.CACHES["sessions"]["OPTIONS"]
    assert options["connect_timeout"] + options["timeout"] < 1
    assert options["dead_timeout"] <= 2


def test_a_failed_node_is_skipped_for_its_dead_time_then_tried_again(own_store):
    cache = caches["sessions"]
    cache.set("probe", "1", 60)
    own_store.stop()
    with pytest.raises(ConnectionRefusedError):
        cache.get("probe")
    with pytest.raises(NodeDown):
        cache.get("probe")
    assert not cache.node_is_up("probe")
    own_store.start()
    wait_out_dead_time()
    assert cache.node_is_up("probe")
    assert cache.get("probe") is None
    cache.set("probe", "2", 60)
    assert cache.get("probe") == "2"


def test_connections_are_kept_between_requests(own_store):
    cache = caches["sessions"]
    cache.set("probe", "1", 60)
    node = next(iter(cache._cache.clients.values()))
    connection = node.sock
    cache.close()
    assert node.sock is connection
    assert cache.get("probe") == "1"
    assert node.sock is connection
    assert isinstance(connection, socket.socket)
