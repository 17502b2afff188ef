#!/usr/bin/env python3
"""Run every benchmark under bench/ and record what they measured: `make bench`, `make bench-quick`.

    KWIPPY_PORT_OFFSET=N .venv/bin/python bench/run.py [--quick] [--profile dev|test]
                                                       [--only NAME,…] [--sizes N,…]

Runs, against gunicorn (DEBUG=0) and the real PostgreSQL and memcached of the profile
(`scripts/services up`, dev by default):

    session engines   bench/sessions.py: ours, Django's db and cache, on signed-in pages (wrk)
    feed polls        bench/basic_auth.py and bench/feeds.py: anonymous, app password, account
                      password (first and repeat), 304
    pages at scale    bench/pages.py over HTTP: p50/p95 per page at 10k, 100k and 1M posts
    import/export     bench/import_export.py: 100,000 bookmarks in and out through the web and
                      a job worker, with other pages read meanwhile and on the idle site
    job latency       bench/job_latency.py: queue to start of an interactive job, idle and with
                      the bulk lane busy
    fetching          bench/fetching.py: pages fetched, read and kept a second by one and by two
                      job workers, from local sites
    a heavy person    bench/person.py: the pages of someone with 100,000 bookmarks beside the
                      home page (wrk)

`--quick` runs the same with small sizes and few rounds (10k posts, 10,000 bookmarks), in a few
minutes. Every benchmark works in databases of its own on the profile's cluster, never in the
site's data: `kwippy_bench` (bench/site.py), `kwippy_bench_import` (built for each run), and
`kwippy_bench_pages_<size>` seeded once by `seed_demo` and `kwippy_bench_person` (a person's
import among others' posts), both kept for later runs (a million posts takes minutes to build).
None imports kwippy: they set their data up through `manage.py` and the site's pages, and measure
over HTTP. The feed benchmark empties the profile's object cache. Each
benchmark writes its figures as JSON; this script gathers them with the machine's facts into
bench/results/latest-<quick|full>.json, replacing the last run of its kind, and rewrites
docs/performance.md from the latest quick and full results. `--only` runs some benchmarks and
keeps the others' figures from the last run of its kind, each marked with the run it came from.
"""

import argparse
import json
import os
import platform
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import report, site  # noqa: E402
from bench.site import say  # noqa: E402
from config.local_services import profile  # noqa: E402

RESULTS = ROOT / "bench" / "results"
DOCUMENT = ROOT / "docs" / "performance.md"
PLANS = {
    "quick": {
        "sessions": ["--engines", "db,kwippy,cache", "--rounds", "4", "--seconds", "1"],
        "basic_auth": ["--rounds", "20"],
        "feeds": ["--rounds", "30"],
        "page_sizes": [10_000],
        "page_requests": 100,
        "import_export": [
            "--bookmarks",
            "10000",
            "--repeat",
            "3",
            "--per-post",
            "200",
            "--idle-seconds",
            "15",
        ],
        "job_latency": ["--jobs", "100", "--bulk-imports", "6", "--bulk-bookmarks", "10000"],
        "fetching": ["--pages", "100", "--hosts", "50"],
        "person": ["--bookmarks", "10000", "--others", "10000", "--rounds", "3", "--seconds", "1"],
    },
    "full": {
        "sessions": ["--engines", "db,kwippy,cache", "--rounds", "8", "--seconds", "2"],
        "basic_auth": ["--rounds", "60"],
        "feeds": ["--rounds", "100"],
        "page_sizes": [10_000, 100_000, 1_000_000],
        "page_requests": 200,
        "import_export": ["--bookmarks", "100000", "--repeat", "3", "--per-post", "1000"],
        "job_latency": ["--jobs", "400", "--bulk-imports", "8", "--bulk-bookmarks", "20000"],
        "fetching": ["--pages", "300", "--hosts", "150"],
        "person": [
            "--bookmarks",
            "100000",
            "--others",
            "100000",
            "--rounds",
            "5",
            "--seconds",
            "3",
        ],
    },
}


def machine() -> dict:
    """Return the facts that make figures comparable: processor, cores, memory, load."""
    facts = {
        "cpu_model": platform.processor() or platform.machine(),
        "cores": os.cpu_count(),
        "memory_gb": None,
        "platform": platform.platform(),
        "python": platform.python_version(),
    }
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                facts["cpu_model"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                facts["memory_gb"] = round(int(line.split()[1]) / 1024 / 1024, 1)
                break
    except OSError:
        pass  # not Linux: the platform module's answer stands
    return facts


def load_average() -> list[float]:
    return [round(value, 2) for value in os.getloadavg()]


def git_commit() -> str | None:
    result = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    )
    return result.stdout.strip() or None


def run(command: list[str], env: dict[str, str], what: str) -> None:
    """Run a step with its output shown as it comes; stop the whole run if it fails."""
    result = subprocess.run([sys.executable, *command], cwd=ROOT, env=env, check=False)
    if result.returncode != 0:
        sys.exit(f"bench: {what} failed (exit {result.returncode}); no results written")


def pages_database(services, size: int, people: int, tags: int) -> tuple[dict[str, str], dict]:
    """Return the environment of a database holding `size` posts, and the words to search its
    pages' kept copies by; build what it lacks (the posts, the copies of one link in ten)."""
    name = f"kwippy_bench_pages_{size}"
    env = site.environment(services, name, "config.settings")
    posts = {"users": people, "posts": size, "tags": tags}
    kept = site.database_label(services, name)
    label = json.loads(kept) if kept else {}
    if label.get("seed_demo") == posts:
        say(f"{name}: {size:,} posts already there, kept")
        # Kept data, today's schema: the indexes measured are the ones the code has now.
        run(["manage.py", "migrate", "--noinput", "-v0"], env, f"migrating {name}")
    else:
        site.database_create(services, name)
        run(["manage.py", "migrate", "--noinput", "-v0"], env, f"migrating {name}")
        say(f"{name}: seeding {size:,} posts, {people:,} people, {tags:,} tags")
        seed = ["--users", str(people), "--posts", str(size), "--tags", str(tags)]
        run(["manage.py", "seed_demo", *seed], env, f"seeding {name}")
        label = {"seed_demo": posts}
        site.database_label_set(services, name, json.dumps(label))
    # 100,000 pages kept at 1M posts; seed_pages prints the words to search them by.
    links = size // 10
    if label.get("seed_pages", {}).get("links") != links:
        say(f"{name}: keeping copies of {links:,} pages")
        printed = site.manage(env, "seed_pages", "--links", str(links))
        label["seed_pages"] = {"links": links, "words": json.loads(printed.splitlines()[-1])}
        site.database_label_set(services, name, json.dumps(label))
    return env, label["seed_pages"]["words"]


# What a kept copy of a page costs on disk: its text and search vector as stored (compressed,
# in the row or in TOAST), and its share of the GIN index, in proportion to its distinct words.
COPY_BYTES_SQL = """
WITH copies AS (
    SELECT pg_column_size(text) + pg_column_size(text_vector) AS stored,
           pg_column_size(page.*) AS row_bytes,
           length(text_vector) AS lexemes, length(text) AS characters
    FROM posts_linkpage AS page WHERE keep_copy AND text <> ''
), search_index AS (
    SELECT pg_relation_size('linkpage_text_search') AS bytes, sum(lexemes) AS all_lexemes,
           count(*) AS copies
    FROM copies
), costs AS (
    SELECT stored, bytes * lexemes / all_lexemes AS index_share, row_bytes, characters
    FROM copies, search_index
)
SELECT (SELECT copies FROM search_index),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY stored + index_share),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY stored),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY index_share),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY row_bytes),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY characters),
       pg_table_size('posts_linkpage') / (SELECT copies FROM search_index),
       (SELECT bytes / copies FROM search_index)
FROM costs
"""


def copy_bytes(services, database: str) -> dict:
    """Return the median bytes a kept copy costs, with its parts, in `database`."""
    row = site.postgres(services, COPY_BYTES_SQL, database=database)[0]
    names = ["copies", "median_bytes", "median_stored_bytes", "median_index_bytes"]
    names += ["median_row_bytes", "median_characters", "table_bytes_per_copy"]
    names += ["index_bytes_per_copy"]
    return {name: round(float(value)) for name, value in zip(names, row, strict=True)}


def benchmarks(plan: dict, args, services, scratch: Path) -> list[tuple[str, object]]:
    """Return the steps of the run: a name and a function that returns its figures."""
    profile_args = ["--profile", args.profile]
    # The scripts set their databases up themselves; this only runs them.
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    def script(name: str, extra: list[str]) -> dict:
        output = scratch / f"{name}.json"
        run([f"bench/{name}.py", *profile_args, *extra, "--json", str(output)], env, name)
        return json.loads(output.read_text())

    def with_wrk(name: str, what: str) -> dict:
        if not shutil.which("wrk"):
            message = "wrk is not installed (make bench-tools, or apt-get install wrk)"
            say(f"{what} skipped: {message}")
            return {"skipped": message}
        return script(name, plan[name])

    def pages() -> dict:
        by_size = {}
        for size in plan["page_sizes"]:
            # A million posts, ten thousand people, fifty thousand tags; smaller sets in proportion.
            people, tags = max(10, size // 100), max(100, size // 20)
            pages_env, page_words = pages_database(services, size, people, tags)
            output = scratch / f"pages-{size}.json"
            say(f"pages at {size:,} posts: {plan['page_requests']} requests per page")
            data = ["--people", str(people), "--tags", str(tags), "--posts", str(size)]
            requests = ["--requests", str(plan["page_requests"])]
            words = ["--page-words", json.dumps(page_words)]
            command = ["bench/pages.py", *data, *requests, *words, "--json", str(output)]
            run(command, pages_env, f"pages at {size:,} posts")
            by_size[str(size)] = json.loads(output.read_text())
            by_size[str(size)]["page_copies"] = copy_bytes(services, f"kwippy_bench_pages_{size}")
        return {"sizes": by_size, "growth": report.growth(by_size)}

    return [
        ("session_engines", lambda: with_wrk("sessions", "session engines")),
        ("feed_polls_basic_auth", lambda: script("basic_auth", plan["basic_auth"])),
        ("feed_polls_304", lambda: script("feeds", plan["feeds"])),
        ("pages_at_scale", pages),
        ("import_export", lambda: script("import_export", plan["import_export"])),
        ("job_latency", lambda: script("job_latency", plan["job_latency"])),
        ("fetching", lambda: script("fetching", plan["fetching"])),
        ("heavy_person", lambda: with_wrk("person", "the heavy person")),
    ]


def carried(previous: dict | None, ran: set[str]) -> dict[str, dict]:
    """Return the figures of the benchmarks this run left out, from the last run of its kind,
    each with the run that measured them (kept through any number of later partial runs)."""
    if previous is None:
        return {}
    measured_by = {
        "date": previous["date"],
        "commit": previous["commit"],
        "services": previous["services"],
        "load_average_before": previous["machine"]["load_average_before"],
        "load_average_after": previous["machine"]["load_average_after"],
    }
    return {
        name: {**figures, "measured_by": figures.get("measured_by", measured_by)}
        for name, figures in previous["benchmarks"].items()
        if name not in ran
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes and few rounds")
    parser.add_argument("--profile", choices=["dev", "test"], default="dev")
    parser.add_argument(
        "--only",
        type=lambda names: set(names.split(",")),
        help="comma-separated benchmarks to run (session_engines, feed_polls_basic_auth, "
        "feed_polls_304, pages_at_scale, import_export, job_latency, fetching, heavy_person); the "
        "others' "
        "figures are kept from the last run of its kind, and say so",
    )
    parser.add_argument("--sizes", help="comma-separated post counts of the pages at scale")
    args = parser.parse_args()
    kind = "quick" if args.quick else "full"
    plan = dict(PLANS[kind])
    if args.sizes:
        plan["page_sizes"] = [int(size) for size in args.sizes.split(",")]
    services = profile(args.profile)
    started = datetime.now(UTC)
    result = {
        "kind": kind,
        "date": started.isoformat(timespec="seconds"),
        "command": shlex.join(["bench/run.py", *sys.argv[1:]]),
        "commit": git_commit(),
        "services": args.profile,
        "machine": {**machine(), "load_average_before": load_average()},
        "plan": plan,
        "benchmarks": {},
    }
    say(f"{kind} run on {result['machine']['cores']} cores, load {load_average()[0]}")
    # DEBUG=0 serves hashed static file names: the manifest must exist, even on a fresh clone.
    site.manage(site.environment(services, site.DATABASE), "collectstatic", "--noinput", "-v0")
    postgres_version = site.postgres(services, "SHOW server_version")[0][0]
    result["machine"]["postgresql"] = postgres_version
    with tempfile.TemporaryDirectory() as scratch:
        steps = benchmarks(plan, args, services, Path(scratch))
        if args.only:
            unknown = args.only - {name for name, _ in steps}
            if unknown:
                sys.exit(f"bench: no benchmark named {', '.join(sorted(unknown))}")
            steps = [(name, step) for name, step in steps if name in args.only]
        for number, (name, step) in enumerate(steps, start=1):
            label = f"[{number}/{len(steps)}] {name.replace('_', ' ')}"
            say(label)
            step_started = time.monotonic()
            load_before = load_average()
            figures = step()
            figures["seconds_taken"] = round(time.monotonic() - step_started, 1)
            # The machine may be shared: how busy it was while this benchmark ran.
            figures["load_average"] = {"before": load_before, "after": load_average()}
            result["benchmarks"][name] = figures
            say(f"{label} done in {figures['seconds_taken']} s")
    if args.only:
        result["benchmarks"] |= carried(report.newest(RESULTS, kind), args.only)
    result["machine"]["load_average_after"] = load_average()
    result["seconds_taken"] = round((datetime.now(UTC) - started).total_seconds(), 1)

    RESULTS.mkdir(parents=True, exist_ok=True)
    # Each run replaces the last of its kind: docs/performance.md is the record, git the history.
    path = report.latest(RESULTS, kind)
    path.write_text(json.dumps(result, indent=2) + "\n")
    DOCUMENT.write_text(report.document(RESULTS))
    say(f"results: {path.relative_to(ROOT)}; table: {DOCUMENT.relative_to(ROOT)}")
    say(f"{kind} run took {result['seconds_taken'] / 60:.1f} min")


if __name__ == "__main__":
    main()
