"""kwippy's settings as deployed (the hasher too), with every feed document built for each poll.

A public feed is normally served from the object cache; the feed benchmarks compare a poll with
credentials to an anonymous one, so both must build their document.
"""

from config.settings import *  # noqa: F403

KWIPPY_FEEDS_BYPASS_CACHE = True
