"""The ways kwippy is deployed: Compose, and gunicorn with DEBUG=0."""

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.memcached import free_port

ROOT = Path(__file__).resolve().parent.parent


def test_compose_file_is_valid():
    assert shutil.which("docker-compose"), "Debian's docker-compose validates the file"
    result = subprocess.run(
        ["docker-compose", "config", "-q"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr


def test_compose_gates_web_on_the_health_of_every_service():
    result = subprocess.run(
        ["docker-compose", "config"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    config = result.stdout
    web = config[config.index("  web:") :]
    for service in ("db", "cache", "sessions"):
        assert re.search(rf"{service}:\n\s+condition: service_healthy", web), service
    assert "11200" in config


@pytest.fixture
def gunicorn_production(django_db_setup, django_db_blocker, settings):
    """Serve the test database with gunicorn under DEBUG=0, as production does."""
    port = free_port()
    database = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
        "SECRET_KEY": "a-production-like-secret-key-for-the-test-0123456789abcdef",
        "DATABASE_URL": (
            f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST']}:"
            f"{database['PORT']}/{database['NAME']}"
        ),
        "OBJECT_CACHE_URL": "memcached://" + settings.CACHES["default"]["LOCATION"][0],
        "SESSION_CACHE_URL": "memcached://" + settings.CACHES["sessions"]["LOCATION"][0],
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2)
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail("gunicorn did not start: " + server.stderr.read().decode()[-2000:])
            time.sleep(0.1)
    yield base
    server.terminate()
    server.wait(timeout=10)


@pytest.mark.django_db
def test_production_home_page_links_a_hashed_stylesheet_served_with_long_max_age(
    gunicorn_production,
):
    with urllib.request.urlopen(gunicorn_production + "/", timeout=5) as response:
        assert response.status == 200
        page = response.read().decode()
    stylesheet = re.search(r'href="(/static/css/kwippy\.[0-9a-f]{12}\.css)"', page)
    assert stylesheet, "the page links the hashed stylesheet name"
    with urllib.request.urlopen(gunicorn_production + stylesheet.group(1), timeout=5) as response:
        assert response.status == 200
        cache_control = response.headers["Cache-Control"]
    max_age = int(re.search(r"max-age=(\d+)", cache_control).group(1))
    assert max_age >= 365 * 24 * 3600
    assert "immutable" in cache_control
