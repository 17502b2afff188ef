"""Send reads to a read replica and writes to the primary; keep writers on the primary.

Django routes every query through DATABASE_ROUTERS but knows nothing of requests, and a replica
lags its primary: a person who has just saved a bookmark and reads it back from a replica may not
see it. So replicas serve reads only inside `reads_from_replicas()` (the middleware wraps each
request in it), and even there the primary serves:
- every read after the block's first write (read-your-writes within the request);
- every read inside a transaction on the primary (a service's read-then-write sees its own rows);
- every read of a request the middleware starts pinned (unsafe methods, and a browser that wrote
  in the last few seconds: see `kwippy.core.middleware.reads_from_replicas`).
Outside such a block (management commands, the shell, scripts) everything goes to the primary:
they often read what they just wrote, and they are not where the read load is.

One replica is drawn per block, so one page never mixes two replicas' different lags.
"""

import random
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections


@dataclass
class ReplicaReads:
    """Where one request's reads may go, and whether it asked for the primary to write.

    `wrote` also counts what Django sends to the write database without writing, such as a form's
    unique-constraint check: a pin a few seconds too many is cheap, a stale read after a write not.
    """

    replica: str
    pinned: bool = False
    wrote: bool = False


_current: ContextVar[ReplicaReads | None] = ContextVar("kwippy_replica_reads", default=None)


@contextmanager
def reads_from_replicas(*, pinned: bool = False) -> Iterator[ReplicaReads]:
    """Let reads in the block go to one replica until the block writes; yield its state."""
    state = ReplicaReads(replica=random.choice(settings.KWIPPY_DATABASE_REPLICAS), pinned=pinned)
    token = _current.set(state)
    try:
        yield state
    finally:
        _current.reset(token)


class ReplicaRouter:
    """Route reads to the block's replica and everything else to the primary."""

    def db_for_read(self, model, **hints) -> str:
        state = _current.get()
        if state is None or state.pinned or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return state.replica

    def db_for_write(self, model, **hints) -> str:
        state = _current.get()
        if state is not None:
            state.pinned = state.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        # Replicas hold the primary's rows: an object read from one may point at one from another.
        return True

    def allow_migrate(self, db, app_label, **hints) -> bool | None:
        # Replicas take their schema from the primary through replication.
        if db in settings.KWIPPY_DATABASE_REPLICAS:
            return False
        return None
