"""The signed-in user read from the object cache: no query, and never stale after a change."""

import json

import pytest
from django.core.cache import caches
from django.test import Client

from kwippy.accounts.backends import (
    CachedModelBackend,
    user_cache_forget,
    user_cache_get,
    user_cache_put,
)
from kwippy.accounts.models import CachedUser, User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.urls("tests.sessions.urls")


def whoami(client: Client) -> str:
    return client.get("/whoami/").content.decode()


def cached_alice(alice) -> CachedUser:
    backend = CachedModelBackend()
    backend.get_user(alice.pk)
    user = backend.get_user(alice.pk)
    assert isinstance(user, CachedUser)
    return user


def test_a_signed_in_request_makes_no_query_once_the_user_is_cached(
    client, alice, django_assert_num_queries
):
    client.force_login(alice)
    with django_assert_num_queries(1):
        assert whoami(client) == "alice"
    with django_assert_num_queries(0):
        assert whoami(client) == "alice"


def test_a_password_change_signs_the_other_sessions_out_at_once(client, alice):
    client.force_login(alice)
    assert whoami(client) == "alice"
    alice.set_password("a different passphrase")
    alice.save()
    assert whoami(client) == "anonymous"


def test_a_deactivation_signs_the_person_out_at_once(client, alice):
    client.force_login(alice)
    assert whoami(client) == "alice"
    alice.is_active = False
    alice.save()
    assert whoami(client) == "anonymous"


def test_a_deleted_user_is_signed_out_at_once(client, alice):
    client.force_login(alice)
    assert whoami(client) == "alice"
    alice.delete()
    assert whoami(client) == "anonymous"


def test_a_change_made_through_a_cached_row_drops_it_too(client, alice):
    client.force_login(alice)
    whoami(client)
    user = cached_alice(alice)
    user.is_active = False
    user.save()
    assert whoami(client) == "anonymous"


def test_the_object_cache_never_holds_the_password_hash(alice):
    cached_alice(alice)
    raw = caches["default"].get(f"kwippy.user:{alice.pk}")
    assert isinstance(raw, str)
    assert "password" not in json.loads(raw)["row"]
    assert alice.password not in raw
    assert alice.password.split("$")[-1] not in raw


def test_saving_a_cached_row_keeps_the_password(alice):
    user = cached_alice(alice)
    user.display_name = "Alice A."
    user.save()
    fresh = User.objects.get(pk=alice.pk)
    assert fresh.display_name == "Alice A."
    assert fresh.check_password(PASSWORD)


def test_a_cached_row_checks_passwords_and_hashes_new_ones(alice, django_assert_num_queries):
    user = cached_alice(alice)
    assert user.get_session_auth_hash() == alice.get_session_auth_hash()
    with django_assert_num_queries(1):
        assert user.check_password(PASSWORD)
    user.set_password("a new passphrase")
    user.save()
    fresh = User.objects.get(pk=alice.pk)
    assert user.get_session_auth_hash() == fresh.get_session_auth_hash()
    assert user.get_session_auth_hash() != alice.get_session_auth_hash()


def test_a_row_cached_under_another_secret_key_is_not_used(alice, settings):
    cached_alice(alice)
    assert user_cache_get(user_id=alice.pk) is not None
    settings.SECRET_KEY = "another secret key " * 3
    assert user_cache_get(user_id=alice.pk) is None


def test_an_old_row_put_back_during_the_change_is_dropped_on_commit(
    alice, django_capture_on_commit_callbacks
):
    stale = User.objects.get(pk=alice.pk)
    with django_capture_on_commit_callbacks(execute=True):
        alice.is_active = False
        alice.save()
        # A request that read the row before the change commits caches it again.
        user_cache_put(user=stale)
        assert user_cache_get(user_id=alice.pk) is not None
    assert user_cache_get(user_id=alice.pk) is None


def test_a_malformed_cached_row_falls_back_to_the_database(alice):
    caches["default"].set(f"kwippy.user:{alice.pk}", '{"row": {"id": "x"}}', 60)
    assert user_cache_get(user_id=alice.pk) is None
    user = CachedModelBackend().get_user(alice.pk)
    assert user.username == "alice"


@pytest.mark.parametrize("user_id", ["not a number", "", None, "1; drop table"])
def test_a_bad_user_id_finds_no_one(user_id, db):
    assert CachedModelBackend().get_user(user_id) is None


def test_forgetting_a_row_drops_it(alice):
    cached_alice(alice)
    user_cache_forget(user_id=alice.pk)
    assert user_cache_get(user_id=alice.pk) is None
