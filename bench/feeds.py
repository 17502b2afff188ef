"""Benchmark: what a feed poll costs, full or answered "not modified", side by side in one run.

    KWIPPY_PORT_OFFSET=N .venv/bin/python bench/feeds.py [--profile dev|test] [--rounds 100]

Serves the real site (config.urls) with gunicorn under DEBUG=0, against the real PostgreSQL and
memcached that `scripts/services up --profile …` started, on the bench database and data of
bench/basic_auth.py (four people, 240 posts, a third of them private). Each round polls, in turn:

    public, built          /feeds/recent/ (50 items) with the object cache emptied first
    public, cached         /feeds/recent/ as most polls find it: the document in memcached
    public, 304            /feeds/recent/ with the ETag the reader already has
    private, app password  /feeds/private/ (50 items) with Basic and an app password
    private, 304           the same with the ETag the reader already has

and prints the median of each and the ratios that matter. The goal: a 304 poll costs under a
third of a full feed. A script, not a test: it asserts nothing about time.
"""

import argparse
import http.client
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.basic_auth import (  # noqa: E402
    PORT,
    _create_database,
    _environment,
    _poll,
    _seed,
    _start_gunicorn,
)
from config.local_services import profile  # noqa: E402

PUBLIC = "/feeds/recent/"
PRIVATE = "/feeds/private/"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", choices=["dev", "test"], default="dev")
    parser.add_argument("--rounds", type=int, default=100)
    args = parser.parse_args()
    services = profile(args.profile)
    env = _environment(services, settings_module="config.settings")
    _create_database(services)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    os.environ.update(env)
    import django

    django.setup()
    from django.core.cache import cache

    from kwippy.httpauth.basic import basic_authorization

    username, secret = _seed()
    app_password = basic_authorization(username, secret)
    server = _start_gunicorn(env, ready_path=PUBLIC)
    try:
        etags = {}
        for path, authorization in ((PUBLIC, None), (PRIVATE, app_password)):
            _, status, body = _poll(path, authorization)  # warm up, and check the feeds
            if status != 200 or body.count(b"<item>") != 50:
                sys.exit(f"{path} answered {status} with {body.count(b'<item>')} items")
            etags[path] = _etag(path, authorization)
        scenarios = {
            "public, built": (PUBLIC, None, {}, 200),
            "public, cached": (PUBLIC, None, {}, 200),
            "public, 304": (PUBLIC, None, {"If-None-Match": etags[PUBLIC]}, 304),
            "private, app password": (PRIVATE, app_password, {}, 200),
            "private, 304": (PRIVATE, app_password, {"If-None-Match": etags[PRIVATE]}, 304),
        }
        timings: dict[str, list[float]] = {name: [] for name in scenarios}
        for _ in range(args.rounds):
            for name, (path, authorization, headers, expected) in scenarios.items():
                if name == "public, built":
                    cache.clear()
                elapsed, status, _ = _poll(path, authorization, headers)
                if status != expected:
                    sys.exit(f"{name}: {path} answered {status}, expected {expected}")
                timings[name].append(elapsed)
    finally:
        server.terminate()
        server.wait(timeout=10)

    medians = {name: statistics.median(samples) for name, samples in timings.items()}
    print(
        f"Feed polls: gunicorn (2 workers, DEBUG=0), {args.rounds} rounds, "
        "50-item RSS feeds, medians"
    )
    for name, median in medians.items():
        print(f"  {name:24} {median * 1000:8.2f} ms")
    ratios = [
        ("private 304 / private full", medians["private, 304"], medians["private, app password"]),
        ("public 304 / public built", medians["public, 304"], medians["public, built"]),
        ("public 304 / public cached", medians["public, 304"], medians["public, cached"]),
    ]
    for label, part, whole in ratios:
        print(f"  {label:28} {part / whole:5.2f}")
    for label, part, whole in ratios[:2]:
        verdict = "met" if part / whole < 1 / 3 else "NOT met"
        print(f"goal: {label} < 0.33: {part / whole:.2f}, {verdict}")


def _etag(path: str, authorization: str | None) -> str:
    """Return the ETag the feed sends now."""
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    conn.request("GET", path, headers={"Authorization": authorization} if authorization else {})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.getheader("ETag")


if __name__ == "__main__":
    main()
