"""Keep the session index in step with logins and logouts."""

import logging

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from kwippy.sessions.checks import ENGINE
from kwippy.sessions.exceptions import SessionStoreUnavailable
from kwippy.sessions.index import session_forget, session_record_request

log = logging.getLogger(__name__)


# A user's index lives on one session node. If that node is down while another takes the login
# (or the logout), the session must not fail for it: the index heals when the session is next
# seen, and a listing drops entries whose sessions are gone.


@receiver(user_logged_in, dispatch_uid="kwippy.sessions.index-login")
def record_login(sender, request, user, **kwargs):
    if settings.SESSION_ENGINE != ENGINE or getattr(request, "session", None) is None:
        return
    try:
        session_record_request(request=request, user_id=user.pk)
    except SessionStoreUnavailable as exc:
        log.warning("%s; login of user %s not recorded in the session index", exc, user.pk)


@receiver(user_logged_out, dispatch_uid="kwippy.sessions.index-logout")
def forget_logout(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    if settings.SESSION_ENGINE != ENGINE or user is None or session is None:
        return
    if not session.session_key:
        return
    try:
        session_forget(user_id=user.pk, session_key=session.session_key)
    except SessionStoreUnavailable as exc:
        log.warning("%s; logout of user %s not recorded in the session index", exc, user.pk)
