import re
import time

import pytest
from django.test import override_settings

from kwippy.auth import throttle
from kwippy.auth.throttle import MAX_FAILURES, failure_record, lockout_seconds
from tests.auth.helpers import post_login_form, stored_items
from tests.conftest import PASSWORD
from tests.memcached import MemcachedProcess


def _fail(guarded, identifier="alice", times=MAX_FAILURES):
    for _ in range(times):
        assert guarded("/guarded/function/", auth=(identifier, "wrong")).status == 401


def test_ten_failures_lock_the_pair_out_even_with_the_right_password(guarded, alice):
    _fail(guarded)
    reply = guarded("/guarded/function/", auth=("alice", PASSWORD))
    assert reply.status == 429
    assert 1 <= int(reply.headers["Retry-After"]) <= throttle.WINDOW_SECONDS
    assert "Authorization" in reply.headers["Vary"]
    assert reply.body.startswith("Too many failed sign-in attempts")


def test_nine_failures_do_not_lock_anyone_out(guarded, alice):
    _fail(guarded, times=MAX_FAILURES - 1)
    assert guarded("/guarded/function/", auth=("alice", PASSWORD)).status == 200


def test_the_lockout_covers_the_identifier_in_any_case(guarded, alice):
    _fail(guarded, identifier="ALICE")
    assert guarded("/guarded/function/", auth=("alice", PASSWORD)).status == 429


def test_the_lockout_is_per_identifier(guarded, alice, bob):
    _fail(guarded)
    assert guarded("/guarded/function/", auth=("bob", PASSWORD)).status == 200


def test_malformed_headers_are_not_counted_as_failures(guarded, alice):
    for _ in range(MAX_FAILURES * 2):
        reply = guarded("/guarded/function/", headers={"Authorization": "Basic !!"})
        assert reply.status == 401
    assert guarded("/guarded/function/", auth=("alice", PASSWORD)).status == 200


def test_the_lockout_is_not_stored_in_sessions(guarded, alice):
    sessions = stored_items("sessions")
    _fail(guarded)
    assert guarded("/guarded/function/", auth=("alice", PASSWORD)).status == 429
    assert stored_items("sessions") == sessions


def test_the_lockout_ends_when_the_window_passes(guarded, alice, monkeypatch):
    monkeypatch.setattr(throttle, "WINDOW_SECONDS", 2)
    _fail(guarded)
    reply = guarded("/guarded/function/", auth=("alice", PASSWORD))
    assert reply.status == 429
    assert int(reply.headers["Retry-After"]) <= 2
    time.sleep(3.1)
    assert guarded("/guarded/function/", auth=("alice", PASSWORD)).status == 200


def test_basic_failures_lock_the_login_form(guarded, live_server, alice):
    _fail(guarded)
    reply = post_login_form(live_server.url, "alice", PASSWORD)
    assert reply.status == 429
    assert int(reply.headers["Retry-After"]) >= 1
    assert "Too many failed attempts" in reply.body
    assert "sessionid" not in (reply.headers["Set-Cookie"] or "")


def test_the_login_forms_refusal_says_in_how_many_minutes_to_try_again(guarded, live_server, alice):
    _fail(guarded)
    reply = post_login_form(live_server.url, "alice", PASSWORD)
    assert re.search(r"Too many failed attempts\. Try again in \d+ minutes\.", reply.body)


def test_login_form_failures_lock_basic_auth(guarded, live_server, alice):
    for _ in range(MAX_FAILURES):
        assert post_login_form(live_server.url, "alice", "wrong").status == 422
    assert guarded("/guarded/function/", auth=("alice", PASSWORD)).status == 429
    assert post_login_form(live_server.url, "alice", PASSWORD).status == 429


def test_the_counter_is_per_client_address(db):
    for _ in range(MAX_FAILURES):
        failure_record(client="192.0.2.1", identifier="alice")
    assert 0 < lockout_seconds(client="192.0.2.1", identifier="alice") <= throttle.WINDOW_SECONDS
    assert lockout_seconds(client="192.0.2.2", identifier="alice") == 0


def test_with_the_object_cache_down_nothing_is_counted_and_sign_in_works(guarded, alice, settings):
    with MemcachedProcess() as objects:
        caches = {**settings.CACHES}
        caches["default"] = {**caches["default"], "LOCATION": [objects.address]}
        with override_settings(CACHES=caches):
            objects.stop()
            for _ in range(MAX_FAILURES + 1):
                failure_record(client="192.0.2.1", identifier="alice")
            assert lockout_seconds(client="192.0.2.1", identifier="alice") == 0
            _fail(guarded)
            assert guarded("/guarded/function/", auth=("alice", PASSWORD)).status == 200


@pytest.mark.parametrize("identifier", ["alice", "ALICE", "al ice", "x" * 300, "ålîçé\x01"])
def test_any_identifier_makes_a_usable_cache_key(db, identifier):
    for _ in range(MAX_FAILURES):
        failure_record(client="192.0.2.9", identifier=identifier)
    assert lockout_seconds(client="192.0.2.9", identifier=identifier) > 0
