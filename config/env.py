"""Read kwippy's configuration from the environment, strictly.

Every reader either returns a value Django understands or raises `ConfigError`, whose message is one
line naming the variable and the form it expects. `manage.py` and `wsgi.py` print that line and
stop, so a typo in the environment never surfaces as a traceback from deep inside Django.

The URL parsers are our own rather than dj-database-url's: kwippy accepts exactly one database
(PostgreSQL) and one cache protocol (memcached), and an error must name the variable it came from.
"""

import os
from ipaddress import IPv4Network, IPv6Network, ip_network
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured


class ConfigError(ImproperlyConfigured):
    """A configuration variable is missing or malformed."""


def env_str(name: str, default: str | None = None) -> str:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        if default is None:
            raise ConfigError(f"{name} is required")
        return default
    return raw


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name, "")
    if raw == "":
        return default
    if raw not in ("1", "0"):
        raise ConfigError(f"{name} must be 1 or 0, got {raw!r}")
    return raw == "1"


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name, "")
    if raw == "":
        return default
    if not raw.isdigit() or int(raw) < minimum:
        raise ConfigError(f"{name} must be a whole number of at least {minimum}, got {raw!r}")
    return int(raw)


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name, "")
    if raw == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def _port(name: str, text: str | None, expected: str) -> int:
    if text is None or not text.isdigit() or not 0 < int(text) < 65536:
        raise ConfigError(f"{name} has a bad port {text!r}; expected {expected}")
    return int(text)


def parse_database_url(name: str, url: str) -> dict:
    """Return Django's DATABASES entry for a `postgres://user:pass@host:port/name` URL."""
    expected = "postgres://user:password@host:port/database"
    try:
        parts = urlsplit(url)
    except ValueError:
        # An unclosed "[" of an IPv6 host, for one.
        raise ConfigError(f"{name} must look like {expected}") from None
    if parts.scheme not in ("postgres", "postgresql"):
        raise ConfigError(f"{name} must look like {expected}, got scheme {parts.scheme!r}")
    database = unquote(parts.path.lstrip("/"))
    if not parts.hostname or not database or "/" in database:
        raise ConfigError(f"{name} must look like {expected}")
    try:
        port = parts.port or 5432
    except ValueError:
        raise ConfigError(f"{name} has a bad port; expected {expected}") from None
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": database,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname,
        "PORT": str(port),
    }


def parse_database_urls(name: str, urls: str) -> list[dict]:
    """Return a DATABASES entry for each of the comma-separated `postgres://` URLs; none for ""."""
    if urls.strip() == "":
        return []
    expected = "postgres://user:password@host:port/database[,postgres://…]"
    databases = []
    for url in urls.split(","):
        if not url.strip():
            raise ConfigError(f"{name} has an empty entry; expected {expected}")
        databases.append(parse_database_url(name, url.strip()))
    places = [(db["HOST"], db["PORT"], db["NAME"]) for db in databases]
    if len(set(places)) != len(places):
        raise ConfigError(f"{name} names the same database twice")
    return databases


def parse_site_url(name: str, url: str) -> str:
    """Return a site's public address, `http(s)://host[:port][/path]`, without a trailing slash."""
    expected = "http(s)://host[:port][/path]"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- raises ValueError on a bad port
    except ValueError:
        raise ConfigError(f"{name} must look like {expected}, got {url!r}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{name} must look like {expected}, got {url!r}")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise ConfigError(
            f"{name} must look like {expected} (no query, fragment or user), got {url!r}"
        )
    return url.rstrip("/")


def parse_memcached_url(name: str, url: str) -> list[str]:
    """Return the `host:port` nodes of a `memcached://host:port[,host:port…]` URL."""
    expected = "memcached://host:port[,host:port…]"
    scheme, sep, rest = url.partition("://")
    if not sep or scheme != "memcached" or not rest:
        raise ConfigError(f"{name} must look like {expected}, got {url!r}")
    nodes = []
    for node in rest.rstrip("/").split(","):
        host, colon, port = node.strip().rpartition(":")
        if not colon or not host or any(c in host for c in "/@?#"):
            raise ConfigError(f"{name} must look like {expected}, got {url!r}")
        nodes.append(f"{host}:{_port(name, port, expected)}")
    if len(set(nodes)) != len(nodes):
        raise ConfigError(f"{name} names the same node twice: {url!r}")
    return nodes


def parse_email_url(name: str, url: str) -> dict:
    """Return how mail leaves: Django's mail backend and the server it talks to.

    `smtp://[user:password@]host[:port][?tls=1]` (STARTTLS with tls=1), `smtps://…` (TLS from the
    first byte), or `console:` (printed by the worker, for development).
    """
    expected = "smtp://user:password@host:port[?tls=1], smtps://user:password@host:port or console:"
    if url == "console:":
        return {
            "BACKEND": "django.core.mail.backends.console.EmailBackend",
            **{"HOST": "localhost", "PORT": 25, "USER": "", "PASSWORD": ""},
            **{"USE_TLS": False, "USE_SSL": False},
        }
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise ConfigError(f"{name} must look like {expected}") from None
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname or parts.path not in ("", "/"):
        raise ConfigError(f"{name} must look like {expected}")
    if port == 0:
        raise ConfigError(f"{name} has a bad port; expected {expected}")
    if parts.fragment or bool(parts.username) != (parts.password is not None):
        # The URL is not repeated: it may hold a password.
        raise ConfigError(f"{name} must look like {expected} (a user goes with a password)")
    options = parse_qs(parts.query, keep_blank_values=True)
    if parts.scheme == "smtps" and options:
        raise ConfigError(f"{name} must have no options with smtps://, which is TLS from the start")
    if set(options) - {"tls"} or options.get("tls", ["0"]) not in (["0"], ["1"]):
        raise ConfigError(f"{name} takes one option, tls=1 or tls=0; expected {expected}")
    return {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "HOST": parts.hostname,
        "PORT": port or (465 if parts.scheme == "smtps" else 25),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "USE_TLS": options.get("tls") == ["1"],
        "USE_SSL": parts.scheme == "smtps",
    }


def parse_allowed_networks(
    name: str, text: str
) -> list[tuple[IPv4Network | IPv6Network, int | None]]:
    """Return the `(network, port)` pairs of comma-separated `network[:port]` entries; none for "".

    A network is an address or a CIDR block (`10.1.0.0/16`, `127.0.0.1:8080`, `fd00::/8`); an IPv6
    one with a port goes in brackets (`[fd00::/8]:443`). No port means any port.
    """
    expected = "network[:port][,network[:port]…], e.g. 10.1.0.0/16,127.0.0.1:8080,[fd00::/8]:443"
    entries = []
    for entry in filter(None, (item.strip() for item in text.split(","))):
        if entry.startswith("["):
            network, bracket, port = entry[1:].partition("]:")
            if not bracket:
                raise ConfigError(f"{name} has a bad entry {entry!r}; expected {expected}")
        elif entry.count(":") == 1:
            network, _, port = entry.partition(":")
        else:
            network, port = entry, None
        try:
            parsed = ip_network(network)
        except ValueError:
            raise ConfigError(
                f"{name} has a bad network {network!r}; expected {expected}"
            ) from None
        entries.append((parsed, None if port is None else _port(name, port, expected)))
    return entries
