"""Drive a kwippy as its people and its operator do: over HTTP, and with `manage.py`.

The benchmarks and the drills import nothing of kwippy's: they set their data up through the
site's pages and public management commands, and measure over HTTP against gunicorn. Their
databases are their own (`kwippy_bench*`, and `kwippy_drills` on the drills' cluster): this
module creates them on the PostgreSQL of a `scripts/services` profile, and labels each with what
it was filled with (a database comment), so that a later run keeps data that is already there.
"""

import base64
import html
import http.client
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import psycopg

ROOT = Path(__file__).resolve().parent.parent
# One key for the whole run: cookies signed by one gunicorn stay good for the next.
SECRET_KEY = os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50)
# gunicorn's worker timeout and nginx's `proxy_read_timeout` (deploy/nginx.conf): an answer the
# deployed site would still send is slow, not failed.
TIMEOUT = 120.0
CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def shifted(port: int) -> int:
    """Return a port moved by KWIPPY_PORT_OFFSET, as every port of a checkout is."""
    return port + int(os.environ.get("KWIPPY_PORT_OFFSET") or 0)


def say(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


# The database and manage.py -----------------------------------------------------------------


def environment(
    services, database: str, settings: str = "bench.settings", *, root: Path = ROOT
) -> dict[str, str]:
    """Return the environment of the kwippy checked out at `root` on `database` of the profile's
    services, DEBUG off."""
    return {
        **os.environ,
        "PYTHONPATH": str(root),
        "DJANGO_SETTINGS_MODULE": settings,
        "DEBUG": "0",
        "SECRET_KEY": SECRET_KEY,
        "DATABASE_URL": services.database_url.rsplit("/", 1)[0] + f"/{database}",
        "OBJECT_CACHE_URL": services.object_cache_url,
        "SESSION_CACHE_URL": services.session_cache_url,
    }


def postgres(services, sql: str, params: tuple = (), *, database: str = "postgres") -> list[tuple]:
    """Run one statement on a database of the cluster: by default `postgres` (creating and
    labelling others)."""
    url = services.database_url.rsplit("/", 1)[0] + f"/{database}"
    with psycopg.connect(url, autocommit=True) as conn:
        cursor = conn.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def database_label(services, database: str) -> str | None:
    """Return the label of a database; None when it does not exist."""
    rows = postgres(
        services,
        "SELECT coalesce(shobj_description(oid, 'pg_database'), '') FROM pg_database "
        "WHERE datname = %s",
        (database,),
    )
    return rows[0][0] if rows else None


def database_create(services, database: str) -> None:
    """Create the database afresh, dropping one of that name first."""
    postgres(services, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    postgres(services, f'CREATE DATABASE "{database}"')


def database_label_set(services, database: str, label: str) -> None:
    quoted = label.replace("'", "''")
    postgres(services, f"COMMENT ON DATABASE \"{database}\" IS '{quoted}'")


def manage(env: dict[str, str], *args: str, root: Path = ROOT) -> str:
    """Run a management command of the checkout at `root`; return what it printed; stop the run if
    it fails."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.exit(f"bench: manage.py {args[0]} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def object_cache_flush(services) -> None:
    """Empty the profile's object cache, as a memcached restart would."""
    with socket.create_connection(("127.0.0.1", services.object_cache_port), timeout=5) as conn:
        conn.sendall(b"flush_all\r\n")
        if conn.recv(64) != b"OK\r\n":
            sys.exit("bench: the object cache did not flush")


# gunicorn -------------------------------------------------------------------------------------


PROCFILE = (ROOT / "Procfile").read_text().splitlines()
# A job worker's two lanes by name, as the Procfile runs them: `python manage.py …`, kept from
# `manage.py` on.
JOB_LANES = {
    name: command.split()[1:]
    for name, _, command in (line.partition(": ") for line in PROCFILE)
    if name in ("interactive", "bulk")
}
# The gunicorn workers `make run` starts (the Procfile's `web` line).
WEB_WORKERS = next(
    int(re.search(r"--workers (\d+)", line).group(1))
    for line in PROCFILE
    if line.startswith("web:")
)


class Server:
    """A gunicorn serving kwippy with `env` on 127.0.0.1:`port`, for a `with` block.

    With `job_workers`, a job worker's two lanes run beside it, as `make run` starts them. `root`
    is the checkout it serves: this one, or another revision's (bench/compare.py).
    """

    def __init__(
        self,
        env: dict[str, str],
        port: int,
        *,
        workers: int = 2,
        job_workers: bool = False,
        root: Path = ROOT,
    ):
        self.env, self.port, self.workers, self.root = env, port, workers, root
        self.process: subprocess.Popen | None = None
        self.lanes: list[subprocess.Popen] = []
        self.job_workers = job_workers

    def __enter__(self) -> "Server":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self, ready_path: str = "/healthz") -> None:
        if self.job_workers:
            self.lanes = [
                subprocess.Popen(
                    [sys.executable, *lane],
                    cwd=self.root,
                    env=self.env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                for lane in JOB_LANES.values()
            ]
        # A file, not a pipe: a pipe nobody reads fills up, and then blocks the server.
        with tempfile.TemporaryFile() as errors:
            self.process = subprocess.Popen(
                [
                    sys.executable, "-m", "gunicorn", "config.wsgi", "--config", "gunicorn.conf.py",
                    "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers),
                    "--timeout", str(int(TIMEOUT)), "--log-level", "warning",
                ],
                cwd=self.root, env=self.env, stdout=subprocess.DEVNULL, stderr=errors,
            )  # fmt: skip
            deadline = time.monotonic() + 30
            while Browser(self.port).get(ready_path)[0] != 200:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    errors.seek(0)
                    said = errors.read().decode(errors="replace")[-2000:]
                    sys.exit(f"bench: gunicorn on port {self.port} did not start:\n{said}")
                time.sleep(0.2)

    def stop(self) -> None:
        for lane in self.lanes:
            lane.terminate()
        for lane in self.lanes:
            try:
                lane.wait(timeout=15)
            except subprocess.TimeoutExpired:
                lane.kill()
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


# HTTP ------------------------------------------------------------------------------------------


def basic_authorization(user_id: str, password: str) -> str:
    """Return the `Authorization` header value that sends these credentials (RFC 7617)."""
    return "Basic " + base64.b64encode(f"{user_id}:{password}".encode()).decode("ascii")


def _multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        parts.append(f"{head}{value}\r\n".encode())
    for name, (filename, content) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Browser:
    """One client of the site: its own cookies, one connection per request.

    gunicorn's sync workers close every connection, so keeping one alive would save nothing. A
    request that fails to connect or read answers status 0 and the error's name, and never raises:
    the drills count those.
    """

    def __init__(self, port: int, *, timeout: float = TIMEOUT):
        self.port, self.timeout = port, timeout
        self.cookies: dict[str, str] = {}

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], bytes, str]:
        """Return the answer's status, headers and body, and what went wrong if none came."""
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Origin"] = f"http://127.0.0.1:{self.port}"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException) as error:
            return 0, {}, b"", type(error).__name__
        finally:
            conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response.status, dict(response.headers), content, ""

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        status, _, body, _ = self.request("GET", path, headers=headers)
        return status, body

    def post(
        self, path: str, form: dict[str, str], files: dict[str, tuple[str, bytes]] | None = None
    ) -> tuple[int, dict[str, str], bytes, str]:
        """Send a form (with files: multipart), as a browser does."""
        if files:
            body, content_type = _multipart(form, files)
        else:
            body, content_type = urlencode(form).encode(), "application/x-www-form-urlencoded"
        return self.request("POST", path, body, {"Content-Type": content_type})

    def csrf_token(self, page: bytes) -> str | None:
        match = CSRF_FIELD.search(page)
        return match.group(1).decode() if match else None

    def submit(
        self,
        page_path: str,
        form: dict[str, str],
        *,
        action: str | None = None,
        files: dict[str, tuple[str, bytes]] | None = None,
    ) -> tuple[int, dict[str, str], bytes, str]:
        """Open a page, and send its form (to `action`, or back to the page) with these fields."""
        status, page = self.get(page_path)
        token = self.csrf_token(page)
        if status != 200 or token is None:
            return status, {}, page, "no form"
        return self.post(action or page_path, {"csrfmiddlewaretoken": token, **form}, files)

    def sign_in(self, username: str, password: str) -> bool:
        fields = {"username": username, "password": password}
        return self.submit("/accounts/login/", fields)[0] == 302

    def sign_up(self, username: str, password: str) -> None:
        fields = {
            "username": username,
            "email": f"{username}@example.com",
            "password1": password,
            "password2": password,
        }
        status, _, body, _ = self.submit("/accounts/signup/", fields)
        if status != 302:
            sys.exit(f"bench: signing up {username} answered {status}:\n{body[-1500:]!r}")


def bookmark_add(browser: Browser, **fields: str) -> None:
    """Save a bookmark through the add form: `url`, `title`, `description`, `tags`, …"""
    status, _, body, _ = browser.submit("/add/", fields)
    if status != 302:
        sys.exit(f"bench: saving {fields['url']} answered {status}:\n{body[-1500:]!r}")


def follow(browser: Browser, username: str) -> None:
    status = browser.submit(f"/u/{username}/", {}, action=f"/u/{username}/follow/")[0]
    if status != 302:
        sys.exit(f"bench: following {username} answered {status}")


def link_ids(page: bytes) -> set[str]:
    """Return the public ids of the links whose pages (`/url/<id>/`) a page points to."""
    return {link.decode() for link in re.findall(rb'href="/url/([A-Za-z0-9_-]+)/"', page)}


def exported_urls(document: bytes) -> set[str]:
    """Return the addresses in a Netscape bookmark file."""
    return {html.unescape(url) for url in re.findall(r'HREF="([^"]*)"', document.decode())}


# The benchmarks' shared data --------------------------------------------------------------------

DATABASE = "kwippy_bench"
PASSWORD = "a bench password, long enough"
# Change it when the data below changes: the next run then builds the database again.
LABEL = json.dumps({"bench data": 2})
# Where the benchmarks' gunicorn listens, shifted like every other port.
PORT = shifted(8900)


def bench_database(services) -> dict[str, str]:
    """Return the environment of `kwippy_bench`, building it first unless it is there.

    Six people: alice follows bob, and they share 30 public posts, the signed-in home page of the
    session benchmark; reader and three posters share 240 posts, a third of them private, the
    feeds of the feed benchmarks (the newest 50 of each feed are theirs).
    """
    env = environment(services, DATABASE)
    if database_label(services, DATABASE) == LABEL:
        return env
    say(f"{DATABASE}: building it (a minute)")
    database_create(services, DATABASE)
    manage(env, "migrate", "--noinput")
    with Server(env, PORT):
        people = {}
        for name in ("alice", "bob", "reader", "poster1", "poster2", "poster3"):
            people[name] = Browser(PORT)
            people[name].sign_up(name, PASSWORD)
        follow(people["alice"], "bob")
        for n in range(30):
            bookmark_add(
                people["alice" if n % 2 else "bob"],
                url=f"https://example.com/notes/{n}",
                title=f"An article worth keeping, number {n}",
                description="A short note about why this link matters. " * 2,
                tags=f"bench topic{n % 7} reading",
            )
        posters = [people[name] for name in ("reader", "poster1", "poster2", "poster3")]
        for i in range(240):
            fields = {
                "url": f"https://example.com/articles/{i}",
                "title": f"Article number {i} about things worth reading",
                "description": "A short note on why this link is worth keeping. " * 3,
                "tags": f"bench topic{i % 12}",
            }
            if i % 3 == 0:
                fields["is_private"] = "on"
            bookmark_add(posters[i % 4], **fields)
    database_label_set(services, DATABASE, LABEL)
    return env
