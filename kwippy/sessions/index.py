"""Where a person is signed in: a per-user index of live sessions, kept in the session store.

Memcached cannot list keys, so each user has one index entry, `kwippy.session-index:<user id>`,
holding a JSON object that maps an opaque id (an HMAC of the session key, safe to show in a page)
to the session's key, when it was created, when it was last seen, its User-Agent and IP address,
and when it expires. Writes go through `gets`/`cas`, so concurrent logins never lose an entry.
Reads check each listed session against the store and the user's current auth hash, and drop what
is gone: the index never has to be exact to be truthful.
"""

import json
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY, update_session_auth_hash
from django.core.cache import caches
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare, salted_hmac

from kwippy.accounts.models import User
from kwippy.sessions.backends.memcached import SessionStore, store_call
from kwippy.sessions.exceptions import SessionStoreUnavailable
from kwippy.sessions.useragent import browser_label

log = logging.getLogger(__name__)

INDEX_KEY_PREFIX = "kwippy.session-index:"
# More places than this and the least recently seen session is signed out to make room.
MAX_SESSIONS_PER_USER = 100
CAS_TRIES = 10
USER_AGENT_MAX_LENGTH = 512
SESSION_ID_FORM = re.compile(r"[0-9a-f]{20}")


@dataclass(frozen=True)
class SignedInSession:
    """One place a person is signed in, as the settings page shows it."""

    id: str
    created: datetime
    last_seen: datetime
    user_agent: str
    browser: str
    ip: str
    is_current: bool


def session_public_id(session_key: str) -> str:
    """Return the opaque id that stands for a session key in pages and forms."""
    return salted_hmac("kwippy.sessions.index", session_key, algorithm="sha256").hexdigest()[:20]


def _store():
    return caches[settings.SESSION_CACHE_ALIAS]


def _index_key(user_id) -> str:
    return f"{INDEX_KEY_PREFIX}{user_id}"


def _is_time(value) -> bool:
    return isinstance(value, int | float) and 0 <= value < 2**34


def _well_formed(entry) -> bool:
    return (
        isinstance(entry, dict)
        and isinstance(entry.get("key"), str)
        and all(_is_time(entry.get(field)) for field in ("created", "seen", "expires"))
    )


def _parse(raw) -> dict[str, dict]:
    if not isinstance(raw, str):
        return {}
    try:
        entries = json.loads(raw)
    except ValueError:
        return {}
    if not isinstance(entries, dict):
        return {}
    return {sid: entry for sid, entry in entries.items() if _well_formed(entry)}


def _read(user_id) -> dict[str, dict]:
    with store_call():
        return _parse(_store().get(_index_key(user_id)))


def _update(user_id, change: Callable[[dict[str, dict]], bool]) -> dict[str, dict]:
    """Apply `change` to the user's index atomically; it edits in place and says if it changed."""
    store = _store()
    key = _index_key(user_id)
    for _ in range(CAS_TRIES):
        with store_call():
            raw, token = store.gets(key)
        entries = _parse(raw)
        now = time.time()
        expired = [sid for sid, entry in entries.items() if entry["expires"] < now]
        for sid in expired:
            del entries[sid]
        if not change(entries) and not expired:
            return entries
        lifetime = max((entry["expires"] for entry in entries.values()), default=now)
        timeout = max(int(lifetime - now) + 60, 60)
        value = json.dumps(entries, separators=(",", ":"))
        with store_call():
            stored = (
                store.add(key, value, timeout)
                if token is None
                else store.cas(key, value, token, timeout)
            )
        if stored:
            return entries
    raise SessionStoreUnavailable("session store: the session index stayed busy")


def _end_sessions(keys: list[str]) -> None:
    store = SessionStore()
    for key in keys:
        store.delete(key)


def session_record(
    *, user_id, session_key: str, expires_in: int, user_agent: str = "", ip: str = ""
) -> None:
    """Add a session to its user's index, or mark it seen now (with its address and browser)."""
    now = int(time.time())
    sid = session_public_id(session_key)
    evicted: list[str] = []

    def change(entries: dict[str, dict]) -> bool:
        entry = entries.setdefault(sid, {"key": session_key, "created": now})
        entry.update(
            seen=now,
            expires=now + expires_in,
            ua=user_agent[:USER_AGENT_MAX_LENGTH],
            ip=ip[:45],
        )
        evicted.clear()
        while len(entries) > MAX_SESSIONS_PER_USER:
            oldest = min(entries, key=lambda s: entries[s]["seen"])
            evicted.append(entries.pop(oldest)["key"])
        return True

    _update(user_id, change)
    _end_sessions(evicted)


def session_record_request(*, request: HttpRequest, user_id) -> None:
    """Record the request's session in its user's index, with the request's browser and address."""
    session = request.session
    session_record(
        user_id=user_id,
        session_key=session.session_key,
        expires_in=session.get_expiry_age(),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
        ip=request.META.get("REMOTE_ADDR", ""),
    )


def _remove(user_id, sids: set[str]) -> None:
    def change(entries: dict[str, dict]) -> bool:
        removed = [sid for sid in sids if entries.pop(sid, None) is not None]
        return bool(removed)

    if sids:
        _update(user_id, change)


def session_forget(*, user_id, session_key: str) -> None:
    """Remove a session from its user's index (it has been deleted)."""
    _remove(user_id, {session_public_id(session_key)})


def _signed_by_old_password(data: dict, user: User) -> bool:
    session_hash = data.get(HASH_SESSION_KEY)
    if not isinstance(session_hash, str):
        return True
    if constant_time_compare(session_hash, user.get_session_auth_hash()):
        return False
    return not any(
        constant_time_compare(session_hash, fallback)
        for fallback in user.get_session_auth_fallback_hash()
    )


def session_list(*, user: User, current_key: str | None) -> list[SignedInSession]:
    """Return where a user is signed in, the current session first, then the latest seen.

    Sessions that have ended are dropped from the index; sessions that an old password still
    signs are dropped from the store too.
    """
    entries = _read(user.pk)
    store = SessionStore()
    prefix = SessionStore.cache_key_prefix
    others = [entry["key"] for entry in entries.values() if entry["key"] != current_key]
    with store_call():
        found = _store().get_many([prefix + key for key in others])
    live, dead, outdated = [], set(), []
    for sid, entry in entries.items():
        key = entry["key"]
        if key == current_key:
            live.append(entry)
            continue
        raw = found.get(prefix + key)
        data = store.decode(raw) if isinstance(raw, str) else {}
        if str(data.get(SESSION_KEY)) != str(user.pk):
            dead.add(sid)
        elif _signed_by_old_password(data, user):
            dead.add(sid)
            outdated.append(key)
        else:
            live.append(entry)
    _end_sessions(outdated)
    _remove(user.pk, dead)
    sessions = [
        SignedInSession(
            id=session_public_id(entry["key"]),
            created=datetime.fromtimestamp(entry["created"], UTC),
            last_seen=datetime.fromtimestamp(entry["seen"], UTC),
            user_agent=str(entry.get("ua", "")),
            browser=browser_label(str(entry.get("ua", ""))),
            ip=str(entry.get("ip", "")),
            is_current=entry["key"] == current_key,
        )
        for entry in live
    ]
    return sorted(sessions, key=lambda s: (not s.is_current, -s.last_seen.timestamp()))


def session_list_for_request(request: HttpRequest) -> list[SignedInSession]:
    """Return where the request's user is signed in, recording the current session if missing."""
    user = request.user
    sessions = session_list(user=user, current_key=request.session.session_key)
    if not any(s.is_current for s in sessions) and request.session.session_key:
        session_record_request(request=request, user_id=user.pk)
        sessions = session_list(user=user, current_key=request.session.session_key)
    return sessions


def session_end(*, user: User, session_id: str) -> bool:
    """Sign out one of a user's sessions by its opaque id; return whether there was one."""
    if not SESSION_ID_FORM.fullmatch(session_id):
        return False
    entry = _read(user.pk).get(session_id)
    if entry is None:
        return False
    _end_sessions([entry["key"]])
    _remove(user.pk, {session_id})
    return True


def session_end_others(*, user: User, keep_key: str | None) -> int:
    """Sign out every session of a user but `keep_key`; return how many were ended."""
    others = {sid: e["key"] for sid, e in _read(user.pk).items() if e["key"] != keep_key}
    _end_sessions(list(others.values()))
    _remove(user.pk, set(others))
    return len(others)


def session_after_password_change(*, request: HttpRequest, user: User) -> int:
    """Keep the request signed in after a password change and sign out every other session.

    Call it where Django's `update_session_auth_hash` would be called; return how many other
    sessions were ended.
    """
    replaced_key = request.session.session_key
    update_session_auth_hash(request, user)
    if replaced_key:
        session_forget(user_id=user.pk, session_key=replaced_key)
    ended = session_end_others(user=user, keep_key=request.session.session_key)
    session_record_request(request=request, user_id=user.pk)
    return ended
