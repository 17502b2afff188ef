"""Benchmark: what HTTP Basic costs a feed poll, side by side with an anonymous feed.

    KWIPPY_PORT_OFFSET=N .venv/bin/python bench/basic_auth.py [--profile dev|test] [--rounds 60]
                                                               [--json results.json]

Serves the site with bench/settings.py (as deployed, with the production PBKDF2 hasher, except
that every feed document is built for each poll, the public ones too) under gunicorn and DEBUG=0,
against the real PostgreSQL and memcached that `scripts/services up --profile …` started, on the
benchmarks' database (bench/site.py: `kwippy_bench`). Each round polls, in turn:

    anonymous        /feeds/recent/ (50 items), no credentials
    app password     /feeds/private/ (50 items), Basic with an app password
    account, first   the private feed, Basic with the account password, after the object cache
                     was emptied: nothing remembered (nor cached: a restarted memcached's case)
    account, repeat  the same again, with the successful check remembered

and the script prints the median of each and its ratio to the anonymous poll. The goal is an
app-password poll under 1.5x the anonymous one. A script, not a test: it asserts nothing about time.
`--json` also writes the figures as data (bench/run.py reads them).
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.site import (
    PASSWORD,
    PORT,
    Browser,
    Server,
    basic_authorization,
    bench_database,
    manage,
    object_cache_flush,
)
from config.local_services import profile

FEED_ITEMS = 50
READER = "reader"
HASHER = "from django.conf import settings; print(settings.PASSWORD_HASHERS[0].rsplit('.', 1)[1])"


def app_password(env: dict[str, str]) -> str:
    """Return a fresh app password of the reader's, in place of the last run's."""
    output = manage(env, "create_app_password", "--user", READER, "bench feed reader", "--replace")
    return output.strip()


def poll(path: str, headers: dict[str, str]) -> tuple[float, int, bytes]:
    started = time.perf_counter()
    status, body = Browser(PORT).get(path, headers)
    return time.perf_counter() - started, status, body


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", choices=["dev", "test"], default="dev")
    parser.add_argument("--rounds", type=int, default=60)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    services = profile(args.profile)
    env = bench_database(services)
    with_app_password = {"Authorization": basic_authorization(READER, app_password(env))}
    with_account_password = {"Authorization": basic_authorization(READER, PASSWORD)}
    scenarios = {
        "anonymous, public feed": ("/feeds/recent/", {}),
        "app password, private feed": ("/feeds/private/", with_app_password),
        "account password, first poll": ("/feeds/private/", with_account_password),
        "account password, repeat poll": ("/feeds/private/", with_account_password),
    }
    with Server(env, PORT):
        for path, headers in scenarios.values():  # warm up, and check every poll works
            _, status, body = poll(path, headers)
            if status != 200 or body.count(b"<item>") != FEED_ITEMS:
                sys.exit(f"{path} answered {status} with {body.count(b'<item>')} items")
        timings: dict[str, list[float]] = {name: [] for name in scenarios}
        for _ in range(args.rounds):
            for name, (path, headers) in scenarios.items():
                if name == "account password, first poll":
                    object_cache_flush(services)
                elapsed, status, _ = poll(path, headers)
                if status != 200:
                    sys.exit(f"{name}: {path} answered {status}")
                timings[name].append(elapsed)

    baseline = statistics.median(timings["anonymous, public feed"])
    result = {
        "workers": 2,
        "hasher": manage(env, "shell", "--no-imports", "-c", HASHER).strip(),
        "rounds": args.rounds,
        "feed_items": FEED_ITEMS,
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
