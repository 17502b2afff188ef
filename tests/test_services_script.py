"""scripts/services: idempotent start, status, and separate test and development services."""

import subprocess
from pathlib import Path

from django.conf import settings

from config import local_services

ROOT = Path(__file__).resolve().parent.parent


def services(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(ROOT / "scripts" / "services"), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_second_up_finds_every_service_running():
    result = services("up", "--profile", "test")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("already answers") == 3


def test_status_says_each_service_is_up():
    result = services("status", "--profile", "test")
    assert result.returncode == 0
    lines = result.stdout.strip().splitlines()
    assert [line.split()[0] for line in lines] == ["postgres", "memcached", "memcached"]
    assert all(line.endswith(" up") for line in lines)


def test_the_suite_never_uses_the_development_services():
    dev, test = local_services.profile("dev"), local_services.profile("test")
    assert (
        settings.DATABASES["default"]["PORT"] == str(test.postgres_port) != str(dev.postgres_port)
    )
    assert settings.CACHES["default"]["LOCATION"] == [f"127.0.0.1:{test.object_cache_port}"]
    assert settings.CACHES["sessions"]["LOCATION"] == [f"127.0.0.1:{test.session_cache_port}"]


def test_env_prints_the_urls_kwippy_reads():
    result = services("env", "--profile", "test")
    test = local_services.profile("test")
    assert f"export DATABASE_URL={test.database_url}" in result.stdout
    assert f"export SESSION_CACHE_URL={test.session_cache_url}" in result.stdout
