"""Benchmark: what HTTP Basic costs a feed poll, side by side with an anonymous feed.

    KWIPPY_PORT_OFFSET=N .venv/bin/python bench/basic_auth.py [--profile dev|test] [--rounds 60]
                                                               [--json results.json]

Serves bench/urls.py (a public feed and a Basic-guarded private feed of 50 posts each) with
gunicorn under DEBUG=0, against the real PostgreSQL and memcached that `scripts/services up
--profile …` started, with Django's production PBKDF2 hasher. The data lives in its own database,
`kwippy_bench`, on that cluster. Each round polls, in turn:

    anonymous        the public feed, no credentials
    app password     the private feed, Basic with an app password
    account, first   the private feed, Basic with the account password, nothing remembered
    account, repeat  the same again, with the successful check remembered

and the script prints the median of each and its ratio to the anonymous poll. The goal is an
app-password poll under 1.5x the anonymous one. A script, not a test: it asserts nothing about time.
`--json` also writes the figures as data (bench/run.py reads them).
"""

import argparse
import http.client
import json
import os
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from config.local_services import profile  # noqa: E402

DATABASE = "kwippy_bench"
PASSWORD = "a bench password, long enough"
# Shifted like every other port, so that two checkouts can bench side by side.
PORT = 8900 + int(os.environ.get("KWIPPY_PORT_OFFSET") or 0)


def _environment(services, settings_module: str = "bench.settings") -> dict[str, str]:
    url = services.database_url.rsplit("/", 1)[0] + f"/{DATABASE}"
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings_module,
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "DATABASE_URL": url,
        "OBJECT_CACHE_URL": services.object_cache_url,
        "SESSION_CACHE_URL": services.session_cache_url,
    }


def _create_database(services) -> None:
    import psycopg

    admin = services.database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone():
            conn.execute(f"CREATE DATABASE {DATABASE}")


def prepare_database(services, settings_module: str = "bench.settings") -> dict[str, str]:
    """Create and migrate the bench database, set Django up on it here; return gunicorn's env."""
    env = _environment(services, settings_module=settings_module)
    _create_database(services)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    os.environ.update(env)
    import django

    django.setup()
    return env


def _seed() -> tuple[str, str]:
    """Fill the bench database once; return the reader's username and a fresh app password."""
    from kwippy.accounts.models import User
    from kwippy.auth.models import AppPassword
    from kwippy.auth.services import app_password_create
    from kwippy.posts.services import post_create

    reader = User.objects.filter(username="reader").first()
    if reader is None:
        reader = User.objects.create_user("reader", email="reader@example.com", password=PASSWORD)
        others = [User.objects.create_user(f"poster{i}", password=PASSWORD) for i in range(1, 4)]
        for i in range(240):
            post_create(
                user=[reader, *others][i % 4],
                url=f"https://example.com/articles/{i}",
                title=f"Article number {i} about things worth reading",
                description="A short note on why this link is worth keeping. " * 3,
                tags=["bench", f"topic{i % 12}"],
                is_private=i % 3 == 0,
            )
    AppPassword.objects.filter(user=reader).delete()
    _, secret = app_password_create(user=reader, name="bench feed reader")
    return "reader", secret


def _poll(
    path: str, authorization: str | None = None, headers: dict[str, str] | None = None
) -> tuple[float, int, bytes]:
    headers = dict(headers or {})
    if authorization:
        headers["Authorization"] = authorization
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed, response.status, body


def _start_gunicorn(env: dict[str, str], ready_path: str = "/feeds/public/") -> subprocess.Popen:
    server = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "config.wsgi",
            "--bind", f"127.0.0.1:{PORT}", "--workers", "2",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while True:
        try:
            if _poll(ready_path)[1] == 200:
                return server
        except OSError:
            pass
        if time.monotonic() > deadline or server.poll() is not None:
            server.kill()
            sys.exit("gunicorn did not start: " + server.stderr.read().decode()[-2000:])
        time.sleep(0.2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", choices=["dev", "test"], default="dev")
    parser.add_argument("--rounds", type=int, default=60)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    env = prepare_database(profile(args.profile))
    from django.conf import settings
    from django.core.cache import cache

    from kwippy.accounts.models import User
    from kwippy.auth.backends import _remembered_check_key
    from kwippy.auth.basic import basic_authorization

    username, secret = _seed()
    reader = User.objects.get(username=username)
    forget_account_check = _remembered_check_key(reader, PASSWORD)
    scenarios = {
        "anonymous, public feed": ("/feeds/public/", None),
        "app password, private feed": ("/feeds/private/", basic_authorization(username, secret)),
        "account password, first poll": (
            "/feeds/private/",
            basic_authorization(username, PASSWORD),
        ),
        "account password, repeat poll": (
            "/feeds/private/",
            basic_authorization(username, PASSWORD),
        ),
    }
    server = _start_gunicorn(env)
    try:
        for path, authorization in scenarios.values():  # warm up, and check every poll works
            _, status, body = _poll(path, authorization)
            if status != 200 or body.count(b"<item>") != 50:
                sys.exit(f"{path} answered {status} with {body.count(b'<item>')} items")
        timings: dict[str, list[float]] = {name: [] for name in scenarios}
        for _ in range(args.rounds):
            for name, (path, authorization) in scenarios.items():
                if name == "account password, first poll":
                    cache.delete(forget_account_check)
                elapsed, status, _ = _poll(path, authorization)
                if status != 200:
                    sys.exit(f"{name}: {path} answered {status}")
                timings[name].append(elapsed)
    finally:
        server.terminate()
        server.wait(timeout=10)

    hasher = settings.PASSWORD_HASHERS[0].rsplit(".", 1)[1]
    baseline = statistics.median(timings["anonymous, public feed"])
    result = {
        "workers": 2,
        "hasher": hasher,
        "rounds": args.rounds,
        "feed_items": 50,
        "polls": {
            name: {
                "median_ms": round(statistics.median(samples) * 1000, 3),
                "ratio_to_anonymous": round(statistics.median(samples) / baseline, 3),
            }
            for name, samples in timings.items()
        },
    }
    print_table(result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")


def print_table(result: dict) -> None:
    print(
        f"Basic auth feed polls: gunicorn ({result['workers']} workers, DEBUG=0), "
        f"{result['hasher']}, {result['rounds']} rounds, 50-item RSS feeds, medians"
    )
    for name, figures in result["polls"].items():
        print(
            f"  {name:32} {figures['median_ms']:8.2f} ms   "
            f"{figures['ratio_to_anonymous']:6.2f}x anonymous"
        )
    ratio = result["polls"]["app password, private feed"]["ratio_to_anonymous"]
    verdict = "met" if ratio < 1.5 else "NOT met"
    print(f"goal: app-password poll < 1.5x anonymous: {ratio:.2f}x, {verdict}")


if __name__ == "__main__":
    main()
