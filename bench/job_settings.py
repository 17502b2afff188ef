"""Settings for bench/job_latency.py: kwippy's, with the benchmark's job (bench/job_tasks.py)
registered beside kwippy's own, as tests/settings.py registers the tests' jobs."""

from config.settings import *  # noqa: F403

PROCRASTINATE_IMPORT_PATHS = ["bench.job_tasks"]
