"""The ways kwippy is deployed: Compose, and gunicorn with DEBUG=0."""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.jobs import newest_worker_id, wait_until, worker_database_url
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


def compose_service(config: str, name: str) -> str:
    """Return one service's block of `docker-compose config` output."""
    block = re.search(rf"^  {name}:\n(.*?)(?=^  \S|^\S)", config, re.MULTILINE | re.DOTALL)
    assert block, name
    return block.group(1)


@pytest.fixture(scope="module")
def compose_config() -> str:
    result = subprocess.run(
        ["docker-compose", "config"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_web_binds_no_host_port_so_it_scales_and_the_proxy_publishes_8000(compose_config):
    web = compose_service(compose_config, "web")
    proxy = compose_service(compose_config, "proxy")
    assert "ports:" not in web
    assert re.search(r"- published: 8000\n\s+target: 8000", proxy)
    assert re.search(r"web:\n\s+condition: service_healthy", proxy)
    assert "deploy/nginx.conf:/etc/nginx/conf.d/default.conf:ro" in proxy


def test_migrations_run_once_before_any_web_replica(compose_config):
    web = compose_service(compose_config, "web")
    migrate = compose_service(compose_config, "migrate")
    assert re.search(r"migrate:\n\s+condition: service_completed_successfully", web)
    assert "migrate" in migrate
    assert "manage.py" in migrate
    assert "migrate" not in web.split("depends_on:")[0]


def test_web_trusts_exactly_the_one_proxy_in_front(compose_config):
    assert "TRUSTED_PROXY_COUNT: '1'" in compose_service(compose_config, "web")


def test_the_proxy_balances_over_web_by_dns_and_forwards_the_client():
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    directives = {line.strip().rstrip(";") for line in conf.splitlines()}
    # Docker's DNS, asked again while running: replicas added by a later --scale join in.
    assert any(d.startswith("resolver 127.0.0.11 valid=") for d in directives)
    assert "set $web web:8000" in directives
    assert "proxy_pass http://$web" in directives
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for" in directives
    assert "proxy_set_header X-Forwarded-Proto $scheme" in directives
    assert "proxy_set_header Host $http_host" in directives
    # The import form's 64 MB must not meet nginx's 1 MB default first.
    size = re.search(r"client_max_body_size (\d+)m;", conf)
    assert size
    assert int(size.group(1)) > 64


def test_every_gunicorn_invocation_reads_the_limits_file():
    for name in ("Procfile", "Dockerfile", "docker-compose.yml"):
        text = (ROOT / name).read_text()
        invocations = re.findall(r"gunicorn config\.wsgi[^\n\"]*", text)
        assert invocations, name
        assert all("--config gunicorn.conf.py" in line for line in invocations), name


def test_the_proxy_refuses_request_lines_and_headers_gunicorn_would_refuse():
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    buffers = re.search(r"large_client_header_buffers (\d+) (\d+)k;", conf)
    assert buffers
    # One buffer holds the request line, or one header field: 8 KB, gunicorn's 8,190 bytes.
    assert int(buffers.group(2)) * 1024 <= 8192


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
        [
            *(sys.executable, "-m", "gunicorn", "config.wsgi"),
            *("--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"),
        ],
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


def test_compose_workers_run_both_lanes_after_migrations_and_scale(compose_config):
    worker = compose_service(compose_config, "worker")
    web = compose_service(compose_config, "web")
    assert re.search(r"migrate:\n\s+condition: service_completed_successfully", worker)
    assert re.search(r"db:\n\s+condition: service_healthy", worker)
    assert "- honcho\n    - start\n    - interactive\n    - bulk" in worker
    assert "ports:" not in worker
    assert "EMAIL_URL: 'console:'" in worker
    # The same image as web: one build, two commands.
    assert (
        re.search(r"build:\n\s+context: (.*)", worker)[1]
        == (re.search(r"build:\n\s+context: (.*)", web)[1])
    )


def test_make_run_starts_the_procfile_with_honcho_on_port_8000():
    recipe = re.search(r"^run:.*?(?=^\S)", (ROOT / "Makefile").read_text(), re.M | re.S)[0]
    assert "honcho start --port 8000" in recipe


def test_honcho_runs_web_and_both_worker_lanes_and_one_interrupt_stops_them_all(jobs_table):
    port = free_port()
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "TEST_DATABASE_URL": worker_database_url(),
    }
    before = newest_worker_id()
    honcho = subprocess.Popen(
        [str(Path(sys.executable).parent / "honcho"), "start", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        # Its own process group, as in a terminal: Ctrl-C signals the whole group.
        start_new_session=True,
    )
    try:
        wait_until(lambda: newest_worker_id() >= before + 2, "both lanes' heartbeats")
        wait_until(lambda: _health(port).get("workers") == "ok", "the web server")
        os.killpg(honcho.pid, signal.SIGINT)
        honcho.wait(timeout=60)
        wait_until(lambda: not _group_alive(honcho.pid), "every process to stop", seconds=30)
    finally:
        if _group_alive(honcho.pid):
            os.killpg(honcho.pid, signal.SIGKILL)


def _health(port: int) -> dict:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
            return json.loads(response.read())
    except OSError:
        return {}


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
        return True
    except ProcessLookupError:
        return False
