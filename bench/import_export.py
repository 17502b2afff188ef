"""Time a large Netscape import and export through the site, as a person does them.

    KWIPPY_PORT_OFFSET=N python bench/import_export.py [--profile dev|test] [--bookmarks 100000]
                                                       [--repeat 1] [--per-post 1000]
                                                       [--clients 2] [--visitor-interval 0.2]
                                                       [--idle-seconds 20]
                                                       [--json results.json]

Writes a bookmark file shaped like a long-lived account (folders, tags, descriptions, private and
to-read marks, a few duplicates and unsafe URLs), then, against gunicorn (DEBUG=0, the workers
`make run` gives it, the timeouts of the deployed site) and a job worker's two lanes on a database
of its own (`kwippy_bench_import`, built afresh and dropped at the end), for a new person each run:
uploads it on the import page and follows the import's page until the job's summary shows (upload
to summary, as a person waits), uploads it again (the no-change path), and downloads the export.
For scale it also times saving a sample one bookmark at a time through the API (`posts/add` with an
app password).

Meanwhile other people read the site: while each first upload runs to its summary, `--clients`
visitors each request the home page, a person's profile, one of their tags and a search in turn,
one request every `--visitor-interval` seconds; the same visitors read the same pages for
`--idle-seconds` before any import, on the idle site. The two sets of p50/p95 side by side show
what an import costs everybody else. The pages are a neighbour's, whose few bookmarks use words and
tags the generated file does not, so that only the load differs, not what the pages hold (the home
page alone also shows the importer's public bookmarks, as it would). A script, not a test: it
prints times, it asserts none. `--json` also writes the figures as data (bench/run.py reads them).
"""

import argparse
import html
import json
import random
import re
import statistics
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.site import (
    PASSWORD,
    PORT,
    WEB_WORKERS,
    Browser,
    Server,
    basic_authorization,
    bookmark_add,
    database_create,
    environment,
    exported_urls,
    manage,
    postgres,
)
from config.local_services import profile

DATABASE = "kwippy_bench_import"
# How long an upload may take to reach its summary before the benchmark gives up.
IMPORT_WAIT = 600
IMPORT_GOAL = 60.0
EXPORT_GOAL = 10.0
# The 95th percentile every page should stay under, import or not (bench/pages.py's goal).
PAGE_GOAL_MS = 100.0
# The neighbour whose pages the visitors read; none of these words is in WORDS.
NEIGHBOUR = "neighbour"
NEIGHBOUR_TAGS = ["gardening", "allotment", "compost", "seeds", "orchard"]
WORDS = [
    "python",
    "django",
    "postgres",
    "memcached",
    "cache",
    "http",
    "css",
    "design",
    "typography",
    "recipe",
    "cooking",
    "linux",
    "kernel",
    "network",
    "security",
    "privacy",
    "rust",
    "golang",
    "javascript",
    "browser",
    "search",
    "index",
    "queue",
    "async",
    "testing",
    "deploy",
    "docker",
    "music",
    "film",
    "books",
    "history",
    "science",
    "math",
    "physics",
    "travel",
    "maps",
    "photo",
]
COUNT = re.compile(r"<dt>([^<]+)</dt><dd>([\d,]+)</dd>")
DUPLICATES = re.compile(r"the later copy was kept\): ([\d,]+)")


class Bookmark(NamedTuple):
    folders: tuple[str, ...]
    url: str
    added: int
    private: bool
    to_read: bool
    tags: list[str]
    title: str
    description: str


def generate(count: int, seed: int, run: str) -> list[Bookmark]:
    """Return `count` bookmarks in file order, grouped in folders as browsers write them."""
    rng = random.Random(seed)
    vocabulary = [f"{rng.choice(WORDS)}-{i}" if i >= len(WORDS) else WORDS[i] for i in range(3000)]
    folders = [()] + [
        (rng.choice(WORDS).title(),) + ((rng.choice(WORDS).title(),) if rng.random() < 0.4 else ())
        for _ in range(60)
    ]
    start = datetime(2008, 1, 1, tzinfo=UTC).timestamp()
    bookmarks = []
    for i in range(count):
        roll = rng.random()
        if roll < 0.005:
            url = f"javascript:void(bookmarklet{i})"
        elif roll < 0.01 and bookmarks:
            url = rng.choice(bookmarks).url  # a duplicate: the later copy wins
        else:
            host = f"{rng.choice(WORDS)}{rng.randrange(20000)}.example"
            url = f"https://{host}/{run}/{i}/{rng.getrandbits(40):010x}?ref=bench&amp=1"
        bookmarks.append(
            Bookmark(
                folders=folders[rng.randrange(len(folders))] if rng.random() < 0.5 else (),
                url=url,
                added=int(start + rng.random() * 16 * 365 * 86400),
                private=rng.random() < 0.2,
                to_read=rng.random() < 0.1,
                tags=rng.sample(vocabulary, k=rng.choice((0, 1, 2, 3, 3, 4, 5))),
                title=" ".join(rng.choices(WORDS, k=rng.randint(2, 9))).capitalize(),
                description=(
                    " ".join(rng.choices(WORDS, k=rng.randint(5, 40))) if rng.random() < 0.3 else ""
                ),
            )
        )
    bookmarks.sort(key=lambda bookmark: bookmark.folders)
    return bookmarks


def bookmark_file(bookmarks: list[Bookmark]) -> bytes:
    """Return the bookmarks as a Netscape bookmark file.

    Written here as a browser would write it, not by kwippy: what is measured must not also make
    its own input.
    """
    lines = [
        "<!DOCTYPE NETSCAPE-Bookmark-file-1>",
        '<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">',
        "<TITLE>Bookmarks</TITLE>",
        "<H1>Bookmarks</H1>",
        "<DL><p>",
    ]
    path: tuple[str, ...] = ()
    for bookmark in bookmarks:
        if bookmark.folders != path:
            lines += ["</DL><p>"] * len(path)
            for name in bookmark.folders:
                lines += [f"<DT><H3>{html.escape(name)}</H3>", "<DL><p>"]
            path = bookmark.folders
        attributes = {
            "HREF": bookmark.url,
            "ADD_DATE": bookmark.added,
            "PRIVATE": int(bookmark.private),
            "TOREAD": int(bookmark.to_read),
            "TAGS": ",".join(bookmark.tags),
        }
        shown = " ".join(
            f'{name}="{html.escape(str(value))}"' for name, value in attributes.items()
        )
        lines.append(f"<DT><A {shown}>{html.escape(bookmark.title, quote=False)}</A>")
        if bookmark.description:
            lines.append(f"<DD>{html.escape(bookmark.description, quote=False)}")
    lines += ["</DL><p>"] * len(path) + ["</DL><p>", ""]
    return "\n".join(lines).encode()


def kept_urls(bookmarks: list[Bookmark]) -> set[str]:
    """Return the addresses kwippy keeps: the generated ones are already in its stored form."""
    return {bookmark.url for bookmark in bookmarks if bookmark.url.startswith("https:")}


def timed(action):
    started = time.perf_counter()
    value = action()
    return time.perf_counter() - started, value


def upload(browser: Browser, document: bytes) -> dict[str, int]:
    """Import the file on the import page, follow its progress page to the summary, and return
    the counts the summary shows: upload to summary, as a person waits for it."""
    progress = import_start(browser, document)
    deadline = time.monotonic() + IMPORT_WAIT
    while True:
        status, page = browser.get(progress)
        if status != 200:
            sys.exit(f"bench: the import's page answered {status}")
        if b"data-follow-import" not in page:
            break
        if time.monotonic() > deadline:
            sys.exit(f"bench: the import was not finished after {IMPORT_WAIT} s")
        time.sleep(0.1)
    text = page.decode()
    if "Import finished" not in text:
        sys.exit("bench: the import failed")
    counts = {name: int(value.replace(",", "")) for name, value in COUNT.findall(text)}
    duplicates = DUPLICATES.search(text)
    counts["duplicates"] = int(duplicates.group(1).replace(",", "")) if duplicates else 0
    return counts


def import_start(browser: Browser, document: bytes) -> str:
    """Send the file through the import page; return the path of the import's page."""
    status, headers, _, detail = browser.submit(
        "/import/", {"folders_as_tags": "on"}, files={"file": ("bookmarks.html", document)}
    )
    if status != 302:
        sys.exit(f"bench: the import answered {status or detail}")
    return headers["Location"]


def export(browser: Browser) -> bytes:
    status, document = browser.get("/export/")
    if status != 200:
        sys.exit(f"bench: the export answered {status}")
    return document


def add_one_by_one(env: dict[str, str], sample: list[Bookmark]) -> float:
    """Save these bookmarks through the API, one call each; return the seconds each took."""
    Browser(PORT).sign_up("one-by-one", PASSWORD)
    secret = manage(env, "create_app_password", "--user", "one-by-one", "bench").strip()
    headers = {"Authorization": basic_authorization("one-by-one", secret)}
    browser = Browser(PORT)
    started = time.perf_counter()
    for bookmark in sample:
        query = {
            "url": bookmark.url,
            "description": bookmark.title,
            "extended": bookmark.description,
            "tags": " ".join(bookmark.tags),
            "dt": datetime.fromtimestamp(bookmark.added, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "shared": "no" if bookmark.private else "yes",
            "toread": "yes" if bookmark.to_read else "no",
        }
        status, _ = browser.get(f"/api/v1/posts/add?{urlencode(query)}", headers)
        if status != 200:
            sys.exit(f"bench: posts/add answered {status}")
    return (time.perf_counter() - started) / len(sample)


def neighbour_pages() -> dict[str, str]:
    """Give the neighbour 40 public bookmarks; return the pages the visitors read, by name."""
    browser = Browser(PORT)
    browser.sign_up(NEIGHBOUR, PASSWORD)
    for n in range(40):
        bookmark_add(
            browser,
            url=f"https://garden{n}.example/notes/{n}",
            title=f"Allotment diary, week {n}: {NEIGHBOUR_TAGS[n % 5]} and rhubarb",
            description="What grew, what the slugs ate, and what to sow next. " * 2,
            tags=f"{NEIGHBOUR_TAGS[n % 5]} {NEIGHBOUR_TAGS[(n + 1) % 5]}",
        )
    return {
        "home (visitor)": "/",
        "profile": f"/u/{NEIGHBOUR}/",
        "tag": f"/t/{NEIGHBOUR_TAGS[0]}/",
        "search": "/search/?q=rhubarb",
    }


class Visitors:
    """`count` visitors, each a thread requesting `pages` in turn until stopped, one every
    `interval` seconds (or as soon as the last answer came, when that took longer).

    Paced, not as fast as answers come: people reading pages leave the server time between
    requests, and two visitors with no pause would keep two of its three workers busy on their
    own, measuring a server they saturate rather than the import's cost. Their times are kept per
    page name. Threads, not processes: they spend their time waiting.
    """

    def __init__(self, pages: dict[str, str], count: int, interval: float):
        self.pages, self.count, self.interval = pages, count, interval
        self.times: dict[str, list[float]] = {name: [] for name in pages}
        self.failures = 0
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def _visit(self, offset: int) -> None:
        browser = Browser(PORT)
        names = list(self.pages)
        turn = offset
        # Visitors start apart, not in step.
        self._stop.wait(self.interval * offset / self.count)
        while not self._stop.is_set():
            name = names[turn % len(names)]
            turn += 1
            started = time.perf_counter()
            status, _ = browser.get(self.pages[name])
            elapsed = time.perf_counter() - started
            if status == 200:
                self.times[name].append(elapsed * 1000)
            else:
                self.failures += 1
            self._stop.wait(max(0.0, self.interval - elapsed))

    def __enter__(self) -> "Visitors":
        self._threads = [
            threading.Thread(target=self._visit, args=(n,), daemon=True) for n in range(self.count)
        ]
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join()

    def figures(self) -> dict[str, dict]:
        """Return p50, p95 and max per page, in ms, and how many requests each had."""
        table = {}
        for name, times in self.times.items():
            times = sorted(times)
            if not times:
                continue
            table[name] = {
                "requests": len(times),
                "p50_ms": round(statistics.median(times), 2),
                "p95_ms": round(times[min(len(times) - 1, int(len(times) * 0.95))], 2),
                "max_ms": round(times[-1], 2),
            }
        return table


def warm_up(pages: dict[str, str]) -> None:
    """Request each page a few times: connections, templates and caches, as on a running site."""
    browser = Browser(PORT)
    for _ in range(5):
        for path in pages.values():
            browser.get(path)


def merged(runs: list[Visitors]) -> Visitors:
    """Return one set of visitors' times holding every run's."""
    together = Visitors(runs[0].pages, runs[0].count, runs[0].interval)
    for run in runs:
        for name, times in run.times.items():
            together.times[name] += times
        together.failures += run.failures
    return together


def median_line(label: str, times: list[float], count: int, goal: float | None = None) -> str:
    median = statistics.median(times)
    spread = f" (min {min(times):.2f}, max {max(times):.2f})" if len(times) > 1 else ""
    verdict = ""
    if goal is not None:
        verdict = f"   goal < {goal:.0f} s: {'met' if median < goal else 'MISSED'}"
    return f"{label:<34}{median:>8.2f} s {count / median:>9,.0f}/s{spread}{verdict}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", choices=["dev", "test"], default="dev")
    parser.add_argument("--bookmarks", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=1, help="runs of each step (median)")
    parser.add_argument("--per-post", type=int, default=1000, help="bookmarks saved one by one")
    parser.add_argument("--clients", type=int, default=2, help="visitors reading other pages")
    parser.add_argument(
        "--visitor-interval", type=float, default=0.2, help="seconds between a visitor's requests"
    )
    parser.add_argument(
        "--idle-seconds", type=float, default=20, help="how long they read the idle site"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    options = parser.parse_args()
    services = profile(options.profile)
    env = environment(services, DATABASE, "config.settings")
    print(
        f"kwippy import/export benchmark: {options.bookmarks:,} bookmarks, {options.repeat} run(s)"
    )
    database_create(services, DATABASE)
    manage(env, "migrate", "--noinput")
    run = f"{int(time.time())}"
    generated, bookmarks = timed(lambda: generate(options.bookmarks, options.seed, run))
    document = bookmark_file(bookmarks)
    print(f"generated {len(document) / 1e6:.1f} MB in {generated:.1f} s")

    import_times, again_times, export_times = [], [], []
    during_runs: list[Visitors] = []
    try:
        with Server(env, PORT, workers=WEB_WORKERS, job_workers=True):
            pages = neighbour_pages()
            warm_up(pages)
            with Visitors(pages, options.clients, options.visitor_interval) as idle:
                time.sleep(options.idle_seconds)
            for attempt in range(options.repeat):
                browser = Browser(PORT)
                browser.sign_up(f"importer{attempt}", PASSWORD)
                with Visitors(pages, options.clients, options.visitor_interval) as during:
                    import_time, result = timed(lambda browser=browser: upload(browser, document))
                during_runs.append(during)
                again_time, again = timed(lambda browser=browser: upload(browser, document))
                export_time, exported = timed(lambda browser=browser: export(browser))
                import_times.append(import_time)
                again_times.append(again_time)
                export_times.append(export_time)
            sample = [b for b in bookmarks if b.url.startswith("https:")][: options.per_post]
            per_post = add_one_by_one(env, sample)
    finally:
        postgres(services, f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')

    read, imported = result["Read from the file"], result["Imported"]
    print(
        f"import: read {read:,}, imported {imported:,}, skipped {result['Skipped']:,}, "
        f"duplicates merged {result['duplicates']:,}; again: imported {again['Imported']}, "
        f"updated {again['Updated']}, unchanged {again['Already up to date']:,}"
    )
    urls = exported_urls(exported)
    same = urls == kept_urls(bookmarks)
    print(f"export: {len(urls):,} bookmarks, {'the same' if same else 'NOT THE SAME'} URLs")
    batched = statistics.median(import_times) / read
    print()
    print(f"{'step':<34}{'median':>10} {'bookmarks':>11}")
    print(median_line("import into a fresh user", import_times, read, IMPORT_GOAL))
    print(median_line("import the same file again", again_times, read))
    print(median_line("export", export_times, imported, EXPORT_GOAL))
    print(
        f"one API posts/add per bookmark ({options.per_post:,} sampled): "
        f"{per_post * 1000:.2f} ms each, {per_post * read:.0f} s for the file; "
        f"the batched import is {per_post / batched:.1f}x faster per bookmark"
    )
    during = merged(during_runs)
    idle_pages, during_pages = idle.figures(), during.figures()
    print()
    print(
        f"other pages, {options.clients} visitors each every {options.visitor_interval:g} s, "
        "idle site vs during the imports "
        f"(p50 / p95 ms, goal p95 < {PAGE_GOAL_MS:.0f} ms):"
    )
    for name in pages:
        before, meanwhile = idle_pages.get(name), during_pages.get(name)
        if not (before and meanwhile):
            continue
        verdict = "met" if meanwhile["p95_ms"] < PAGE_GOAL_MS else "MISSED"
        print(
            f"  {name:<16}{before['p50_ms']:>7.1f} /{before['p95_ms']:>7.1f}   "
            f"{meanwhile['p50_ms']:>7.1f} /{meanwhile['p95_ms']:>7.1f}   "
            f"{meanwhile['requests']:>5} requests   {verdict}"
        )
    if idle.failures or during.failures:
        print(f"  failed requests: {idle.failures} idle, {during.failures} during the imports")
    if options.json:

        def step(times: list[float], count: int, goal: float | None = None) -> dict:
            median = statistics.median(times)
            return {
                "median_s": round(median, 3),
                "runs_s": [round(t, 3) for t in times],
                "bookmarks_per_second": round(count / median) if median else None,
                "goal_s": goal,
            }

        figures = {
            "bookmarks": options.bookmarks,
            "file_mb": round(len(document) / 1e6, 1),
            "runs": options.repeat,
            "through": "the import page, the export download and the API, over HTTP",
            "read": read,
            "imported": imported,
            "exported": len(urls),
            "same_urls": same,
            "steps": {
                "import into a fresh user": step(import_times, read, IMPORT_GOAL),
                "import the same file again": step(again_times, read),
                "export": step(export_times, imported, EXPORT_GOAL),
            },
            "one_by_one": "API `posts/add` call",
            "one_by_one_ms": round(per_post * 1000, 3),
            "batched_speedup_per_bookmark": round(per_post / batched, 1),
            "served_by": f"gunicorn, {WEB_WORKERS} sync workers, and a job worker's two lanes",
            "meanwhile": {
                "clients": options.clients,
                "visitor_interval_s": options.visitor_interval,
                "idle_seconds": options.idle_seconds,
                "goal_ms": PAGE_GOAL_MS,
                "idle": idle_pages,
                "during": during_pages,
                "failures": {"idle": idle.failures, "during": during.failures},
            },
        }
        options.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
