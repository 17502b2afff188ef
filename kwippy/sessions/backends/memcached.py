"""kwippy's session engine: sessions in the dedicated session memcached, and nowhere else.

A small subclass of Django's cache engine, which reads `SESSION_CACHE_ALIAS` and prefixes keys.
What it changes, and why:

- What is stored is Django's signed JSON string (`encode()`), never a pickled dict: someone able to
  write to memcached can neither run code in the site nor forge a session without `SECRET_KEY`.
- An unreachable, hung or failing store raises `SessionStoreUnavailable` at once. Django's engine
  cannot tell an outage from a taken key, so it tries 10,000 keys; here a key is claimed with one
  `add` (no `exists` probe first) and only a real collision is retried, a few times.
- Loading while the store is down gives an empty session flagged `unavailable`: the visitor is
  served as anonymous, and that session is neither written nor has its cookie dropped, so they are
  signed in again when the store returns. Writing it raises instead of overwriting the real one.
- Saving unchanged data only extends the expiry, with `touch`. Changed data is written with
  `replace`, which stores only if the session still exists: a session deleted meanwhile (a logout
  elsewhere) is never brought back, in one round trip where Django's engine needs a `get` first.
- A load also honours an expiry date stored in the session, not only memcached's timer.
- Only keys Django's contract accepts (8 characters or more) and made of the characters this
  engine's keys are made of are ever looked up: any other cookie costs no round trip.
- Keys are namespaced twice: the cache alias's `KEY_PREFIX` (one per site) and `cache_key_prefix`.
"""

import logging
import re
from contextlib import contextmanager

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.sessions.backends import cache
from django.contrib.sessions.backends.base import VALID_KEY_CHARS, CreateError, UpdateError
from django.core.exceptions import ImproperlyConfigured
from django.utils.crypto import get_random_string
from pymemcache.exceptions import MemcacheClientError, MemcacheError

from kwippy.sessions.client import SessionCache
from kwippy.sessions.exceptions import SessionKeyCollision, SessionStoreUnavailable

log = logging.getLogger(__name__)

KEY_LENGTH = 32
# Django's `SessionBase` accepts any key of 8 characters or more; so does this engine.
MIN_KEY_LENGTH = 8
KEY_CHARACTERS = re.compile(f"[{re.escape(VALID_KEY_CHARS)}]+")
# memcached refuses longer keys, prefixes included.
MEMCACHED_KEY_LIMIT = 250
# Random 32-character keys do not collide; more than a few collisions means something else is wrong.
COLLISION_RETRIES = 3
# With one node of two down, sixteen draws all landing on it happens once in 65,536 logins.
LIVE_NODE_DRAWS = 16


@contextmanager
def store_call():
    """Turn the store's connection and server failures into `SessionStoreUnavailable`."""
    try:
        yield
    except MemcacheClientError:
        raise
    except (OSError, MemcacheError) as exc:
        raise SessionStoreUnavailable(f"session store: {exc or type(exc).__name__}") from exc


class SessionStore(cache.SessionStore):
    """Sessions in the dedicated session memcached."""

    cache_key_prefix = "kwippy.session:"

    def __init__(self, session_key=None):
        if settings.SESSION_CACHE_ALIAS == "default":
            raise ImproperlyConfigured("Sessions need their own memcached alias, not 'default'.")
        super().__init__(session_key)
        if not isinstance(self._cache, SessionCache):
            raise ImproperlyConfigured(
                f"The {settings.SESSION_CACHE_ALIAS!r} cache must use "
                "kwippy.sessions.client.SessionCache."
            )
        self.unavailable = False
        self._stored_fingerprint: bytes | None = None

    def _longest_key_length(self) -> int:
        """Return the length of the longest session key memcached can hold once prefixed."""
        return MEMCACHED_KEY_LIMIT - len(self._cache.make_key(self.cache_key_prefix))

    def _validate_session_key(self, key):
        return (
            isinstance(key, str)
            and MIN_KEY_LENGTH <= len(key) <= self._longest_key_length()
            and KEY_CHARACTERS.fullmatch(key) is not None
        )

    def _fingerprint(self, data: dict) -> bytes:
        return self.serializer().dumps(data)

    def _get_new_session_key(self):
        for _ in range(LIVE_NODE_DRAWS):
            key = get_random_string(KEY_LENGTH, VALID_KEY_CHARS)
            if self._cache.node_is_up(self.cache_key_prefix + key):
                return key
        raise SessionStoreUnavailable("session store: no node is up")

    def load(self):
        try:
            with store_call():
                raw = self._cache.get(self.cache_key)
        except SessionStoreUnavailable as exc:
            log.warning("%s; serving the request without its session", exc)
            self.unavailable = True
            return {}
        data = self.decode(raw) if isinstance(raw, str) else None
        if data is None or self.get_expiry_age(expiry=data.get("_session_expiry")) <= 0:
            self._session_key = None
            return {}
        self._stored_fingerprint = self._fingerprint(data)
        return data

    def create(self):
        previous_key, previous_unavailable = self._session_key, self.unavailable
        try:
            self._claim_new_key()
        except (SessionStoreUnavailable, SessionKeyCollision):
            # Nothing was stored: the session stays what it was, and its cookie stays set.
            self._session_key, self.unavailable = previous_key, previous_unavailable
            raise
        self.modified = True

    def _claim_new_key(self) -> None:
        self.unavailable = False
        collisions = failed_nodes = 0
        while True:
            self._session_key = self._get_new_session_key()
            try:
                self.save(must_create=True)
            except CreateError:
                collisions += 1
                if collisions >= COLLISION_RETRIES:
                    raise SessionKeyCollision(
                        f"{COLLISION_RETRIES} fresh session keys were all taken"
                    ) from None
                log.warning("session key collision; drawing another key")
                continue
            except SessionStoreUnavailable:
                # That node failed just now and is skipped from here on; another may be up.
                failed_nodes += 1
                if failed_nodes >= self._cache.node_count:
                    raise
                continue
            return

    def save(self, must_create=False):
        if self.session_key is None:
            return self.create()
        if self.unavailable:
            raise SessionStoreUnavailable("session store: the session could not be loaded")
        data = self._get_session(no_load=must_create)
        fingerprint = self._fingerprint(data)
        age = self.get_expiry_age()
        key = self.cache_key
        with store_call():
            if must_create:
                if not self._cache.add(key, self.encode(data), age):
                    raise CreateError
            elif fingerprint == self._stored_fingerprint:
                if not self._cache.touch(key, age):
                    raise UpdateError
            elif not self._cache.replace(key, self.encode(data), age):
                raise UpdateError
        self._stored_fingerprint = fingerprint

    def touch(self) -> bool:
        """Extend the session's expiry without rewriting it; return whether it still exists."""
        if self.session_key is None or self.unavailable:
            return False
        with store_call():
            return self._cache.touch(self.cache_key, self.get_expiry_age())

    def exists(self, session_key):
        if not self._validate_session_key(session_key):
            return False
        with store_call():
            return self._cache.get(self.cache_key_prefix + session_key) is not None

    def delete(self, session_key=None):
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        if not self._validate_session_key(session_key):
            return
        with store_call():
            self._cache.delete(self.cache_key_prefix + session_key)
        if session_key == self.session_key:
            self._stored_fingerprint = None

    def cycle_key(self):
        data = self._session
        old_key = self.session_key
        self.create()
        self._session_cache = data
        if old_key:
            try:
                self.delete(old_key)
            except SessionStoreUnavailable as exc:
                # Its node is down; it keeps only the data it had, which the new key now owns.
                log.warning("%s; the replaced session could not be deleted", exc)

    async def aload(self):
        return await sync_to_async(self.load)()

    async def acreate(self):
        return await sync_to_async(self.create)()

    async def asave(self, must_create=False):
        return await sync_to_async(self.save)(must_create)

    async def atouch(self) -> bool:
        """Extend the session's expiry without rewriting it; return whether it still exists."""
        return await sync_to_async(self.touch)()

    async def aexists(self, session_key):
        return await sync_to_async(self.exists)(session_key)

    async def adelete(self, session_key=None):
        return await sync_to_async(self.delete)(session_key)

    async def acycle_key(self):
        return await sync_to_async(self.cycle_key)()

    async def _aget_new_session_key(self):
        return await sync_to_async(self._get_new_session_key)()
