"""Benchmark: what a feed poll costs, full or answered "not modified", side by side in one run.

    KWIPPY_PORT_OFFSET=N .venv/bin/python bench/feeds.py [--profile dev|test] [--rounds 100]
                                                          [--json results.json]

Serves the real site (config.urls) with gunicorn under DEBUG=0, against the real PostgreSQL and
memcached that `scripts/services up --profile …` started, on the bench database and data of
bench/basic_auth.py (four people, 240 posts, a third of them private). Each round polls, in turn:

    public, built          /feeds/recent/ (50 items) with the object cache emptied first
    public, cached         /feeds/recent/ as most polls find it: the document in memcached
    public, 304            /feeds/recent/ with the ETag the reader already has
    private, app password  /feeds/private/ (50 items) with Basic and an app password
    private, 304           the same with the ETag the reader already has

and prints the median of each and the ratios that matter. The goal: a 304 poll costs under a
third of a full feed. A script, not a test: it asserts nothing about time. `--json` also writes
the figures as data (bench/run.py reads them).
"""

import argparse
import http.client
import json
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.basic_auth import (  # noqa: E402
    PORT,
    _poll,
    _seed,
    _start_gunicorn,
    prepare_database,
)
from config.local_services import profile  # noqa: E402

PUBLIC = "/feeds/recent/"
PRIVATE = "/feeds/private/"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", choices=["dev", "test"], default="dev")
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    env = prepare_database(profile(args.profile), settings_module="config.settings")
    from django.core.cache import cache

    from kwippy.auth.basic import basic_authorization

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
    ratios = {
        "private 304 / private full": ("private, 304", "private, app password"),
        "public 304 / public built": ("public, 304", "public, built"),
        "public 304 / public cached": ("public, 304", "public, cached"),
    }
    result = {
        "workers": 2,
        "rounds": args.rounds,
        "feed_items": 50,
        "polls": {name: {"median_ms": round(median * 1000, 3)} for name, median in medians.items()},
        "ratios": {
            label: round(medians[part] / medians[whole], 3)
            for label, (part, whole) in ratios.items()
        },
    }
    print_table(result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")


def print_table(result: dict) -> None:
    print(
        f"Feed polls: gunicorn ({result['workers']} workers, DEBUG=0), {result['rounds']} rounds, "
        "50-item RSS feeds, medians"
    )
    for name, figures in result["polls"].items():
        print(f"  {name:24} {figures['median_ms']:8.2f} ms")
    for label, ratio in result["ratios"].items():
        print(f"  {label:28} {ratio:5.2f}")
    for label in ("private 304 / private full", "public 304 / public built"):
        ratio = result["ratios"][label]
        print(f"goal: {label} < 0.33: {ratio:.2f}, {'met' if ratio < 1 / 3 else 'NOT met'}")


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
