"""What the session engine raises when it cannot do its job."""


class SessionStoreUnavailable(Exception):
    """The session memcached is unreachable, hung or failing: an outage, not a taken key."""


class SessionKeyCollision(RuntimeError):
    """Every fresh session key tried was already taken, which random 32-character keys never are."""
