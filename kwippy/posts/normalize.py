"""Turn what people type into the URLs and dates kwippy stores. Pure functions, no database.

Tags have their own module, tags.py.
"""

import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

URL_MAX_LENGTH = 2000
TITLE_MAX_LENGTH = 255
DESCRIPTION_MAX_LENGTH = 65536
DEFAULT_PORTS = {"http": 80, "https": 443}
# Pinboard resets a creation time more than ten minutes ahead of the server's clock to now.
FUTURE_SLACK = timedelta(minutes=10)

ELLIPSIS = "…"


class InvalidURL(ValueError):
    """The text is not an http(s) URL kwippy can store."""


def shorten(text: str, limit: int) -> str:
    """Return text cut to `limit` characters, the last one an ellipsis when anything was cut."""
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS


def normalize_url(raw: str) -> str:
    """Return the canonical form of an http(s) URL, or raise InvalidURL saying why.

    Scheme and host are lower-cased, the default port dropped, an empty path becomes "/": two
    spellings of one address are one link. The fragment stays: it is data (a single-page app's
    route, a paste's decryption key), so `/#/inbox` and `/#/settings` are two links.
    """
    text = raw.strip()
    if not text:
        raise InvalidURL("Enter a URL.")
    if len(text) > URL_MAX_LENGTH:
        raise InvalidURL(f"URLs can be at most {URL_MAX_LENGTH} characters.")
    if any(ord(c) < 33 or ord(c) == 127 for c in text):
        raise InvalidURL("A URL cannot contain spaces or control characters.")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise InvalidURL("That is not a valid URL.") from None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise InvalidURL("Only http and https links can be saved.")
    host = (parts.hostname or "").lower()
    if not host or not re.fullmatch(r"[\w.\-\[\]:%]+", host) or host.startswith((".", "-")):
        raise InvalidURL("That URL has no valid host.")
    netloc = f"[{host}]" if ":" in host else host
    if port is not None and port != DEFAULT_PORTS[scheme]:
        netloc = f"{netloc}:{port}"
    if parts.username is not None or parts.password is not None:
        userinfo = parts.netloc.rpartition("@")[0]
        netloc = f"{userinfo}@{netloc}"
    url = urlunsplit((scheme, netloc, parts.path or "/", parts.query, parts.fragment))
    if len(url) > URL_MAX_LENGTH:
        raise InvalidURL(f"URLs can be at most {URL_MAX_LENGTH} characters.")
    return url


def is_in_future(moment: datetime, *, now: datetime) -> bool:
    """Return whether a post's date is further ahead than clock drift explains: not believed."""
    return moment > now + FUTURE_SLACK
