"""Fetch throughput: pages fetched, read and kept per second, by one job worker and by two.

    KWIPPY_PORT_OFFSET=N python bench/fetching.py [--profile dev|test] [--pages 300]
                                                  [--hosts 150] [--json results.json]

On a database of its own (`kwippy_bench_fetch`, built afresh and dropped at the end) and gunicorn,
a person saves `--pages` bare URLs on the add page, with no job worker running: each save queues
its link's fetch on the interactive lane. The URLs are articles of about 20 KB of text in 25 KB
of markup, on `--hosts` local sites (bench/websites.py: one per loopback address, so that the
fetcher's per-host limits spread the work as the web would). Then the lane is started as one
worker process (`manage.py jobs_worker --concurrency=1`) until every page is read; then a second
person saves as many other URLs and two such processes read them. The figure is pages a second
from the first page kept to the last (so a worker's start-up is not counted), each page fetched
over HTTP, its metadata and main text read (trafilatura), and its row written.

The benchmark imports nothing of kwippy's: it saves through the add page and reads the results
in the database. A script, not a test: it prints figures, it asserts none.
"""

import argparse
import itertools
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.site import (
    PASSWORD,
    PORT,
    ROOT,
    WEB_WORKERS,
    Browser,
    Server,
    bookmark_add,
    database_create,
    environment,
    manage,
    postgres,
    say,
    shifted,
)
from bench.websites import Articles
from config.local_services import profile

DATABASE = "kwippy_bench_fetch"
SITES_PORT = shifted(8950)
# How long one phase may take before the benchmark gives up.
WAIT = 600


def saved_by(browser: Browser, urls: list[str]) -> None:
    for url in urls:
        bookmark_add(browser, url=url, title="")


def kept_times(services, urls: list[str]) -> list[float]:
    """Return when each of these URLs' pages was checked (epoch seconds), for those checked."""
    rows = postgres(
        services,
        "SELECT extract(epoch FROM page.checked_at) FROM posts_linkpage page "
        "JOIN posts_link link ON link.id = page.link_id "
        "WHERE link.url = ANY(%s) AND page.checked_at IS NOT NULL",
        (urls,),
        database=DATABASE,
    )
    return sorted(float(row[0]) for row in rows)


def titled(services, urls: list[str]) -> int:
    rows = postgres(
        services,
        "SELECT count(*) FROM posts_linkpage page JOIN posts_link link ON link.id = page.link_id "
        "WHERE link.url = ANY(%s) AND page.title <> '' AND page.text <> ''",
        (urls,),
        database=DATABASE,
    )
    return rows[0][0]


def workers_read(env: dict[str, str], services, urls: list[str], *, processes: int) -> dict:
    """Start `processes` interactive workers, wait until every URL's page is kept, stop them."""
    lanes = [
        subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "jobs_worker",
                f"--name=fetch{n}",
                "--queues=interactive",
                "--concurrency=1",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for n in range(processes)
    ]
    try:
        deadline = time.monotonic() + WAIT
        while len(times := kept_times(services, urls)) < len(urls):
            if time.monotonic() > deadline:
                sys.exit(f"bench: {len(times)} of {len(urls)} pages read after {WAIT} s")
            time.sleep(0.5)
    finally:
        for lane in lanes:
            lane.terminate()
        for lane in lanes:
            lane.wait(timeout=30)
    span = times[-1] - times[0]
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    return {
        "workers": processes,
        "pages": len(urls),
        "with_title_and_text": titled(services, urls),
        "seconds": round(span, 2),
        "pages_per_second": round((len(urls) - 1) / span, 1),
        "median_gap_ms": round(statistics.median(gaps) * 1000, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", choices=["dev", "test"], default="dev")
    parser.add_argument("--pages", type=int, default=300, help="pages read in each phase")
    parser.add_argument("--hosts", type=int, default=150, help="local sites serving them")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    options = parser.parse_args()
    services = profile(options.profile)
    env = {
        **environment(services, DATABASE),
        # The local sites are on loopback, which the fetcher refuses unless told otherwise.
        "LINK_FETCH_ALLOWED_NETWORKS": "127.0.0.0/8",
    }
    print(
        f"kwippy fetch benchmark: {options.pages} pages a phase on {options.hosts} local sites, "
        "read by 1 and by 2 interactive workers"
    )
    database_create(services, DATABASE)
    manage(env, "migrate", "--noinput")
    phases = []
    try:
        with (
            Articles(hosts=options.hosts, port=SITES_PORT) as sites,
            Server(env, PORT, workers=WEB_WORKERS),
        ):
            for processes in (1, 2):
                urls = [
                    sites.url(n)
                    for n in range(processes * 100_000, processes * 100_000 + options.pages)
                ]
                browser = Browser(PORT)
                browser.sign_up(f"reader{processes}", PASSWORD)
                say(f"fetching: saving {len(urls)} bare URLs")
                saved_by(browser, urls)
                say(f"fetching: {processes} worker(s) reading them")
                phases.append(workers_read(env, services, urls, processes=processes))
    finally:
        postgres(services, f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    header = f"{'workers':<9}{'pages':>7}{'kept whole':>12}{'seconds':>9}{'pages/s':>9}"
    print(f"{header}{'median gap ms':>15}")
    for phase in phases:
        print(
            f"{phase['workers']:<9}{phase['pages']:>7}{phase['with_title_and_text']:>12}"
            f"{phase['seconds']:>9.1f}{phase['pages_per_second']:>9.1f}{phase['median_gap_ms']:>15.1f}"
        )
    if options.json:
        figures = {"pages": options.pages, "hosts": options.hosts, "phases": phases}
        options.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
