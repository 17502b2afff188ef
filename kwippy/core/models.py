from django.db import models


class FetchHost(models.Model):
    """When the fetcher (kwippy/core/fetch.py) may next send a request to a host.

    One row per host ever fetched, shared by every worker: the per-host interval between requests
    and a `Retry-After` the host asked for both move `next_allowed_at`.
    """

    # The host as sent in requests: lower case, IDNA-encoded, an IP address as written.
    host = models.CharField(primary_key=True, max_length=253)
    next_allowed_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.host
