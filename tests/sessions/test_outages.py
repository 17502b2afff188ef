"""Outages of the session store, and of the object cache, with memcached processes of our own."""

import threading

import pytest
from django.conf import settings
from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.utils.crypto import get_random_string

from kwippy.sessions.backends import memcached
from tests.conftest import PASSWORD, make_user
from tests.sessions.conftest import node_of, wait_out_dead_time, watchdog

pytestmark = pytest.mark.urls("tests.sessions.urls")

LOGIN = {"username": "alice", "password": PASSWORD}
UNAVAILABLE = b"Sign-in is unavailable for a moment"


def whoami(client: Client) -> str:
    return client.get("/whoami/").content.decode()


def session_key_of(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


# The object cache ------------------------------------------------------------------------------


def test_flushing_the_object_cache_signs_no_one_out(client, alice):
    client.force_login(alice)
    assert whoami(client) == "alice"
    caches["default"].clear()
    assert whoami(client) == "alice"


def test_restarting_the_object_memcached_signs_no_one_out(client, alice, own_object_cache):
    client.force_login(alice)
    assert whoami(client) == "alice"
    own_object_cache.restart()
    assert whoami(client) == "alice"
    assert client.get("/").status_code == 200


def test_a_stopped_object_memcached_signs_no_one_out(client, alice, own_object_cache):
    client.force_login(alice)
    own_object_cache.stop()
    assert whoami(client) == "alice"


# The session store down -------------------------------------------------------------------------


def test_while_the_store_is_down_anonymous_pages_render(client, db, own_store):
    own_store.stop()
    response = client.get("/")
    assert response.status_code == 200
    assert b"Recent bookmarks" in response.content


def test_while_the_store_is_down_a_signed_in_visitor_is_served_as_anonymous(
    client, alice, own_store
):
    client.force_login(alice)
    own_store.stop()
    response = client.get("/")
    assert response.status_code == 200
    assert b"Recent bookmarks" in response.content
    # The cookie is neither rewritten nor deleted: the session may well come back.
    assert settings.SESSION_COOKIE_NAME not in response.cookies


def test_a_login_while_the_store_is_down_answers_503_and_changes_nothing(client, alice, own_store):
    own_store.stop()
    response = client.post("/accounts/login/", LOGIN)
    assert response.status_code == 503
    assert UNAVAILABLE in response.content
    assert b"Traceback" not in response.content
    assert response["Retry-After"] == "5"
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    alice.refresh_from_db()
    assert alice.last_login is None


def test_a_logout_while_the_store_is_down_answers_503(client, alice, own_store):
    client.force_login(alice)
    own_store.stop()
    response = client.post("/accounts/logout/")
    assert response.status_code == 503
    assert UNAVAILABLE in response.content


def test_a_view_that_changes_the_session_while_the_store_is_down_answers_503(client, own_store):
    own_store.stop()
    response = client.get("/remember/")
    assert response.status_code == 503
    assert UNAVAILABLE in response.content


def test_a_middleware_meeting_the_outage_answers_503_not_500(own_store, settings, db):
    middleware = list(settings.MIDDLEWARE)
    position = middleware.index("kwippy.sessions.middleware.SessionMiddleware") + 1
    middleware.insert(position, "tests.sessions.middleware.SavesSessionAfterView")
    settings.MIDDLEWARE = middleware
    client = Client(raise_request_exception=False)
    assert client.get("/whoami/").status_code == 200
    own_store.stop()
    response = client.get("/whoami/")
    assert response.status_code == 503
    assert UNAVAILABLE in response.content


def test_healthz_names_the_session_store_when_it_is_hung(client, db, own_store):
    own_store.hang()
    with watchdog():
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["session_store"] == "down"
    assert response.json()["object_cache"] == "ok"


# The session store comes back -------------------------------------------------------------------


def test_logins_work_again_once_the_store_returns_without_restarting_anything(
    client, alice, own_store
):
    own_store.stop()
    assert client.post("/accounts/login/", LOGIN).status_code == 503
    assert client.post("/accounts/login/", LOGIN).status_code == 503
    own_store.start()
    wait_out_dead_time()
    response = client.post("/accounts/login/", LOGIN)
    assert response.status_code == 302
    assert whoami(client) == "alice"


@pytest.mark.django_db(transaction=True)
def test_every_worker_uses_the_returning_store_again(own_store):
    make_user("alice")
    own_store.stop()
    workers = 3
    outage_met = threading.Barrier(workers + 1, timeout=20)
    store_back = threading.Barrier(workers + 1, timeout=20)
    results: dict[int, list] = {}

    def worker(number: int) -> None:
        # Each thread has its own memcached client, as each gunicorn worker has.
        client = Client()
        try:
            down = client.post("/accounts/login/", LOGIN).status_code
            outage_met.wait()
            store_back.wait()
            wait_out_dead_time()
            up = client.post("/accounts/login/", LOGIN).status_code
            results[number] = [down, up, whoami(client)]
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(workers)]
    for thread in threads:
        thread.start()
    outage_met.wait()
    own_store.start()
    store_back.wait()
    for thread in threads:
        thread.join(20)
    assert results == {n: [503, 302, "alice"] for n in range(workers)}


def test_a_visitor_is_signed_in_again_when_a_hung_store_resumes(client, alice, own_store):
    client.force_login(alice)
    own_store.hang()
    with watchdog():
        assert whoami(client) == "anonymous"
        response = client.post("/accounts/login/", LOGIN)
    assert response.status_code == 503
    # The 503 neither rewrites nor deletes the cookie of the session it could not reach.
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    own_store.resume()
    wait_out_dead_time()
    assert whoami(client) == "alice"


def test_after_a_store_restart_the_next_login_works_at_once(client, alice, own_store):
    client.force_login(alice)
    assert whoami(client) == "alice"
    own_store.restart()
    # Its sessions went with it; the connection kept from before is replaced, not an outage.
    assert whoami(client) == "anonymous"
    assert client.post("/accounts/login/", LOGIN).status_code == 302
    assert whoami(client) == "alice"


# Two nodes --------------------------------------------------------------------------------------


def test_losing_one_of_two_nodes_signs_out_only_the_sessions_on_it(alice, two_stores):
    first, second = two_stores
    on_node: dict[str, list[Client]] = {first.address: [], second.address: []}
    while min(len(clients) for clients in on_node.values()) < 3:
        client = Client()
        client.force_login(alice)
        on_node[node_of(session_key_of(client))].append(client)
    first.stop()
    assert {whoami(c) for c in on_node[first.address]} == {"anonymous"}
    assert {whoami(c) for c in on_node[second.address]} == {"alice"}
    # Logins go on, onto the node that is up.
    newcomers = []
    for _ in range(6):
        client = Client()
        assert client.post("/accounts/login/", LOGIN).status_code == 302
        assert node_of(session_key_of(client)) == second.address
        newcomers.append(client)
    # When the node returns (empty), no session moves: everyone on the other node stays in.
    first.start()
    wait_out_dead_time()
    assert {whoami(c) for c in on_node[second.address] + newcomers} == {"alice"}


def test_a_login_that_draws_a_key_on_a_node_just_found_down_draws_again(
    alice, two_stores, monkeypatch
):
    first, second = two_stores
    first.stop()
    # No request has met the stopped node yet: the first key drawn belongs to it.
    on_first = next(
        key
        for key in (get_random_string(32, VALID_KEY_CHARS) for _ in range(1000))
        if node_of(key) == first.address
    )
    draws = [on_first]
    real = memcached.get_random_string
    monkeypatch.setattr(
        memcached, "get_random_string", lambda *a: draws.pop() if draws else real(*a)
    )
    client = Client()
    assert client.post("/accounts/login/", LOGIN).status_code == 302
    assert session_key_of(client) != on_first
    assert node_of(session_key_of(client)) == second.address
    assert whoami(client) == "alice"
