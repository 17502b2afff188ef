"""Where a person is signed in: the per-user index of sessions, its functions and its page."""

import re
import threading

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.shortcuts import resolve_url
from django.test import Client, RequestFactory

from kwippy.sessions import index
from kwippy.sessions.backends.memcached import SessionStore
from kwippy.sessions.index import (
    session_after_password_change,
    session_end,
    session_end_others,
    session_list,
    session_public_id,
    session_record,
)
from tests.conftest import PASSWORD
from tests.sessions.conftest import watchdog

pytestmark = pytest.mark.urls("tests.sessions.urls")

COOKIE = settings.SESSION_COOKIE_NAME
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


def sign_in(user_agent: str, ip: str, username: str = "alice") -> Client:
    client = Client(HTTP_USER_AGENT=user_agent, REMOTE_ADDR=ip)
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def key_of(client: Client) -> str:
    return client.cookies[COOKIE].value


def whoami(client: Client) -> str:
    return client.get("/whoami/").content.decode()


def test_a_login_is_listed_with_its_browser_address_and_times(alice):
    laptop = sign_in(FIREFOX, "192.0.2.10")
    phone = sign_in(IPHONE, "198.51.100.7")
    sessions = session_list(user=alice, current_key=key_of(phone))
    assert [(s.browser, s.ip, s.is_current) for s in sessions] == [
        ("Safari on iOS", "198.51.100.7", True),
        ("Firefox on Linux", "192.0.2.10", False),
    ]
    assert sessions[1].id == session_public_id(key_of(laptop))
    assert all(s.created <= s.last_seen for s in sessions)


def test_other_peoples_sessions_are_not_listed(alice, bob):
    sign_in(FIREFOX, "192.0.2.10", "bob")
    mine = sign_in(FIREFOX, "192.0.2.11")
    assert [s.ip for s in session_list(user=alice, current_key=key_of(mine))] == ["192.0.2.11"]


def test_ending_one_session_signs_it_out_and_leaves_the_others(alice):
    laptop = sign_in(FIREFOX, "192.0.2.10")
    phone = sign_in(IPHONE, "198.51.100.7")
    assert session_end(user=alice, session_id=session_public_id(key_of(laptop)))
    assert whoami(laptop) == "anonymous"
    assert whoami(phone) == "alice"
    assert not SessionStore().exists(key_of(laptop))
    assert [s.ip for s in session_list(user=alice, current_key=key_of(phone))] == ["198.51.100.7"]


def test_ending_an_unknown_or_foreign_session_does_nothing(alice, bob):
    theirs = sign_in(FIREFOX, "192.0.2.10", "bob")
    assert not session_end(user=alice, session_id=session_public_id(key_of(theirs)))
    assert not session_end(user=alice, session_id="not-an-id")
    assert whoami(theirs) == "bob"


def test_ending_all_others_keeps_only_the_current_session(alice):
    others = [sign_in(FIREFOX, f"192.0.2.{n}") for n in range(3)]
    here = sign_in(IPHONE, "198.51.100.7")
    assert session_end_others(user=alice, keep_key=key_of(here)) == 3
    assert [whoami(c) for c in others] == ["anonymous"] * 3
    assert whoami(here) == "alice"
    assert [s.is_current for s in session_list(user=alice, current_key=key_of(here))] == [True]


def test_a_password_change_signs_out_the_other_sessions_and_keeps_this_one(alice):
    other = sign_in(FIREFOX, "192.0.2.10")
    here = sign_in(IPHONE, "198.51.100.7")
    request = RequestFactory().post("/settings/password/", REMOTE_ADDR="198.51.100.7")
    request.session = SessionStore(key_of(here))
    request.user = alice
    alice.set_password("a brand new passphrase")
    alice.save()
    assert session_after_password_change(request=request, user=alice) == 1
    request.session.save()
    assert not SessionStore().exists(key_of(other))
    assert whoami(other) == "anonymous"
    still_here = Client()
    still_here.cookies[COOKIE] = request.session.session_key
    assert whoami(still_here) == "alice"
    listed = session_list(user=alice, current_key=request.session.session_key)
    assert [s.is_current for s in listed] == [True]


def test_a_password_changed_elsewhere_drops_the_sessions_it_signed_from_the_list(alice):
    old = sign_in(FIREFOX, "192.0.2.10")
    alice.set_password("changed by an admin")
    alice.save()
    new = Client()
    assert new.post("/accounts/login/", {"username": "alice", "password": "changed by an admin"})
    listed = session_list(user=alice, current_key=key_of(new))
    assert [s.is_current for s in listed] == [True]
    assert not SessionStore().exists(key_of(old))


def test_the_index_forgets_a_logout(client, alice):
    client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    sid = session_public_id(key_of(client))
    client.post("/accounts/logout/")
    raw = index._read(alice.pk)
    assert sid not in raw


def test_concurrent_logins_all_land_in_the_index(alice):
    def record(worker: int) -> None:
        for n in range(10):
            session = SessionStore()
            session[SESSION_KEY] = str(alice.pk)
            session.save()
            session_record(
                user_id=alice.pk,
                session_key=session.session_key,
                expires_in=3600,
                user_agent=f"worker {worker}",
                ip=f"192.0.2.{n}",
            )

    threads = [threading.Thread(target=record, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(index._read(alice.pk)) == 40


def test_a_user_with_too_many_sessions_loses_the_least_recently_seen(alice, monkeypatch):
    monkeypatch.setattr(index, "MAX_SESSIONS_PER_USER", 3)
    clients = [sign_in(FIREFOX, f"192.0.2.{n}") for n in range(4)]
    assert whoami(clients[0]) == "anonymous"
    assert [whoami(c) for c in clients[1:]] == ["alice"] * 3
    assert len(index._read(alice.pk)) == 3


@pytest.mark.parametrize(
    "stored",
    [
        "not json",
        "[1, 2]",
        '{"x": {"key": 5}}',
        '{"x": {"key": "k", "created": "yesterday", "seen": 1, "expires": 1}}',
        '{"x": {"key": "k", "created": 1e300, "seen": 1, "expires": 9e99}}',
    ],
)
def test_a_malformed_index_is_ignored_and_rebuilt(alice, stored):
    index._store().set(index._index_key(alice.pk), stored, 60)
    here = sign_in(FIREFOX, "192.0.2.10")
    listed = session_list(user=alice, current_key=key_of(here))
    assert [(s.ip, s.is_current) for s in listed] == [("192.0.2.10", True)]


# The page ---------------------------------------------------------------------------------------


def test_the_sessions_page_needs_a_signed_in_visitor(client, db):
    response = client.get("/settings/sessions/")
    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))


def test_the_sessions_page_lists_sessions_without_showing_their_keys(alice):
    laptop = sign_in(FIREFOX, "192.0.2.10")
    phone = sign_in(IPHONE, "198.51.100.7")
    response = phone.get("/settings/sessions/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Firefox on Linux" in html
    assert "Safari on iOS" in html
    assert "this browser" in html
    assert "Sign out everywhere else" in html
    assert key_of(laptop) not in html
    assert key_of(phone) not in html
    assert f"/settings/sessions/{session_public_id(key_of(laptop))}/sign-out/" in html
    # No sign-out button for the session in use: that is what logging out is for.
    assert f"/settings/sessions/{session_public_id(key_of(phone))}/sign-out/" not in html
    assert response["Cache-Control"].startswith("max-age=0")


def test_the_sessions_page_lists_a_session_the_index_missed(client, alice):
    client.force_login(alice)
    index._store().delete(index._index_key(alice.pk))
    response = client.get("/settings/sessions/")
    assert response.status_code == 200
    assert len(re.findall(r'class="session session-current"', response.content.decode())) == 1


def test_signing_out_one_session_from_the_page(alice):
    laptop = sign_in(FIREFOX, "192.0.2.10")
    phone = sign_in(IPHONE, "198.51.100.7")
    url = f"/settings/sessions/{session_public_id(key_of(laptop))}/sign-out/"
    response = phone.post(url, follow=True)
    assert response.redirect_chain == [("/settings/sessions/", 302)]
    assert b"That session is signed out." in response.content
    assert whoami(laptop) == "anonymous"
    assert whoami(phone) == "alice"


def test_signing_out_one_session_asks_first_and_only_a_post_signs_it_out(alice):
    laptop = sign_in(FIREFOX, "192.0.2.10")
    phone = sign_in(IPHONE, "198.51.100.7")
    url = f"/settings/sessions/{session_public_id(key_of(laptop))}/sign-out/"
    listing = phone.get("/settings/sessions/").content.decode()
    assert f'href="{url}"' in listing
    assert f'action="{url}"' not in listing
    response = phone.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    page = response.content.decode()
    assert "Sign out this session?" in page
    assert "Firefox on Linux" in page
    assert "192.0.2.10" in page
    assert "Safari on iOS" not in page
    assert '<form method="post" class="actions">' in page
    assert whoami(laptop) == "alice"
    # The session in use is signed out by signing out, not from here; unknown ones are not found.
    assert (
        phone.get(f"/settings/sessions/{session_public_id(key_of(phone))}/sign-out/").status_code
        == 404
    )
    assert phone.get("/settings/sessions/0123456789abcdef0123/sign-out/").status_code == 404


def test_signing_out_everywhere_else_asks_first_naming_the_sessions(alice, bob):
    sign_in(FIREFOX, "192.0.2.10")
    sign_in(FIREFOX, "192.0.2.11")
    phone = sign_in(IPHONE, "198.51.100.7")
    listing = phone.get("/settings/sessions/").content.decode()
    assert 'href="/settings/sessions/sign-out-others/"' in listing
    assert 'action="/settings/sessions/sign-out-others/"' not in listing
    page = phone.get("/settings/sessions/sign-out-others/").content.decode()
    assert "Sign out everywhere else?" in page
    assert "192.0.2.10" in page
    assert "192.0.2.11" in page
    assert "198.51.100.7" not in page
    assert "Sign out 2 sessions</button>" in page
    assert len(session_list(user=alice, current_key=key_of(phone))) == 3
    alone = sign_in(IPHONE, "198.51.100.8", username="bob")
    page = alone.get("/settings/sessions/sign-out-others/").content.decode()
    assert "There is no other session to sign out." in page
    assert "<form" not in page.split("<main", 1)[1]


def test_signing_out_an_unknown_session_from_the_page_is_a_404(alice):
    phone = sign_in(IPHONE, "198.51.100.7")
    assert phone.post("/settings/sessions/0123456789abcdef0123/sign-out/").status_code == 404
    assert phone.post("/settings/sessions/%3Cscript%3E/sign-out/").status_code == 404


def test_signing_out_everywhere_else_from_the_page(alice):
    others = [sign_in(FIREFOX, "192.0.2.10"), sign_in(FIREFOX, "192.0.2.11")]
    phone = sign_in(IPHONE, "198.51.100.7")
    response = phone.post("/settings/sessions/sign-out-others/", follow=True)
    assert b"Signed out everywhere else (2 sessions)." in response.content
    assert [whoami(c) for c in others] == ["anonymous", "anonymous"]
    assert whoami(phone) == "alice"


def test_the_sessions_page_during_an_outage_sends_the_visitor_to_sign_in(client, alice, own_store):
    client.force_login(alice)
    own_store.hang()
    with watchdog():
        response = client.get("/settings/sessions/")
    own_store.resume()
    # Served as anonymous (the session could not be read), so sent to sign in; never a 500.
    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))
