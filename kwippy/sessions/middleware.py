"""kwippy's session middleware: Django's, plus outage handling and sliding expiry.

It replaces `django.contrib.sessions.middleware.SessionMiddleware` in `MIDDLEWARE`, because Django's
saves the session in `process_response`, outside any view, where a store failure would be a 500:

- a session store outage met by a view (a login, a logout) or by the final save answers 503 with a
  short page, and nothing is half-done: a 5xx response never saves the session;
- a session that could not be loaded (store down) is left alone: no write, cookie kept;
- a session in use has its expiry extended with memcached's `touch` (and its cookie's `Max-Age`
  refreshed) about once a minute per worker rather than on every request; a signed-in one is
  marked seen in its user's index at the same moment.
"""

import logging
import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.utils.http import http_date

from kwippy.core.outages import outage_response
from kwippy.sessions.exceptions import SessionStoreUnavailable
from kwippy.sessions.index import session_record_request

log = logging.getLogger(__name__)

# How often, at most, a worker extends one session's expiry and marks it seen.
SLIDE_EVERY_SECONDS = 60
# Forget the slide times of a busy worker now and then instead of growing without bound.
SLIDE_MEMORY = 10_000
_slid_at: dict[str, float] = {}


def slide_due(session_key: str, expiry_age: int) -> bool:
    """Return whether this worker should extend a session's expiry now, and note that it does."""
    now = time.monotonic()
    interval = min(SLIDE_EVERY_SECONDS, max(1, expiry_age // 10))
    last = _slid_at.get(session_key)
    if last is not None and now - last < interval:
        return False
    if len(_slid_at) >= SLIDE_MEMORY:
        _slid_at.clear()
    _slid_at[session_key] = now
    return True


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's session middleware that answers a store outage with 503 and slides expiry."""

    def process_exception(self, request, exception):
        if isinstance(exception, SessionStoreUnavailable):
            log.warning("%s; answering 503", exception)
            return outage_response(request, exception)
        return None

    def process_response(self, request, response):
        try:
            response = super().process_response(request, response)
        except SessionStoreUnavailable as exc:
            log.warning("%s; the session could not be saved, answering 503", exc)
            return outage_response(request, exc)
        session = getattr(request, "session", None)
        if (
            session is not None
            and session.accessed
            and not session.modified
            and session.session_key
            and not getattr(session, "unavailable", True)
            and response.status_code < 500
        ):
            self._slide(request, response, session)
        return response

    def _slide(self, request, response, session) -> None:
        expiry_age = session.get_expiry_age()
        if not slide_due(session.session_key, expiry_age):
            return
        user_id = session.get(SESSION_KEY)
        try:
            if not session.touch():
                return
            if user_id is not None:
                session_record_request(request=request, user_id=user_id)
        except SessionStoreUnavailable as exc:
            log.warning("%s; the session's expiry was not extended", exc)
            return
        if not session.get_expire_at_browser_close():
            response.set_cookie(
                settings.SESSION_COOKIE_NAME,
                session.session_key,
                max_age=expiry_age,
                expires=http_date(time.time() + expiry_age),
                domain=settings.SESSION_COOKIE_DOMAIN,
                path=settings.SESSION_COOKIE_PATH,
                secure=settings.SESSION_COOKIE_SECURE or None,
                httponly=settings.SESSION_COOKIE_HTTPONLY or None,
                samesite=settings.SESSION_COOKIE_SAMESITE,
            )
