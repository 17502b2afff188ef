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
(Debian: `apt-get install wrk`). It works in the benchmarks' database (bench/site.py), where alice
follows bob, and signs alice in through each engine's own login form.
`--json` also writes the figures as data (bench/run.py reads them).
"""

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import site  # noqa: E402
from config.local_services import profile  # noqa: E402

ENGINES = ["db", "kwippy", "cache", "cached_db", "signed_cookies", "none"]
PAGES = {"minimal": "/bench/minimal/", "home": "/"}
# Shifted like every other port, so that two checkouts can bench side by side.
BASE_PORT = site.shifted(18700)


def environment(args, engine: str) -> dict[str, str]:
    env = site.environment(profile(args.profile), site.DATABASE, "bench.sessions_settings")
    return {**env, "KWIPPY_BENCH_ENGINE": engine, "ALLOWED_HOSTS": "127.0.0.1"}


def fetch(port: int, path: str, cookie: str) -> tuple[int, str]:
    browser = site.Browser(port)
    if cookie:
        browser.cookies["sessionid"] = cookie
    status, body = browser.get(path)
    return status, body.decode()


def sign_in(port: int) -> str:
    """Sign alice in through the login form of this engine's site; return her session cookie."""
    browser = site.Browser(port)
    if not browser.sign_in("alice", site.PASSWORD):
        sys.exit(f"bench: alice could not sign in on port {port}")
    return browser.cookies["sessionid"]


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

    # The benchmarks' data, and the table of Django's `db` engine (only these settings install it).
    site.bench_database(profile(args.profile))
    site.manage(environment(args, "db"), "migrate", "--noinput")

    servers: dict[str, tuple[int, site.Server]] = {}
    cookies: dict[str, str] = {}
    try:
        for offset, engine in enumerate(engines):
            port = BASE_PORT + offset
            servers[engine] = (
                port,
                site.Server(environment(args, engine), port, workers=args.workers),
            )
            servers[engine][1].start(ready_path=PAGES["minimal"])
            cookies[engine] = "" if engine == "none" else sign_in(port)
        for engine, (port, _) in servers.items():
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
            site.say(f"round {round_number + 1} of {args.rounds}")
            # Each page's engines back to back, in a rotating order: a change in the machine's
            # load meets them all alike, and each round's ratios compare neighbours in time.
            for page, page_engines in runs.items():
                shift = round_number % len(page_engines)
                for engine in page_engines[shift:] + page_engines[:shift]:
                    port = servers[engine][0]
                    rate = wrk(port, PAGES[page], cookies[engine], args.seconds, args.connections)
                    results[(engine, page)].append(rate)
                    if args.verbose:
                        site.say(f"{engine:<16}{page:<10}{rate:8.0f}")
        for engine, (port, _) in servers.items():
            expected = "hello nobody" if engine == "none" else "hello alice"
            if fetch(port, PAGES["minimal"], cookies[engine])[1].strip() != expected:
                sys.exit(f"bench: {engine} lost its session during the run; figures discarded")
    finally:
        for _, server in servers.values():
            server.stop()

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
