"""Serve a person with 100,000 bookmarks as well as a light one? Their pages beside the home page.

    KWIPPY_PORT_OFFSET=N python bench/person.py [--profile dev|test] [--bookmarks 100000]
                                                [--rounds 5] [--seconds 3] [--json results.json]

Builds, once, a database of its own (`kwippy_bench_person`, labelled with what it holds, kept for
later runs): a site of other people (`seed_demo`), and `heavy`, who signed up on the site, follows
twenty of them and imported `--bookmarks` bookmarks from a Netscape file written as a browser
writes one (bench/import_export.py: tags, private and to-read marks, folders). Then, against
gunicorn (2 sync workers, DEBUG=0) and with wrk (4 connections), signed in as `heavy`, it measures
the requests per second of the home page and of their own pages: their list, one of their tags,
all their tags and their reading list. Rounds alternate between the pages, so that the machine's
load meets them alike; each page's figure is the median of its rounds, and its ratio the median
of each round's ratio to the home page. The goal is half the home page's rate or better.
`--json` also writes the figures as data (bench/run.py reads them).
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.import_export import bookmark_file, generate
from bench.site import (
    PASSWORD,
    PORT,
    Browser,
    Server,
    database_create,
    database_label,
    database_label_set,
    environment,
    follow,
    manage,
    say,
)
from config.local_services import profile

DATABASE = "kwippy_bench_person"
PERSON = "heavy"
GOAL_RATIO = 0.5
FOLLOWED = 20
TAG_LINK = re.compile(rf'href="/u/{PERSON}/t/([^"/]+)/"')


def person_database(services, bookmarks: int, others: int) -> dict[str, str]:
    """Return the environment of the database, building it unless it holds this data already."""
    env = environment(services, DATABASE, "config.settings")
    people = max(10, others // 100)
    label = json.dumps({"person": bookmarks, "seed_demo": {"users": people, "posts": others}})
    if database_label(services, DATABASE) == label:
        say(f"{DATABASE}: {PERSON} with {bookmarks:,} bookmarks already there, kept")
        # Kept data, today's schema: the indexes measured are the ones the code has now.
        manage(env, "migrate", "--noinput", "-v0")
        return env
    say(f"{DATABASE}: {others:,} posts of {people:,} others, then {bookmarks:,} of {PERSON}")
    database_create(services, DATABASE)
    manage(env, "migrate", "--noinput", "-v0")
    seed = ["--users", str(people), "--posts", str(others), "--tags", str(max(100, others // 20))]
    manage(env, "seed_demo", *seed)
    with Server(env, PORT):
        browser = Browser(PORT)
        browser.sign_up(PERSON, PASSWORD)
        for number in range(min(FOLLOWED, people)):
            follow(browser, f"user{number}")
    with tempfile.NamedTemporaryFile(suffix=".html") as document:
        document.write(bookmark_file(generate(bookmarks, seed=1, run=PERSON)))
        document.flush()
        manage(env, "import_bookmarks", document.name, "--user", PERSON, "--unmarked-public")
    database_label_set(services, DATABASE, label)
    return env


def wrk(path: str, cookie: str, seconds: float, connections: int) -> tuple[float, float]:
    """Return the requests per second and the median latency in ms of one wrk run."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds:g}s", "--latency"]
    command += ["-H", f"Cookie: sessionid={cookie}", f"http://127.0.0.1:{PORT}{path}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in output:
        sys.exit(f"bench: {path} answered errors:\n{output}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    value, unit = re.search(r"\s50%\s+([\d.]+)(us|ms|s)", output).groups()
    return rate, float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def pages_of(browser: Browser) -> dict[str, str]:
    """Return the pages measured, by name: the home page first, the one the others are held to."""
    status, body = browser.get(f"/u/{PERSON}/tags/?sort=count")
    tags = TAG_LINK.findall(body.decode())
    if status != 200 or not tags:
        sys.exit(f"bench: {PERSON}'s tags page answered {status} with no tags")
    return {
        "home": "/",
        "their profile": f"/u/{PERSON}/",
        "their tag": f"/u/{PERSON}/t/{tags[0]}/",
        "their tags": f"/u/{PERSON}/tags/",
        "their to-read": f"/u/{PERSON}/toread/",
    }


def measure(args) -> dict:
    env = person_database(profile(args.profile), args.bookmarks, args.others)
    load_before = os.getloadavg()[0]
    say(f"load average before: {load_before:.2f} on {os.cpu_count()} cores")
    with Server(env, PORT, workers=args.workers):
        browser = Browser(PORT)
        if not browser.sign_in(PERSON, PASSWORD):
            sys.exit(f"bench: {PERSON} could not sign in")
        cookie = browser.cookies["sessionid"]
        pages = pages_of(browser)
        for name, path in pages.items():
            status, body = browser.get(path)
            if status != 200 or f'href="/u/{PERSON}/"'.encode() not in body:
                sys.exit(f"bench: {name} ({path}) answered {status}, or not to {PERSON}")
            wrk(path, cookie, 1, args.connections)  # warm-up: every worker, every cache
        rates = {name: [] for name in pages}
        latencies = {name: [] for name in pages}
        names = list(pages)
        for round_number in range(args.rounds):
            say(f"round {round_number + 1} of {args.rounds}")
            shift = round_number % len(names)
            for name in names[shift:] + names[:shift]:
                rate, latency = wrk(pages[name], cookie, args.seconds, args.connections)
                rates[name].append(rate)
                latencies[name].append(latency)
    load_after = os.getloadavg()[0]
    figures = {}
    for name, path in pages.items():
        ratios = [rate / home for rate, home in zip(rates[name], rates["home"], strict=True)]
        figures[name] = {
            "path": path.replace(PERSON, "<name>"),
            "median_requests_per_second": round(statistics.median(rates[name]), 1),
            "median_p50_ms": round(statistics.median(latencies[name]), 2),
            "median_ratio_to_home": round(statistics.median(ratios), 3),
            "requests_per_second": [round(rate, 1) for rate in rates[name]],
        }
    return {
        "bookmarks": args.bookmarks,
        "others_posts": args.others,
        "workers": args.workers,
        "connections": args.connections,
        "rounds": args.rounds,
        "seconds": args.seconds,
        "goal_ratio": GOAL_RATIO,
        "load_average_before": round(load_before, 2),
        "load_average_after": round(load_after, 2),
        "pages": figures,
    }


def print_table(result: dict) -> None:
    print(
        f"a person with {result['bookmarks']:,} bookmarks, signed in: gunicorn "
        f"{result['workers']} sync workers, wrk -c{result['connections']}, {result['rounds']} "
        f"alternating rounds of {result['seconds']:g}s"
    )
    print(f"{'page':<16}{'req/s':>8}{'p50 ms':>8}{'to home':>9}  goal >= {GOAL_RATIO}x")
    for name, figures in result["pages"].items():
        ratio = figures["median_ratio_to_home"]
        verdict = "" if name == "home" else ("met" if ratio >= GOAL_RATIO else "MISSED")
        print(
            f"{name:<16}{figures['median_requests_per_second']:>8.0f}"
            f"{figures['median_p50_ms']:>8.1f}{ratio:>8.2f}x  {verdict}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profile", choices=["dev", "test"], default="dev")
    parser.add_argument("--bookmarks", type=int, default=100_000, help="the heavy person's")
    parser.add_argument("--others", type=int, default=100_000, help="posts of everyone else")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=3)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("bench: needs wrk (scripts/services bench-tools, or apt-get install wrk)")
    started = time.monotonic()
    result = measure(args)
    print_table(result)
    say(f"took {time.monotonic() - started:.0f} s")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
