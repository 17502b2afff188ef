"""Time how long an `interactive` job waits to start, on an idle engine and with `bulk` work queued.

    KWIPPY_PORT_OFFSET=N python bench/job_latency.py [--profile dev|test] [--jobs 200]
                                                     [--interval 0.05] [--bulk-imports 6]
                                                     [--bulk-bookmarks 10000] [--json results.json]

Against a job worker's two lanes as the Procfile runs them (`manage.py procrastinate worker`, one
process per queue, LISTEN/NOTIFY on) and gunicorn, on a database of its own (`kwippy_bench_jobs`,
built afresh and dropped at the end). `--jobs` interactive jobs are queued one every `--interval`
seconds, and each records how long after its `defer()` it started: first on an idle engine, then
with `--bulk-imports` imports of `--bulk-bookmarks` bookmarks each uploaded on the import page by as
many people, filling the bulk lane and waiting behind it. It prints the median, 95th percentile and
worst of each phase, and how many bulk jobs were running and waiting when the second phase began
and ended (bulk work that ran out early would flatter the figure).

The benchmark imports nothing of kwippy's. Its job (bench/job_tasks.py) is registered by a
settings module of its own (bench/job_settings.py), as the session benchmark's engines are, and is
queued by `manage.py shell -c` in a site process, through Procrastinate's app as a view would: the
worker, its queues and the database are the site's. The job does no work, so what is measured is
the engine: the insert, the NOTIFY, the worker's fetch and the start. Times come from one clock,
the machine's, read just before `defer()` and as the job starts. A script, not a test: it prints
times, it asserts none; `--json` also writes the figures as data (bench/run.py reads them).
"""

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.import_export import bookmark_file, generate
from bench.site import (
    PASSWORD,
    PORT,
    WEB_WORKERS,
    Browser,
    Server,
    database_create,
    environment,
    manage,
    postgres,
    say,
)
from config.local_services import profile

DATABASE = "kwippy_bench_jobs"
GOAL_MS = 100.0
# How long the jobs of one phase may take to have all started before the benchmark gives up.
WAIT = 120


def recorded(path: Path) -> list[float]:
    return [float(line) for line in path.read_text().split()] if path.exists() else []


def jobs_timed(env: dict[str, str], *, count: int, interval: float, path: Path) -> list[float]:
    """Queue `count` jobs from a site process; return the seconds each waited to start."""
    code = (
        "from bench.job_tasks import jobs_queue_spaced; "
        f"jobs_queue_spaced(count={count}, interval={interval}, path={str(path)!r})"
    )
    manage(env, "shell", "-c", code)
    deadline = time.monotonic() + WAIT
    while len(waits := recorded(path)) < count:
        if time.monotonic() > deadline:
            sys.exit(f"bench: {len(waits)} of {count} jobs had started after {WAIT} s")
        time.sleep(0.2)
    return waits


def bulk_jobs(services) -> dict[str, int]:
    """Return how many bulk jobs are running (`doing`) and waiting (`todo`)."""
    rows = postgres(
        services,
        "SELECT status::text, count(*) FROM procrastinate_jobs "
        "WHERE queue_name = 'bulk' AND status IN ('doing', 'todo') GROUP BY status",
        database=DATABASE,
    )
    return {"doing": 0, "todo": 0, **dict(rows)}


def imports_queue(count: int, document: bytes) -> None:
    """Upload the file on the import page as `count` people: as many bulk jobs."""
    for n in range(count):
        browser = Browser(PORT)
        browser.sign_up(f"bulk{n}", PASSWORD)
        status, _, _, detail = browser.submit(
            "/import/", {}, files={"file": ("bookmarks.html", document)}
        )
        if status != 302:
            sys.exit(f"bench: the import answered {status or detail}")


def summary(waits: list[float]) -> dict:
    times = sorted(wait * 1000 for wait in waits)
    return {
        "jobs": len(times),
        "median_ms": round(statistics.median(times), 2),
        "p95_ms": round(times[min(len(times) - 1, int(len(times) * 0.95))], 2),
        "max_ms": round(times[-1], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", choices=["dev", "test"], default="dev")
    parser.add_argument("--jobs", type=int, default=200, help="interactive jobs per phase")
    parser.add_argument("--interval", type=float, default=0.05, help="seconds between them")
    parser.add_argument("--bulk-imports", type=int, default=6)
    parser.add_argument("--bulk-bookmarks", type=int, default=10_000)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    options = parser.parse_args()
    services = profile(options.profile)
    env = environment(services, DATABASE, "bench.job_settings")
    print(
        f"kwippy job latency benchmark: {options.jobs} interactive jobs per phase, one every "
        f"{options.interval:g} s; bulk work: {options.bulk_imports} imports of "
        f"{options.bulk_bookmarks:,} bookmarks"
    )
    database_create(services, DATABASE)
    manage(env, "migrate", "--noinput")
    document = bookmark_file(generate(options.bulk_bookmarks, 1, "jobs"))
    try:
        with (
            Server(env, PORT, workers=WEB_WORKERS, job_workers=True),
            tempfile.TemporaryDirectory() as scratch,
        ):
            # The lanes start with the web server: the first jobs wait until they listen.
            jobs_timed(env, count=5, interval=options.interval, path=Path(scratch) / "warm-up")
            say("job latency: idle engine")
            idle = jobs_timed(
                env, count=options.jobs, interval=options.interval, path=Path(scratch) / "idle"
            )
            imports_queue(options.bulk_imports, document)
            deadline = time.monotonic() + WAIT
            while (bulk_before := bulk_jobs(services))["doing"] == 0:
                if time.monotonic() > deadline:
                    sys.exit("bench: no bulk job had started")
                time.sleep(0.2)
            say(f"job latency: with bulk work ({bulk_before})")
            busy = jobs_timed(
                env, count=options.jobs, interval=options.interval, path=Path(scratch) / "busy"
            )
            bulk_after = bulk_jobs(services)
    finally:
        postgres(services, f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')

    phases = {"idle engine": summary(idle), "bulk lane busy": summary(busy)}
    print(f"{'interactive job, queue to start':<34}{'median ms':>10}{'p95 ms':>9}{'max ms':>9}")
    for name, figures in phases.items():
        verdict = "met" if figures["median_ms"] < GOAL_MS else "MISSED"
        print(
            f"{name:<34}{figures['median_ms']:>10.1f}{figures['p95_ms']:>9.1f}"
            f"{figures['max_ms']:>9.1f}   goal median < {GOAL_MS:.0f} ms: {verdict}"
        )
    print(
        f"bulk jobs running / waiting: {bulk_before['doing']} / {bulk_before['todo']} when the "
        f"second phase began, {bulk_after['doing']} / {bulk_after['todo']} when it ended"
    )
    if options.json:
        figures = {
            "jobs": options.jobs,
            "interval_s": options.interval,
            "goal_ms": GOAL_MS,
            "bulk_imports": options.bulk_imports,
            "bulk_bookmarks": options.bulk_bookmarks,
            "bulk_before": bulk_before,
            "bulk_after": bulk_after,
            "phases": phases,
        }
        options.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
