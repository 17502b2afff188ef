from kwippy.accounts.models import User


class CachedUser(User):
    """A user row read from the object cache, without its password hash (left deferred).

    The session auth hash, which Django checks on every signed-in request, is cached in its place,
    so the password hash never sits in the object cache. Reading `password` loads it from the
    database; `save()` writes only the loaded fields, so a cached row never blanks the password.
    """

    cached_session_auth_hash = ""

    class Meta:
        proxy = True
        default_permissions = ()

    def get_session_auth_hash(self):
        if "password" in self.__dict__:
            return super().get_session_auth_hash()
        return self.cached_session_auth_hash
