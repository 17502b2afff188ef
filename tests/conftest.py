import base64
import os

import pytest
from django.core.cache import caches
from django.core.management import call_command
from hypothesis import settings as hypothesis_settings
from pytest_httpserver import HTTPServer

from config.env import parse_allowed_networks
from kwippy.accounts.models import User
from tests.jobs import WorkerProcess, jobs_clear

PASSWORD = "correct horse battery staple"

# No test asserts a time, Hypothesis's per-example deadline included: on a busy machine it
# measures the machine, not the code. Speed lives in bench/.
hypothesis_settings.register_profile("kwippy", deadline=None)
hypothesis_settings.load_profile("kwippy")


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives Debian's chromium through Playwright")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Under CI, a skipped test is a failed test: CI must run everything."""
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") == "true" and report.skipped:
        report.outcome = "failed"
        report.longrepr = f"skipped under CI=true, which runs everything: {report.longrepr}"


@pytest.fixture(scope="session", autouse=True)
def collected_static():
    """Collect static files once: pages link the hashed names whitenoise serves."""
    call_command("collectstatic", interactive=False, verbosity=0)


@pytest.fixture(autouse=True)
def empty_caches():
    """Start every test with empty object and session caches."""
    for alias in ("default", "sessions"):
        caches[alias].clear()
    return


def basic_authorization(user_id: str, password: str) -> str:
    """Return the `Authorization` header value that sends these credentials."""
    token = base64.b64encode(f"{user_id}:{password}".encode()).decode("ascii")
    return f"Basic {token}"


def make_user(username: str, **extra) -> User:
    user = User.objects.create_user(
        username=username, email=f"{username}@example.com", password=PASSWORD, **extra
    )
    return user


@pytest.fixture
def alice(db):
    """The owner in most tests."""
    return make_user("alice", display_name="Alice Archer")


@pytest.fixture
def bob(db):
    """Someone who follows, or is followed by, alice."""
    return make_user("bob", display_name="Bob Baker")


@pytest.fixture
def charlie(db):
    """Someone with no relation to alice's things."""
    return make_user("charlie")


@pytest.fixture
def jobs_table(transactional_db):
    """An empty job queue, emptied again after the test: workers see only committed rows."""
    jobs_clear()
    yield
    jobs_clear()


@pytest.fixture
def job_workers(jobs_table):
    """A worker as `make run` starts it: the Procfile's two lanes, stopped after the test."""
    with WorkerProcess("interactive") as interactive, WorkerProcess("bulk") as bulk:
        yield {"interactive": interactive, "bulk": bulk}


@pytest.fixture(scope="session")
def page_server_running():
    """A local web server on a port of its own, answering several requests at once."""
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def page_server(page_server_running, settings):
    """The local web server, the one place outside the internet the fetcher may reach.

    Its address and port are allowed, no other port; its requests need not wait for each other.
    """
    settings.LINK_FETCH_ALLOWED_NETWORKS = parse_allowed_networks(
        "LINK_FETCH_ALLOWED_NETWORKS", f"127.0.0.1:{page_server_running.port}"
    )
    settings.LINK_FETCH_HOST_INTERVAL_SECONDS = 0
    yield page_server_running
    page_server_running.clear()
