"""kwippy's session middleware: login and logout, sliding expiry, bad cookies."""

import pytest
from django.conf import settings
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from kwippy.sessions import middleware
from kwippy.sessions.backends.memcached import SessionStore
from tests.conftest import PASSWORD
from tests.sessions.conftest import command_counts, memcached_key, raw_command, stored_ttl

pytestmark = pytest.mark.urls("tests.sessions.urls")

COOKIE = settings.SESSION_COOKIE_NAME
LOGIN = {"username": "alice", "password": PASSWORD}


def session_key_of(client: Client) -> str:
    return client.cookies[COOKIE].value


def test_login_cycles_the_session_key(client, alice):
    client.get("/remember/")
    before = session_key_of(client)
    assert client.post("/accounts/login/", LOGIN).status_code == 302
    after = session_key_of(client)
    assert after != before
    assert not SessionStore().exists(before)
    assert SessionStore(after)["remembered"] == "yes"


def test_logout_deletes_the_session_from_memcached_at_once(client, alice):
    assert client.post("/accounts/login/", LOGIN).status_code == 302
    key = session_key_of(client)
    assert SessionStore().exists(key)
    assert client.post("/accounts/logout/").status_code in (200, 302)
    assert not SessionStore().exists(key)
    # The old cookie is dead, even replayed by someone who kept it.
    replay = Client()
    replay.cookies[COOKIE] = key
    assert replay.get("/whoami/").content == b"anonymous"


def test_a_changed_session_is_written_with_replace_not_a_blind_set(client, alice):
    client.force_login(alice)
    key = session_key_of(client)
    before = command_counts()
    client.get("/remember/?value=one")
    after = command_counts()
    # pymemcache's replace counts as a set in memcached's stats: one write, and no read first.
    assert after["cmd_set"] - before["cmd_set"] == 1
    assert SessionStore(key)["remembered"] == "one"


def test_a_session_deleted_during_a_request_is_not_brought_back(client, alice):
    client.force_login(alice)
    key = session_key_of(client)

    response = client.get("/logged-out-elsewhere/")
    assert response.status_code == 400
    assert not SessionStore().exists(key)


def test_an_unchanged_session_in_use_slides_with_touch_not_set(client, alice):
    client.force_login(alice)
    key = session_key_of(client)
    location = settings.CACHES["sessions"]["LOCATION"][0]
    # Pretend the session is near its end.
    assert raw_command(location, f"touch {memcached_key(key)} 50".encode()) == b"TOUCHED"
    assert stored_ttl(key) <= 50
    middleware._slid_at.clear()
    before = command_counts()
    response = client.get("/whoami/")
    after = command_counts()
    assert response.content == b"alice"
    assert after["cmd_touch"] - before["cmd_touch"] == 1
    assert after["cmd_set"] - before["cmd_set"] == 1  # the index's "last seen", not the session
    assert stored_ttl(key) > settings.SESSION_COOKIE_AGE - 60
    assert response.cookies[COOKIE]["max-age"] == settings.SESSION_COOKIE_AGE


@pytest.mark.parametrize("status", [500, 502, 503])
def test_a_server_error_never_slides_the_session(client, alice, status):
    client.force_login(alice)
    key = session_key_of(client)
    location = settings.CACHES["sessions"]["LOCATION"][0]
    assert raw_command(location, f"touch {memcached_key(key)} 50".encode()) == b"TOUCHED"
    middleware._slid_at.clear()
    before = command_counts()
    response = client.get(f"/failing/?status={status}")
    after = command_counts()
    assert response.status_code == status
    assert response.content == b"alice"  # the session was read
    assert after["cmd_touch"] == before["cmd_touch"]
    assert stored_ttl(key) <= 50
    assert COOKIE not in response.cookies
    # The same request answered without an error slides it.
    assert client.get("/failing/?status=404").status_code == 404
    assert stored_ttl(key) > settings.SESSION_COOKIE_AGE - 60


def test_a_session_slides_at_most_once_a_minute_per_worker(client, alice):
    client.force_login(alice)
    client.get("/whoami/")
    before = command_counts()
    for _ in range(5):
        assert client.get("/whoami/").content == b"alice"
    after = command_counts()
    assert after["cmd_touch"] == before["cmd_touch"]
    assert after["cmd_set"] == before["cmd_set"]
    assert after["cmd_get"] - before["cmd_get"] == 5


def test_a_signed_in_request_reads_the_session_once_and_writes_nothing(client, alice):
    client.force_login(alice)
    client.get("/whoami/")
    before = command_counts()
    client.get("/whoami/")
    after = command_counts()
    assert after["cmd_get"] - before["cmd_get"] == 1
    assert (after["cmd_set"], after["cmd_touch"]) == (before["cmd_set"], before["cmd_touch"])


def test_an_async_view_reads_and_writes_the_session(async_client, alice):
    from asgiref.sync import async_to_sync

    async def scenario():
        await async_client.aforce_login(alice)
        assert (await async_client.get("/awhoami/")).content == b"alice"
        assert (await async_client.get("/aremember/?value=async")).status_code == 200
        return async_client.cookies[COOKIE].value

    key = async_to_sync(scenario)()
    assert SessionStore(key)["remembered"] == "async"


cookie_values = st.text(
    alphabet=st.characters(codec="latin-1", exclude_characters=';,\r\n\x00 \t"\\'), max_size=80
)


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=cookie_values)
def test_any_session_cookie_gets_an_answer_never_a_500(value, db):
    client = Client()
    client.cookies[COOKIE] = value
    response = client.get("/whoami/")
    assert response.status_code == 200
    assert response.content == b"anonymous"
    assert client.get("/").status_code == 200
