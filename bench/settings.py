"""kwippy's settings with the benchmark's URLs; the rest (the hasher too) as deployed."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
