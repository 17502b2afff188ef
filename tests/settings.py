"""kwippy's settings pointed at the test services (scripts/services up --profile test).

Running the suite never touches the development database or caches, whatever the shell exports.
"""

import os

from config import local_services

_TEST = local_services.profile("test")
os.environ["DATABASE_URL"] = os.environ.get("TEST_DATABASE_URL", _TEST.database_url)
os.environ["OBJECT_CACHE_URL"] = _TEST.object_cache_url
os.environ["SESSION_CACHE_URL"] = _TEST.session_cache_url
os.environ["DEBUG"] = "1"
# The suite never reads from a real replica or trusts proxies, whatever the shell exports.
os.environ["DATABASE_REPLICA_URLS"] = ""
os.environ["TRUSTED_PROXY_COUNT"] = ""

from config.settings import *  # noqa: E402, F403

# Every Basic-auth request checks a password: the production hasher would make the suite crawl.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# The router's tests switch replica reads on against this alias: the test database under a second
# name and connection (TEST MIRROR), so which connection ran a query is seen for real.
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405

# Workers the tests start beat every second and count as gone after 5 s, so a killed worker's job
# is retried within seconds (kwippy/core/jobs.py); tests/job_tasks.py holds jobs for the tests.
KWIPPY_WORKER_HEARTBEAT_SECONDS = 1
KWIPPY_WORKER_STALLED_SECONDS = 5
PROCRASTINATE_WORKER_DEFAULTS = {
    **PROCRASTINATE_WORKER_DEFAULTS,  # noqa: F405
    "update_heartbeat_interval": KWIPPY_WORKER_HEARTBEAT_SECONDS,
    "stalled_worker_timeout": KWIPPY_WORKER_STALLED_SECONDS,
}
PROCRASTINATE_IMPORT_PATHS = ["tests.job_tasks"]
