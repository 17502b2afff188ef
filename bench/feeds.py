"""Benchmark: what a feed poll costs, full or answered "not modified", side by side in one run.

    KWIPPY_PORT_OFFSET=N .venv/bin/python bench/feeds.py [--profile dev|test] [--rounds 100]
                                                          [--json results.json]

Serves the site with gunicorn under DEBUG=0, against the real PostgreSQL and memcached that
`scripts/services up --profile …` started, on the benchmarks' database (bench/site.py: four
people, 240 posts, a third of them private). Two gunicorns side by side: the site as configured,
and the same with bench/settings.py, which builds every feed document. Each round polls, in turn:

    public, built          /feeds/recent/ (50 items), built for the poll (bench/settings.py)
    public, cached         /feeds/recent/ as most polls find it: the document in memcached
    public, 304            /feeds/recent/ with the ETag the reader already has
    private, app password  /feeds/private/ (50 items) with Basic and an app password
    private, 304           the same with the ETag the reader already has

and prints the median of each and the ratios that matter. The goal: a 304 poll costs under a
third of a full feed. A script, not a test: it asserts nothing about time. `--json` also writes
the figures as data (bench/run.py reads them).
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.basic_auth import FEED_ITEMS, READER, app_password
from bench.site import (
    DATABASE,
    PORT,
    Browser,
    Server,
    basic_authorization,
    bench_database,
    environment,
)
from config.local_services import profile

PUBLIC = "/feeds/recent/"
PRIVATE = "/feeds/private/"
# The site as configured listens next to the one that builds every document.
CACHING_PORT = PORT + 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", choices=["dev", "test"], default="dev")
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    services = profile(args.profile)
    building_env = bench_database(services)
    caching_env = environment(services, DATABASE, "config.settings")
    credentials = {"Authorization": basic_authorization(READER, app_password(caching_env))}
    with Server(building_env, PORT), Server(caching_env, CACHING_PORT):
        etags = {}
        for path, headers in ((PUBLIC, {}), (PRIVATE, credentials)):
            status, response_headers, body, _ = Browser(CACHING_PORT).request(
                "GET", path, None, headers
            )
            if status != 200 or body.count(b"<item>") != FEED_ITEMS:
                sys.exit(f"{path} answered {status} with {body.count(b'<item>')} items")
            etags[path] = response_headers["ETag"]
        scenarios = {
            "public, built": (PORT, PUBLIC, {}, 200),
            "public, cached": (CACHING_PORT, PUBLIC, {}, 200),
            "public, 304": (CACHING_PORT, PUBLIC, {"If-None-Match": etags[PUBLIC]}, 304),
            "private, app password": (CACHING_PORT, PRIVATE, credentials, 200),
            "private, 304": (
                CACHING_PORT,
                PRIVATE,
                {**credentials, "If-None-Match": etags[PRIVATE]},
                304,
            ),
        }
        timings: dict[str, list[float]] = {name: [] for name in scenarios}
        for _ in range(args.rounds):
            for name, (port, path, headers, expected) in scenarios.items():
                started = time.perf_counter()
                status, _ = Browser(port).get(path, headers)
                elapsed = time.perf_counter() - started
                if status != expected:
                    sys.exit(f"{name}: {path} answered {status}, expected {expected}")
                timings[name].append(elapsed)

    medians = {name: statistics.median(samples) for name, samples in timings.items()}
    ratios = {
        "private 304 / private full": ("private, 304", "private, app password"),
        "public 304 / public built": ("public, 304", "public, built"),
        "public 304 / public cached": ("public, 304", "public, cached"),
    }
    result = {
        "workers": 2,
        "rounds": args.rounds,
        "feed_items": FEED_ITEMS,
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


if __name__ == "__main__":
    main()
