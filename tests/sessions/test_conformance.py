"""The contract of a Django session backend, checked against a real memcached.

Our own cases, written from Django's documented session API. The shared contract runs on kwippy's
engine and, as a control, on Django's own `cache` engine (`engine` fixture): a shared case that
Django's engine fails is a wrong test, or a promise that is ours only and belongs in the last
sections. Those cover what kwippy adds: keys only of its characters and of a length memcached
holds, a session's own expiry date honoured, text never pickle, its own cache alias, outages told
from collisions.
"""

import logging
import pickle
import time
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings
from django.contrib.sessions.backends import cache
from django.contrib.sessions.backends.base import SessionBase, UpdateError
from django.core import signing
from django.core.cache import caches
from django.utils import timezone

from kwippy.sessions.backends import memcached
from kwippy.sessions.backends.memcached import SessionStore
from kwippy.sessions.exceptions import SessionKeyCollision, SessionStoreUnavailable
from tests.sessions.conftest import memcached_key, raw_command

PREFIX = SessionStore.cache_key_prefix


@pytest.fixture(params=["kwippy", "django-cache"])
def engine(request, settings) -> type[SessionBase]:
    """Return the session engine under test: kwippy's, or Django's `cache` engine as a control."""
    if request.param == "kwippy":
        return SessionStore
    # Django's engine stores pickled dicts, which the session alias's text-only client refuses
    # by design: the control reaches the same memcached, under the same alias and key prefix,
    # through Django's stock pymemcache backend.
    alias = settings.CACHES["sessions"]
    stock = {
        "BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache",
        "LOCATION": alias["LOCATION"],
        "KEY_PREFIX": alias["KEY_PREFIX"],
    }
    settings.CACHES = {**settings.CACHES, "sessions": stock}
    return cache.SessionStore


def saved_session(engine: type[SessionBase] = SessionStore, **data) -> SessionBase:
    session = engine()
    session.update(data)
    session.save()
    return session


def stored_key(engine: type[SessionBase], session_key: str) -> str:
    """Return the key an engine's session is stored under in memcached (prefixes included)."""
    return caches["sessions"].make_key(engine.cache_key_prefix + session_key)


# Flags ------------------------------------------------------------------------------------------


def test_a_new_session_is_empty_unaccessed_and_unmodified(engine):
    session = engine()
    assert not session.accessed
    assert not session.modified
    assert session.is_empty()
    assert session.session_key is None


def test_reading_marks_a_session_accessed_but_not_modified(engine):
    session = engine()
    assert session.get("cat") is None
    assert session.accessed
    assert not session.modified


def test_writing_marks_a_session_modified(engine):
    session = engine()
    session["cat"] = "meow"
    assert session.accessed
    assert session.modified
    assert session["cat"] == "meow"


def test_pop_marks_modified_only_when_the_key_was_there(engine):
    session = saved_session(engine, cat="meow")
    loaded = engine(session.session_key)
    assert loaded.pop("dog", "none") == "none"
    assert not loaded.modified
    assert loaded.pop("cat") == "meow"
    assert loaded.modified
    assert "cat" not in loaded


def test_setdefault_update_and_views_of_the_data(engine):
    session = engine()
    assert session.setdefault("a", 1) == 1
    assert session.setdefault("a", 2) == 1
    session.update({"b": 2})
    assert session.has_key("b")
    assert sorted(session.keys()) == ["a", "b"]
    assert sorted(session.values()) == [1, 2]
    assert sorted(session.items()) == [("a", 1), ("b", 2)]


def test_clear_empties_the_session_and_marks_it_modified(engine):
    session = saved_session(engine, cat="meow")
    loaded = engine(session.session_key)
    loaded.clear()
    assert list(loaded.items()) == []
    assert loaded.modified
    loaded.save()
    assert list(engine(session.session_key).items()) == []


def test_the_test_cookie_round_trip(engine):
    session = engine()
    session.set_test_cookie()
    assert session.test_cookie_worked()
    session.delete_test_cookie()
    assert not session.test_cookie_worked()


# Store, load, delete ----------------------------------------------------------------------------


def test_saved_data_loads_in_another_store_instance(engine):
    session = saved_session(engine, cat="meow", count=3, nested={"list": [1, "two"]})
    assert session.session_key
    loaded = engine(session.session_key)
    assert loaded["cat"] == "meow"
    assert loaded["nested"] == {"list": [1, "two"]}
    assert not loaded.modified


def test_saving_keeps_the_data_in_the_instance(engine):
    session = saved_session(engine, cat="meow")
    assert session["cat"] == "meow"
    session["dog"] = "woof"
    session.save()
    assert dict(engine(session.session_key).items()) == {"cat": "meow", "dog": "woof"}


def test_exists_and_delete(engine):
    session = saved_session(engine, cat="meow")
    key = session.session_key
    assert session.exists(key)
    session.delete()
    assert not session.exists(key)
    assert engine(key).get("cat") is None


def test_delete_by_key_removes_another_session(engine):
    first, second = saved_session(engine, n=1), saved_session(engine, n=2)
    first.delete(second.session_key)
    assert not first.exists(second.session_key)
    assert first.exists(first.session_key)


def test_loading_an_unknown_key_creates_nothing(engine):
    key = "a" * 32
    session = engine(key)
    assert session.load() == {}
    assert not session.exists(key)
    assert caches["sessions"].get(engine.cache_key_prefix + key) is None


def test_a_made_up_key_is_never_adopted(engine):
    session = engine("a" * 32)
    session["cat"] = "meow"
    session.save()
    assert session.session_key != "a" * 32
    assert not session.exists("a" * 32)
    assert engine(session.session_key)["cat"] == "meow"


@pytest.mark.parametrize("key", ["", "short", "1234567", None])
def test_keys_django_refuses_are_refused(engine, key):
    session = engine(key)
    assert session.session_key is None
    assert not session.exists(key)


@pytest.mark.parametrize("key", ["12345678", "x" * 31, "a" * 33, "0" * 200])
def test_any_key_of_eight_or_more_valid_characters_is_accepted_as_django_promises(engine, key):
    # Django's SessionTestsMixin.test_session_key_valid_string_saved, and longer keys alike.
    session = engine()
    session["cat"] = "meow"
    session._session_key = key
    assert session.session_key == key
    session.save(must_create=True)
    assert engine(key)["cat"] == "meow"
    assert session.exists(key)
    session.delete()
    assert not session.exists(key)


def test_the_session_key_cannot_be_assigned(engine):
    session = engine()
    with pytest.raises(AttributeError):
        session.session_key = "b" * 32


def test_saving_a_session_deleted_meanwhile_does_not_bring_it_back(engine):
    session = saved_session(engine, cat="meow")
    elsewhere = engine(session.session_key)
    elsewhere.delete()
    session["cat"] = "purr"
    with pytest.raises(UpdateError):
        session.save()
    assert not session.exists(session.session_key)


# cycle_key and flush ----------------------------------------------------------------------------


def test_cycle_key_keeps_the_data_under_a_new_key_and_deletes_the_old_one(engine):
    session = saved_session(engine, cat="meow")
    old_key = session.session_key
    session.cycle_key()
    assert session.session_key != old_key
    assert not session.exists(old_key)
    assert session["cat"] == "meow"
    session.save()
    assert engine(session.session_key)["cat"] == "meow"


def test_cycle_key_of_a_session_never_read_keeps_its_stored_data(engine):
    old_key = saved_session(engine, cat="meow").session_key
    session = engine(old_key)
    session.cycle_key()
    session.save()
    assert session.session_key != old_key
    assert engine(session.session_key)["cat"] == "meow"


def test_flush_forgets_the_data_and_deletes_the_stored_session(engine):
    session = saved_session(engine, cat="meow")
    old_key = session.session_key
    session.flush()
    assert session.session_key is None
    assert session.get("cat") is None
    assert session.modified
    assert not session.exists(old_key)


def test_a_flushed_session_saved_again_gets_a_new_key(engine):
    session = saved_session(engine, cat="meow")
    old_key = session.session_key
    session.flush()
    session["dog"] = "woof"
    session.save()
    assert session.session_key not in (None, old_key)
    assert dict(engine(session.session_key).items()) == {"dog": "woof"}


# Expiry -----------------------------------------------------------------------------------------


def test_default_expiry_is_the_cookie_age(engine):
    session = engine()
    assert session.get_expiry_age() == settings.SESSION_COOKIE_AGE
    expected = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert abs((session.get_expiry_date() - expected).total_seconds()) < 5


def test_expiry_by_age_sets_memcacheds_lifetime(engine):
    session = engine()
    session.set_expiry(600)
    session.save()
    assert engine(session.session_key).get_expiry_age() == 600
    line = raw_command(
        settings.CACHES["sessions"]["LOCATION"][0],
        b"mg " + stored_key(engine, session.session_key).encode() + b" t",
    )
    assert 590 <= int(line.split(b" t")[1]) <= 600


def test_expiry_by_date_and_by_timedelta(engine):
    session = engine()
    session.set_expiry(timedelta(hours=2))
    assert 7190 <= session.get_expiry_age() <= 7200
    when = timezone.now() + timedelta(days=1)
    session.set_expiry(when)
    session.save()
    assert engine(session.session_key).get_expiry_date() == when


def test_set_expiry_none_goes_back_to_the_default(engine):
    session = engine()
    session.set_expiry(60)
    session.set_expiry(None)
    assert session.get_expiry_age() == settings.SESSION_COOKIE_AGE


def test_set_expiry_zero_means_until_the_browser_closes(engine, settings):
    session = engine()
    session.set_expiry(0)
    assert session.get_expire_at_browser_close()
    assert session.get_expiry_age() == settings.SESSION_COOKIE_AGE
    session.save()
    assert engine(session.session_key).get_expire_at_browser_close()
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    plain = engine()
    assert plain.get_expire_at_browser_close()
    plain.set_expiry(60)
    assert not plain.get_expire_at_browser_close()


def test_a_session_past_its_age_is_gone(engine):
    session = engine()
    session["cat"] = "meow"
    session.set_expiry(2)
    session.save()
    # memcached's clock ticks in whole seconds, so an item set for 2 s lives between 1 and 3 s:
    # at least a second for this check even on a busy machine, and gone after the sleep.
    assert session.exists(session.session_key)
    time.sleep(3.2)
    assert not session.exists(session.session_key)
    assert engine(session.session_key).get("cat") is None


def test_a_date_in_the_past_expires_the_session_at_once(engine):
    session = engine()
    session["cat"] = "meow"
    session.set_expiry(timezone.now() - timedelta(seconds=10))
    session.save()
    assert engine(session.session_key).get("cat") is None


# Bad data ---------------------------------------------------------------------------------------


def test_bad_data_decodes_to_an_empty_session_and_is_logged(engine, caplog):
    session = engine()
    with caplog.at_level(logging.WARNING, logger="django.security.SuspiciousSession"):
        assert session.decode("not a signed value") == {}
    assert "Session data corrupted" in caplog.text
    forged = signing.dumps({"_auth_user_id": "1"}, salt=session.key_salt, key="another secret!")
    assert session.decode(forged) == {}


# Where sessions live ----------------------------------------------------------------------------


def test_sessions_land_in_the_session_store_and_never_in_the_object_cache(engine):
    session = saved_session(engine, cat="meow")
    assert caches["sessions"].get(engine.cache_key_prefix + session.session_key) is not None
    assert caches["default"].get(engine.cache_key_prefix + session.session_key) is None


def test_keys_are_namespaced_so_two_sites_do_not_read_each_others_sessions(engine, settings):
    ours = saved_session(engine, cat="meow")
    assert stored_key(engine, ours.session_key).startswith("kwippy:1:" + engine.cache_key_prefix)
    caches_setting = {**settings.CACHES}
    caches_setting["sessions"] = {**caches_setting["sessions"], "KEY_PREFIX": "othersite"}
    settings.CACHES = caches_setting
    theirs = engine(ours.session_key)
    assert theirs.get("cat") is None
    assert theirs.session_key is None


def test_sessions_make_no_sql_queries(engine, django_assert_num_queries, db):
    with django_assert_num_queries(0):
        session = saved_session(engine, cat="meow")
        loaded = engine(session.session_key)
        loaded["dog"] = "woof"
        loaded.save()
        loaded.cycle_key()
        loaded.flush()


# The async half ---------------------------------------------------------------------------------


def test_the_async_api_stores_loads_cycles_and_flushes(engine):
    async def scenario():
        session = engine()
        await session.aset("cat", "meow")
        await session.asave()
        key = session.session_key
        assert await session.aexists(key)
        loaded = engine(key)
        assert await loaded.aget("cat") == "meow"
        assert await loaded.aget_expiry_age() == settings.SESSION_COOKIE_AGE
        await loaded.acycle_key()
        assert loaded.session_key != key
        assert not await loaded.aexists(key)
        await loaded.asave()
        again = engine(loaded.session_key)
        assert await again.apop("cat") == "meow"
        await again.asave()
        assert await engine(loaded.session_key).aget("cat") is None
        await again.aflush()
        assert again.session_key is None
        assert not await again.aexists(loaded.session_key)
        fresh = engine()
        await fresh.acreate()
        assert await fresh.aexists(fresh.session_key)
        await fresh.adelete()
        assert not await fresh.aexists(fresh.session_key)
        return True

    assert async_to_sync(scenario)()


def test_the_async_api_refuses_to_resurrect_a_deleted_session(engine):
    async def scenario():
        session = engine()
        await session.aset("cat", "meow")
        await session.asave()
        await engine().adelete(session.session_key)
        await session.aset("cat", "purr")
        with pytest.raises(UpdateError):
            await session.asave()
        return True

    assert async_to_sync(scenario)()


# kwippy's own: keys -----------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["A" * 32, "../../etc/passwd" + "a" * 16, "a b" * 11, "a" * 300])
def test_keys_of_other_characters_or_too_long_for_memcached_are_refused(key):
    session = SessionStore(key)
    assert session.session_key is None
    assert not session.exists(key)


def test_the_longest_accepted_key_still_fits_a_memcached_key():
    session = SessionStore()
    longest = "a" * session._longest_key_length()
    assert SessionStore(longest).session_key == longest
    assert SessionStore(longest + "a").session_key is None
    assert len(memcached_key(longest)) == 250


# kwippy's own: expiry ---------------------------------------------------------------------------


def test_a_session_past_its_expiry_date_is_not_loaded_even_if_memcached_still_has_it():
    session = SessionStore()
    session["cat"] = "meow"
    session.set_expiry(timezone.now() + timedelta(hours=1))
    session.save()
    # Rewrite it with an expiry date in the past but a long memcached lifetime.
    past = SessionStore()
    data = {"cat": "meow", "_session_expiry": (timezone.now() - timedelta(seconds=5)).isoformat()}
    caches["sessions"].set(PREFIX + session.session_key, past.encode(data), 3600)
    loaded = SessionStore(session.session_key)
    assert loaded.get("cat") is None
    assert loaded.session_key is None


# kwippy's own: text, never pickle ---------------------------------------------------------------


def test_a_stored_value_that_is_not_signed_json_loads_as_an_empty_session():
    key = saved_session(cat="meow").session_key
    caches["sessions"].set(PREFIX + key, '{"_auth_user_id": "1"}', 60)
    assert dict(SessionStore(key).items()) == {}


def test_a_pickle_planted_in_the_store_is_never_unpickled(tmp_path):
    key = saved_session(cat="meow").session_key
    marker = tmp_path / "pickle-ran"

    class Exploit:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    payload = pickle.dumps(Exploit())
    address = settings.CACHES["sessions"]["LOCATION"][0]
    command = f"set {memcached_key(key)} 1 60 {len(payload)}".encode() + b"\r\n" + payload
    assert raw_command(address, command) == b"STORED"
    session = SessionStore(key)
    assert session.get("cat") is None
    assert not marker.exists()


def test_what_is_stored_is_signed_json_text():
    session = saved_session(cat="meow")
    address = settings.CACHES["sessions"]["LOCATION"][0]
    line = raw_command(address, b"mg " + memcached_key(session.session_key).encode() + b" f v")
    assert line.startswith(b"VA ")
    assert b" f16" in line  # pymemcache's flag for UTF-8 text, not 1 (pickle)
    stored = caches["sessions"].get(PREFIX + session.session_key)
    assert signing.loads(stored, salt=session.key_salt) == {"cat": "meow"}


def test_values_other_than_text_are_refused_by_the_store():
    with pytest.raises(TypeError):
        caches["sessions"].set("kwippy.test:dict", {"a": 1})


# kwippy's own: its alias, collisions and outages ------------------------------------------------


def test_the_session_store_alias_must_not_be_the_object_cache(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.SESSION_CACHE_ALIAS = "default"
    with pytest.raises(ImproperlyConfigured):
        SessionStore()


def test_a_key_collision_is_retried_with_a_fresh_key(monkeypatch):
    taken = saved_session(owner="someone else").session_key
    fresh = "f" * 32
    draws = iter([taken, fresh])
    monkeypatch.setattr(memcached, "get_random_string", lambda *args: next(draws))
    session = SessionStore()
    session["cat"] = "meow"
    session.save()
    assert session.session_key == fresh
    assert SessionStore(taken)["owner"] == "someone else"


def test_repeated_collisions_give_up_after_a_few_tries(monkeypatch):
    taken = saved_session(owner="someone else").session_key
    draws = []
    monkeypatch.setattr(memcached, "get_random_string", lambda *args: draws.append(1) or taken)
    with pytest.raises(SessionKeyCollision):
        SessionStore().save()
    assert len(draws) == memcached.COLLISION_RETRIES
    assert SessionStore(taken)["owner"] == "someone else"


def test_an_unreachable_store_is_an_outage_at_once_not_a_collision(own_store, monkeypatch):
    own_store.stop()
    draws = []
    real = memcached.get_random_string
    monkeypatch.setattr(memcached, "get_random_string", lambda *a: draws.append(1) or real(*a))
    with pytest.raises(SessionStoreUnavailable):
        SessionStore().save()
    assert len(draws) == 1
