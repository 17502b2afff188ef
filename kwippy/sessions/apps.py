from django.apps import AppConfig
from django.core import checks


class SessionsConfig(AppConfig):
    name = "kwippy.sessions"
    # `sessions` is django.contrib.sessions' label.
    label = "kwippy_sessions"
    verbose_name = "kwippy sessions"

    def ready(self):
        from kwippy.sessions import receivers  # noqa: F401
        from kwippy.sessions.checks import check_session_store

        checks.register(check_session_store, checks.Tags.caches)
