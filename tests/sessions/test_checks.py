"""System checks: the session engine must have a memcached of its own, and JSON."""

from kwippy.sessions.checks import check_session_store


def error_ids(settings) -> list[str]:
    return [error.id for error in check_session_store()]


def test_the_shipped_settings_pass(settings):
    assert error_ids(settings) == []


def test_a_session_store_sharing_a_node_with_the_object_cache_is_an_error(settings):
    caches = {**settings.CACHES}
    caches["sessions"] = {**caches["sessions"], "LOCATION": caches["default"]["LOCATION"]}
    settings.CACHES = caches
    errors = check_session_store()
    assert [e.id for e in errors] == ["kwippy_sessions.E003"]
    assert "'default'" in errors[0].msg


def test_the_object_cache_alias_is_refused(settings):
    settings.SESSION_CACHE_ALIAS = "default"
    assert error_ids(settings) == ["kwippy_sessions.E001"]


def test_a_stock_memcached_backend_is_refused(settings):
    caches = {**settings.CACHES}
    caches["sessions"] = {
        **caches["sessions"],
        "BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache",
    }
    settings.CACHES = caches
    assert error_ids(settings) == ["kwippy_sessions.E002"]


def test_a_serializer_other_than_json_is_refused(settings):
    settings.SESSION_SERIALIZER = "myproject.serializers.PickleSerializer"
    assert error_ids(settings) == ["kwippy_sessions.E004"]


def test_other_engines_are_not_checked(settings):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    settings.SESSION_CACHE_ALIAS = "default"
    assert error_ids(settings) == []
