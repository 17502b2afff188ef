"""Where `scripts/services` runs PostgreSQL and memcached on this machine.

Development and tests get separate ports and databases, so running the suite never touches the
development data; the fault drills (`drills/`) get a third set, which they stop and restart at will.
`KWIPPY_PORT_OFFSET` shifts every port, for running two checkouts side by side.
This module imports nothing from Django: the services script reads it too.
"""

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class LocalServices:
    name: str
    postgres_port: int
    object_cache_port: int
    session_cache_port: int
    database: str

    @property
    def database_url(self) -> str:
        return f"postgres://kwippy:kwippy@127.0.0.1:{self.postgres_port}/{self.database}"

    @property
    def object_cache_url(self) -> str:
        return f"memcached://127.0.0.1:{self.object_cache_port}"

    @property
    def session_cache_url(self) -> str:
        return f"memcached://127.0.0.1:{self.session_cache_port}"


def _offset() -> int:
    raw = os.environ.get("KWIPPY_PORT_OFFSET", "0")
    if not raw.isdigit() or int(raw) > 1000:
        raise SystemExit(f"KWIPPY_PORT_OFFSET must be a whole number from 0 to 1000, got {raw!r}")
    return int(raw)


def profile(name: str) -> LocalServices:
    """Return the ports and database of the `dev`, `test` or `drills` profile."""
    offset = _offset()
    # No two ranges overlap for offsets up to 1000, and all stay below 32768, where Linux hands out
    # no ephemeral ports: a busy client's outgoing connection can never hold a service's port when
    # the service starts. (The drills' gunicorn listens on 28600 + offset.)
    base = {
        "dev": (25432, 11311, 11300),
        "test": (15432, 21411, 21400),
        "drills": (17432, 19411, 19400),
    }[name]
    pg, objects, sessions = (port + offset for port in base)
    return LocalServices(name, pg, objects, sessions, database="kwippy")
