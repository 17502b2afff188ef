"""What the session engine raises when it cannot do its job."""

from kwippy.core.outages import ServiceUnavailable


class SessionStoreUnavailable(ServiceUnavailable):
    """The session memcached is unreachable, hung or failing: an outage, not a taken key."""

    template_name = "sessions/unavailable.html"
    # Rendered with the request, like every page: a session that could not be loaded reads as
    # signed out, so the layout asks nothing more of the store.
    render_with_request = True


class SessionKeyCollision(RuntimeError):
    """Every fresh session key tried was already taken, which random 32-character keys never are."""
