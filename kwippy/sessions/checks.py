"""System checks: kwippy's session engine must have a memcached of its own."""

from django.conf import settings
from django.core.checks import Error

from kwippy.sessions.client import SessionCache

ENGINE = "kwippy.sessions.backends.memcached"
JSON_SERIALIZER = "django.contrib.sessions.serializers.JSONSerializer"


def _nodes(alias_settings: dict) -> set[str]:
    location = alias_settings.get("LOCATION") or []
    return {location} if isinstance(location, str) else set(location)


def check_session_store(app_configs=None, **kwargs) -> list[Error]:
    """Return errors if the session engine shares its memcached or may pickle."""
    if settings.SESSION_ENGINE != ENGINE:
        return []
    alias = settings.SESSION_CACHE_ALIAS
    caches = settings.CACHES
    errors = []
    backend = f"{SessionCache.__module__}.{SessionCache.__qualname__}"
    if alias == "default" or alias not in caches:
        errors.append(
            Error(
                "SESSION_CACHE_ALIAS must name a cache of its own, not 'default'.",
                id="kwippy_sessions.E001",
            )
        )
    elif caches[alias].get("BACKEND") != backend:
        errors.append(Error(f"The {alias!r} cache must use {backend}.", id="kwippy_sessions.E002"))
    else:
        shared = {
            other: _nodes(config) & _nodes(caches[alias])
            for other, config in caches.items()
            if other != alias and _nodes(config) & _nodes(caches[alias])
        }
        for other, nodes in shared.items():
            errors.append(
                Error(
                    f"The session store shares {', '.join(sorted(nodes))} with the {other!r} "
                    "cache: flushing that cache would sign everyone out.",
                    id="kwippy_sessions.E003",
                )
            )
    if settings.SESSION_SERIALIZER != JSON_SERIALIZER:
        errors.append(
            Error(f"SESSION_SERIALIZER must be {JSON_SERIALIZER}.", id="kwippy_sessions.E004")
        )
    return errors
