#!/usr/bin/env python3
"""Benchmark kwippy's session engine against Django's, on signed-in pages under gunicorn.

    python bench/sessions.py [--profile dev|test] [--rounds 8] [--seconds 2] [--engines db,kwippy,…]
                             [--json results.json]

Serves the same two signed-in pages, a minimal one (`/bench/minimal/`: the session and the user,
nothing else) and the home timeline with 20 posts, once per session engine: kwippy's, Django's
`db`, `cache`, `cached_db` and `signed_cookies`, and no session at all (minimal page only). Each
engine gets its own gunicorn (sync workers, persistent database connections) and its own signed-in
cookie; rounds alternate between them so drift hits all alike. Prints the median requests per
second of each and its ratio to `db`.

Needs the local services (`scripts/services up`; `--profile test` for the test ones) and `wrk`
(Debian: `apt-get install wrk`). It works in its own database, `kwippy_bench`, on that PostgreSQL.
`--json` also writes the figures as data (bench/run.py reads them).
"""

import argparse
import json
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from config.local_services import profile  # noqa: E402

ENGINES = ["db", "kwippy", "cache", "cached_db", "signed_cookies", "none"]
PAGES = {"minimal": "/bench/minimal/", "home": "/"}
# Shifted like every other port, so that two checkouts can bench side by side.
BASE_PORT = 18700 + int(os.environ.get("KWIPPY_PORT_OFFSET") or 0)
DATABASE = "kwippy_bench"
SETUP_CODE = """
import django
django.setup()
from django.conf import settings
from django.test import Client
from kwippy.accounts.models import Follow, User
from kwippy.posts import services

alice = User.objects.filter(username="alice").first()
if alice is None:
    alice = User.objects.create_user("alice", "alice@example.com", "bench-password")
    bob = User.objects.create_user("bob", "bob@example.com", "bench-password", display_name="Bob")
    Follow.objects.create(follower=alice, followee=bob)
    for n in range(30):
        services.post_create(
            user=alice if n % 2 else bob,
            url=f"https://example.com/articles/{n}",
            title=f"An article worth keeping, number {n}",
            description="A short note about why this link matters. " * 2,
            tags=["bench", f"topic{n % 7}", "reading"],
        )
client = Client()
client.force_login(alice)
print(client.cookies[settings.SESSION_COOKIE_NAME].value)
"""


def say(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def environment(args) -> dict[str, str]:
    services = profile(args.profile)
    database_url = services.database_url.rsplit("/", 1)[0] + f"/{DATABASE}"
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "bench.sessions_settings",
        "DATABASE_URL": database_url,
        "OBJECT_CACHE_URL": services.object_cache_url,
        "SESSION_CACHE_URL": services.session_cache_url,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
    }


def create_database(args) -> None:
    import psycopg

    services = profile(args.profile)
    with psycopg.connect(services.database_url, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]
        ).fetchone()
        if not exists:
            connection.execute(f"CREATE DATABASE {DATABASE}")


def run_django(env: dict, engine: str, what: str, *command: str) -> str:
    result = subprocess.run(
        [sys.executable, *command],
        cwd=ROOT,
        env={**env, "KWIPPY_BENCH_ENGINE": engine},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.exit(f"bench: {what} failed for {engine}:\n{result.stderr}")
    return result.stdout.strip()


def start_gunicorn(env: dict, engine: str, port: int, workers: int) -> subprocess.Popen:
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "config.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--log-level",
        "warning",
    ]
    env = {**env, "KWIPPY_BENCH_ENGINE": engine}
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)


def fetch(port: int, path: str, cookie: str) -> tuple[int, str]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}")
    if cookie:
        request.add_header("Cookie", f"sessionid={cookie}")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read().decode()
    except OSError as error:
        return getattr(error, "code", 0), ""


def wait_until_serving(port: int, cookie: str) -> None:
    deadline = time.monotonic() + 30
    while fetch(port, PAGES["minimal"], cookie)[0] != 200:
        if time.monotonic() > deadline:
            sys.exit(f"bench: gunicorn on port {port} did not answer")
        time.sleep(0.2)


def wrk(port: int, path: str, cookie: str, seconds: float, connections: int) -> float:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds:g}s"]
    if cookie:
        command += ["-H", f"Cookie: sessionid={cookie}"]
    output = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True
    ).stdout
    if "Non-2xx" in output:
        sys.exit(f"bench: {path} on port {port} answered errors:\n{output}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def measure(args) -> dict:
    """Run the rounds; return the settings, and per engine and page the rates and ratios."""
    engines = [engine for engine in ENGINES if engine in args.engines.split(",")]
    if "db" not in engines:
        sys.exit("bench: the ratios need the db engine")
    if not shutil.which("wrk"):
        sys.exit("bench: needs wrk (Debian: apt-get install wrk)")

    env = environment(args)
    create_database(args)
    run_django(env, "db", "migrate", "manage.py", "migrate", "--noinput", "-v0")
    cookies = {
        engine: run_django(env, engine, "sign-in", "-c", SETUP_CODE)
        for engine in engines
        if engine != "none"
    }
    cookies["none"] = ""

    servers = {}
    try:
        for offset, engine in enumerate(engines):
            servers[engine] = (
                BASE_PORT + offset,
                start_gunicorn(env, engine, BASE_PORT + offset, args.workers),
            )
        for engine, (port, _) in servers.items():
            wait_until_serving(port, cookies[engine])
            status, body = fetch(port, PAGES["minimal"], cookies[engine])
            expected = "hello nobody" if engine == "none" else "hello alice"
            if body.strip() != expected:
                sys.exit(f"bench: {engine} is not signed in: {status} {body!r}")
            if engine != "none" and "Your network" not in fetch(port, "/", cookies[engine])[1]:
                sys.exit(f"bench: {engine} does not serve the signed-in home page")

        runs = {
            page: [engine for engine in engines if not (engine == "none" and page == "home")]
            for page in PAGES
        }
        for page, page_engines in runs.items():  # warm up every worker
            for engine in page_engines:
                wrk(servers[engine][0], PAGES[page], cookies[engine], 1, args.connections)
        results: dict[tuple[str, str], list[float]] = {
            (engine, page): [] for page, page_engines in runs.items() for engine in page_engines
        }
        for round_number in range(args.rounds):
            say(f"round {round_number + 1} of {args.rounds}")
            # Each page's engines back to back, in a rotating order: a change in the machine's
            # load meets them all alike, and each round's ratios compare neighbours in time.
            for page, page_engines in runs.items():
                shift = round_number % len(page_engines)
                for engine in page_engines[shift:] + page_engines[:shift]:
                    port = servers[engine][0]
                    rate = wrk(port, PAGES[page], cookies[engine], args.seconds, args.connections)
                    results[(engine, page)].append(rate)
                    if args.verbose:
                        say(f"{engine:<16}{page:<10}{rate:8.0f}")
        for engine, (port, _) in servers.items():
            expected = "hello nobody" if engine == "none" else "hello alice"
            if fetch(port, PAGES["minimal"], cookies[engine])[1].strip() != expected:
                sys.exit(f"bench: {engine} lost its session during the run; figures discarded")
    finally:
        for _, process in servers.values():
            process.terminate()
        for _, process in servers.values():
            process.wait(timeout=30)

    figures: dict[str, dict] = {}
    for engine in engines:
        for page in PAGES:
            rates = results.get((engine, page))
            if rates is None:
                continue
            ratios = [rate / db for rate, db in zip(rates, results[("db", page)], strict=True)]
            figures.setdefault(engine, {})[page] = {
                "median_requests_per_second": round(statistics.median(rates), 1),
                "median_ratio_to_db": round(statistics.median(ratios), 3),
                "requests_per_second": [round(rate, 1) for rate in rates],
            }
    return {
        "workers": args.workers,
        "connections": args.connections,
        "rounds": args.rounds,
        "seconds": args.seconds,
        "pages": PAGES,
        "engines": figures,
    }


def print_table(result: dict) -> None:
    print(
        f"session engines, signed in: gunicorn {result['workers']} sync workers, "
        f"wrk -c{result['connections']}, {result['rounds']} alternating rounds of "
        f"{result['seconds']:g}s; median requests/s, and median of each round's ratio to db"
    )
    print(f"{'engine':<16}{'minimal page':>24}{'home, 20 posts':>24}")
    for engine, pages in result["engines"].items():
        cells = []
        for page in PAGES:
            figures = pages.get(page)
            if figures is None:
                cells.append(f"{'—':>24}")
                continue
            rate, ratio = figures["median_requests_per_second"], figures["median_ratio_to_db"]
            cells.append(f"{rate:>14.0f} ({ratio:4.2f}x)")
        print(f"{engine:<16}{''.join(cells)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profile", choices=["dev", "test"], default="dev")
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=2)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--verbose", action="store_true", help="print every measurement")
    parser.add_argument("--engines", default=",".join(ENGINES), help="comma-separated subset")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    result = measure(args)
    print_table(result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
