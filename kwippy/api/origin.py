"""Tell a write a browser sends for another site's page from one a script or the site sends.

Browsers keep HTTP Basic credentials and send them again with any request to the site, a
cross-site navigation or form included, and every API write is a plain GET or form POST. Such a
request carries `Sec-Fetch-Site` (modern browsers) or an `Origin` (older ones, on a POST) naming
another site. Scripts and Pinboard clients send neither, so they are never refused.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest

# The browser's own address bar, a bookmark, or a page of this very origin.
_OWN_FETCH_SITES = {"same-origin", "none"}
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _site_origin() -> str:
    parts = urlsplit(settings.SITE_URL)
    origin = f"{parts.scheme}://{parts.hostname}"
    if parts.port is not None and parts.port != _DEFAULT_PORTS[parts.scheme]:
        origin += f":{parts.port}"
    return origin


def sent_for_another_site(request: HttpRequest) -> bool:
    """Return whether the browser marks the request as sent by another site's page."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None and fetch_site.lower() not in _OWN_FETCH_SITES:
        return True
    origin = request.headers.get("Origin")
    if origin is None:
        return False
    own = {_site_origin(), f"{request.scheme}://{request.get_host()}".lower()}
    return origin.lower() not in own
