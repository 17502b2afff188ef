"""Fault drills: break one service at a time under the mixed load, and judge how kwippy takes it.

    KWIPPY_PORT_OFFSET=N python -m drills.run [--seconds 40] [--only NAME]

Each drill runs the load of drills/load.py (50 clients) on the drills' own stack, lets it settle
for 10 s, does its fault, keeps the load going, and ends with a verdict and its figures:

    object-cache   restart the object memcached: no one is signed out, no 5xx
    session-store  stop the session memcached for 10 s: anonymous pages answer 200 throughout,
                   sign-in answers 503 while it is down, everything recovers within 5 s of its
                   return (its sessions are gone with the process: people sign in again)
    postgres       restart PostgreSQL (stopped `immediate`, as in a crash): errors only while it
                   is down, full recovery within 5 s, every acknowledged bookmark stored
    worker         kill a gunicorn worker (SIGKILL): no failed request beyond the one it held
                   (a sync worker holds one), and the worker is replaced
    import-worker  upload a 100,000-bookmark file through /import/ and SIGKILL the job worker's
                   bulk lane mid-import, starting it again as a supervisor would: the import
                   finishes, every bookmark stored once, its summary a clean run's, no 5xx
    jobs-postgres  queue 400 mails and stop PostgreSQL for 5 s while the workers send them: the
                   workers reconnect on their own (the same processes) and every job succeeds
    fetch-hang     a person saves 100 links to a site that hangs every connection, and imports
                   2,000 more: mails and the fetch of another site's page take no longer than
                   before (p95 within 1 s of it), and the hung site never holds more than two
                   connections of kwippy's at once

The two job drills run the load for as long as their jobs take rather than for `--seconds`.
"""

import argparse
import email
import email.policy
import os
import platform
import signal
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime

from aiosmtpd.controller import Controller

from bench.import_export import Bookmark, bookmark_file, generate, import_start, kept_urls
from bench.site import Browser, bookmark_add, exported_urls, manage
from bench.websites import Articles, Tarpit
from drills.load import (
    DATA_LABEL,
    PASSWORD,
    TIMEOUT,
    Client,
    LoadRun,
    Sample,
    Site,
    seed,
    summarize,
    summary_lines,
)

SETTLE = 10.0
RECOVERY = 5.0
SESSION_OUTAGE = 10.0
PROBE_EVERY = 0.5
PROBE_ACCOUNT = "reader0"
IMPORT_BOOKMARKS = 100_000
# The import is killed once it has read this share of the file: well inside it, whatever the pace.
IMPORT_KILL_AT = 0.3
# How long a job drill waits for its jobs, from the fault on, before it calls them lost; an
# import of 100,000 bookmarks under load takes minutes on a busy machine.
JOBS_WAIT = 300.0
IMPORT_WAIT = 1200.0
MAILS = 400
JOBS_OUTAGE = 5.0
MAIL_TASK = "kwippy.core.jobs.mail_send"
# The fetch-hang drill: what it queues at the hung site, and what it times on either side.
HUNG_SAVES = 100
HUNG_IMPORT = 2000
PROBE_MAILS = 40
PROBE_MAIL_EVERY = 0.25
PROBE_PAGES = 10
# A probe mail or page no later than this after its baseline's p95 has not been slowed.
FETCH_HANG_SLACK = 1.0
# How long a probe page's title may take before the drill calls it lost.
PROBE_PAGE_WAIT = 60.0


@dataclass
class Verdict:
    drill: str
    passed: bool
    figures: list[str]

    def lines(self) -> list[str]:
        return [f"{self.drill}: {'PASS' if self.passed else 'FAIL'}"] + [
            f"  {figure}" for figure in self.figures
        ]


def _failed(sample: Sample) -> bool:
    """Return whether a request got no answer or a server error."""
    return sample.status == 0 or sample.status >= 500


def _overlaps(sample: Sample, start: float, end: float) -> bool:
    return sample.started <= end and sample.ended >= start


def judge_object_cache(samples: list[Sample], *, stopped: float, started: float) -> Verdict:
    """Judge the object memcached restart: nothing failed, nobody was signed out."""
    failed = [s for s in samples if _failed(s)]
    signed_out = [s for s in samples if s.signed_out]
    other = [s for s in samples if not s.ok and not _failed(s) and not s.signed_out]
    return Verdict(
        "object-cache",
        not failed and not signed_out and not other,
        [
            f"object memcached down for {started - stopped:.2f} s at t={stopped:.1f} s",
            f"5xx or no answer: {len(failed)}; signed out: {len(signed_out)}; "
            f"other unexpected answers: {len(other)}",
        ],
    )


def judge_session_store(
    samples: list[Sample], probes: list[Sample], *, stopped: float, started: float
) -> Verdict:
    """Judge the session store outage: anonymous 200s, sign-in 503 while down, quick recovery."""
    anonymous_bad = [s for s in samples if s.persona == "anonymous" and s.status != 200]
    # Wait out memcached's own stop and a worker's dead-node timer before expecting the 503.
    during = [s for s in probes if s.started >= stopped + 0.5 and s.ended <= started]
    during_503 = [s for s in during if s.status == 503]
    after = [s for s in probes if s.started >= started]
    first_sign_in = next((s for s in after if s.status == 302), None)
    everyone = samples + probes
    # 503 is the answer while the store is down; a 500 or no answer never is.
    crashes = [s for s in everyone if s.status == 0 or (s.status >= 500 and s.status != 503)]
    late = [
        s
        for s in everyone
        if s.started >= started and not s.ok and not s.signed_out and s.step != "sign-in probe"
    ] + [s for s in after if s.status != 302]
    recovery = max([s.ended - started for s in late] + [0.0])
    if first_sign_in is not None:
        recovery = max(recovery, first_sign_in.ended - started)
    signed_out_after = {s.step for s in samples if s.signed_out and s.started >= started}
    late_kinds: dict[str, int] = {}
    for s in late:
        kind = f"{s.step} {s.status or s.detail} at +{s.started - started:.1f} s"
        late_kinds[kind] = late_kinds.get(kind, 0) + 1
    passed = (
        not anonymous_bad
        and during
        and len(during_503) == len(during)
        and not crashes
        and first_sign_in is not None
        and recovery <= RECOVERY
    )
    return Verdict(
        "session-store",
        bool(passed),
        [
            f"session memcached down {started - stopped:.1f} s (t={stopped:.1f}..{started:.1f} s)",
            f"anonymous requests not 200: {len(anonymous_bad)} of "
            f"{sum(s.persona == 'anonymous' for s in samples)}",
            f"sign-in while down: {len(during_503)} of {len(during)} answered 503",
            f"500 or no answer: {len(crashes)} "
            + ", ".join(f"{s.step} {s.status or s.detail} at t={s.started:.1f} s" for s in crashes),
            f"failures after its return: {len(late)} {late_kinds if late else ''}".strip(),
            f"recovered {recovery:.2f} s after its return (first sign-in at "
            f"{first_sign_in.ended - started:.2f} s)"
            if first_sign_in
            else "no sign-in succeeded after its return",
            "sessions were lost with the process: signed-in clients signed in again"
            if signed_out_after
            else "no signed-in client noticed the restart",
        ],
    )


def judge_postgres(
    samples: list[Sample],
    *,
    stopped: float,
    started: float,
    acknowledged: list[str],
    stored: set[str],
) -> Verdict:
    """Judge the PostgreSQL restart: errors only around the outage, none lost once acknowledged."""
    bad = [s for s in samples if not s.ok]
    outside = [s for s in bad if not _overlaps(s, stopped, started + RECOVERY)]
    recovery = max([s.ended - started for s in bad] + [0.0])
    lost = [url for url in acknowledged if url not in stored]
    statuses = sorted({s.status for s in bad})
    return Verdict(
        "postgres",
        not outside and recovery <= RECOVERY and not lost and bool(acknowledged),
        [
            f"PostgreSQL down {started - stopped:.2f} s (t={stopped:.1f}..{started:.1f} s)",
            f"failed requests: {len(bad)} (answers {statuses}), "
            f"outside the outage and its 5 s: {len(outside)}",
            f"last failure ended {recovery:.2f} s after PostgreSQL answered again",
            f"acknowledged bookmarks: {len(acknowledged)}, missing from the database: {len(lost)}",
        ],
    )


def judge_worker(
    samples: list[Sample], *, killed: float, replaced: float | None, held: int = 1
) -> Verdict:
    """Judge the worker kill: at most the request(s) it held failed, and it was replaced."""
    bad = [s for s in samples if not s.ok]
    unrelated = [s for s in bad if not _overlaps(s, killed, killed)]
    return Verdict(
        "worker",
        len(bad) <= held and not unrelated and replaced is not None,
        [
            f"worker killed at t={killed:.1f} s; "
            + (
                f"replaced {replaced - killed:.2f} s later"
                if replaced is not None
                else "not replaced"
            ),
            f"failed requests: {len(bad)} (a sync worker holds {held}), "
            f"of them not in flight at the kill: {len(unrelated)}",
        ],
    )


def judge_import_worker(
    samples: list[Sample],
    *,
    killed_at_read: int,
    bookmarks: int,
    state: str,
    file_urls: int,
    posts: int,
    distinct_posts: int,
    missing: int,
    summary: dict,
    clean_summary: dict,
) -> Verdict:
    """Judge the import whose worker was killed: done, each bookmark once, a clean run's summary."""
    failed = [s for s in samples if _failed(s)]
    differing = sorted(
        key
        for key in summary.keys() | clean_summary.keys()
        if summary.get(key) != clean_summary.get(key)
    )
    passed = (
        0 < killed_at_read < bookmarks
        and state == "done"
        and posts == distinct_posts == file_urls
        and not missing
        and not differing
        and not failed
    )
    return Verdict(
        "import-worker",
        passed,
        [
            f"bulk lane killed with {killed_at_read:,} of {bookmarks:,} bookmarks read; "
            f"import {state}",
            f"posts stored: {posts:,} ({distinct_posts:,} distinct links), distinct URLs in the "
            f"file: {file_urls:,}, missing: {missing:,}",
            "summary equals a clean run's"
            if not differing
            else "summary differs from a clean run's in: "
            + ", ".join(f"{k} {summary.get(k)} != {clean_summary.get(k)}" for k in differing),
            f"5xx or no answer under load: {len(failed)}",
        ],
    )


def judge_jobs_postgres(
    *,
    queued: int,
    statuses: dict[str, int],
    delivered: Counter,
    lanes_before: dict[str, int | None],
    lanes_after: dict[str, int | None],
    heartbeats_after: int,
    outage: float,
    finished_after: float | None,
) -> Verdict:
    """Judge the jobs across a PostgreSQL outage: all succeeded, all sent, the same workers."""
    lost = queued - len(delivered)
    twice = sum(count - 1 for count in delivered.values())
    same_workers = lanes_after == lanes_before and None not in lanes_after.values()
    passed = (
        statuses == {"succeeded": queued}
        and not lost
        and same_workers
        and heartbeats_after >= len(lanes_before)
    )
    return Verdict(
        "jobs-postgres",
        passed,
        [
            f"PostgreSQL down {outage:.2f} s while {queued} mail jobs ran",
            f"jobs by status: {dict(sorted(statuses.items()))}"
            + (
                f", all finished {finished_after:.1f} s after PostgreSQL answered again"
                if finished_after is not None
                else ", not all finished"
            ),
            f"mails delivered: {len(delivered)} of {queued} (lost {lost}, sent twice {twice})",
            "lanes: the same processes before and after, "
            f"{heartbeats_after} of {len(lanes_before)} sending heartbeats again"
            if same_workers
            else f"lanes before {lanes_before}, after {lanes_after}: not the same processes",
        ],
    )


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] if ordered else float("inf")


def judge_fetch_hang(
    samples: list[Sample],
    *,
    mails_before: list[float],
    mails_during: list[float],
    pages_before: list[float],
    pages_during: list[float],
    probes: tuple[int, int],
    most_held: int,
    hung_accepted: int,
) -> Verdict:
    """Judge the interactive lane while a hung site holds fetches: mails and another site's page
    as quick as before (p95 within FETCH_HANG_SLACK), all of them done, the hung site held to
    two connections at once, and no request of the load failing."""
    failed = [s for s in samples if _failed(s)]
    mails, pages = probes
    mail_slowdown = _p95(mails_during) - _p95(mails_before)
    page_slowdown = _p95(pages_during) - _p95(pages_before)
    passed = (
        len(mails_before) == len(mails_during) == mails
        and len(pages_before) == len(pages_during) == pages
        and mail_slowdown <= FETCH_HANG_SLACK
        and page_slowdown <= FETCH_HANG_SLACK
        and hung_accepted > 0
        and most_held <= 2
        and not failed
    )

    def figures(label: str, before: list[float], during: list[float], count: int) -> str:
        return (
            f"{label}: p95 {_p95(before):.2f} s before, {_p95(during):.2f} s with the site hung "
            f"({len(before)} and {len(during)} of {count} done)"
        )

    return Verdict(
        "fetch-hang",
        passed,
        [
            figures("mail, queued to delivered", mails_before, mails_during, mails),
            figures("another site's title, saved to shown", pages_before, pages_during, pages),
            f"the hung site: {hung_accepted} connections in all, at most {most_held} at once",
            f"load: {len(failed)} requests failed or got a 5xx",
        ],
    )


class Prober(threading.Thread):
    """Try to sign in every half second with a fresh browser, recording each answer."""

    def __init__(self, site: Site, clock, until: float):
        super().__init__(daemon=True, name="sign-in probe")
        self.site, self.clock, self.until = site, clock, until
        self.samples: list[Sample] = []

    def run(self) -> None:
        while self.clock() < self.until:
            client = Client("probe", 0, self.site, self.clock, self.until, self.samples.append)
            client.browser = Browser(self.site.port, timeout=TIMEOUT)
            client.username = PROBE_ACCOUNT
            client.sign_in()
            time.sleep(PROBE_EVERY)

    def results(self) -> list[Sample]:
        return [
            Sample(s.started, s.elapsed, "probe", "sign-in probe", s.status, s.ok, False, s.detail)
            for s in self.samples
            if s.step == "sign-in"
        ]


def _sleep_until(run: LoadRun, moment: float) -> None:
    time.sleep(max(0.0, moment - run.clock()))


def drill_object_cache(stack, site, seconds):
    run = LoadRun(site, seconds=seconds)
    run.start()
    _sleep_until(run, SETTLE)
    stopped = run.clock()
    stack.memcached_stop("objects")
    stack.memcached_start()
    started = run.clock()
    run.wait()
    return run, judge_object_cache(run.samples, stopped=stopped, started=started)


def drill_session_store(stack, site, seconds):
    run = LoadRun(site, seconds=seconds)
    run.start()
    prober = Prober(site, run.clock, seconds)
    _sleep_until(run, SETTLE - 2)
    prober.start()
    _sleep_until(run, SETTLE)
    stopped = run.clock()
    stack.memcached_stop("sessions")
    _sleep_until(run, stopped + SESSION_OUTAGE)
    stack.memcached_start()
    started = run.clock()
    run.wait()
    prober.join(timeout=30)
    verdict = judge_session_store(run.samples, prober.results(), stopped=stopped, started=started)
    return run, verdict


def drill_postgres(stack, site, seconds):
    run = LoadRun(site, seconds=seconds)
    run.start()
    _sleep_until(run, SETTLE)
    stopped = run.clock()
    stack.postgres_stop()
    stack.postgres_start()
    started = run.clock()
    run.wait()
    acknowledged = run.acknowledged()
    verdict = judge_postgres(
        run.samples,
        stopped=stopped,
        started=started,
        acknowledged=acknowledged,
        stored=_stored_urls(stack, run),
    )
    return run, verdict


def drill_worker(stack, site, seconds):
    run = LoadRun(site, seconds=seconds)
    run.start()
    _sleep_until(run, SETTLE)
    victim = stack.worker_pids()[0]
    killed = run.clock()
    os.kill(victim, signal.SIGKILL)
    replaced = None
    while run.clock() < killed + 20:
        pids = stack.worker_pids()
        if victim not in pids and len(pids) == stack.workers:
            replaced = run.clock()
            break
        time.sleep(0.02)
    run.wait()
    return run, judge_worker(run.samples, killed=killed, replaced=replaced)


def _import_row(stack, import_id: int) -> tuple[str, dict]:
    return stack.sql("SELECT state, result FROM portability_import WHERE id = %s", (import_id,))[0]


def _import_follow(stack, import_id: int, done, what: str) -> tuple[str, dict]:
    """Read an import's row every half second until `done(state, result)`; return the last."""
    deadline = time.monotonic() + IMPORT_WAIT
    while not done(*(row := _import_row(stack, import_id))):
        if time.monotonic() > deadline:
            print(f"  gave up waiting for {what} after {IMPORT_WAIT:.0f} s", flush=True)
            break
        time.sleep(0.5)
    return row


def _imported(stack, browser: Browser, document: bytes) -> int:
    """Upload the file on the import page; return the import's id."""
    return int(import_start(browser, document).rstrip("/").rsplit("/", 1)[1])


def _finished(state: str, result: dict) -> bool:
    return state in ("done", "failed")


def drill_import_worker(stack, site, seconds):
    now = f"{int(time.time())}"
    bookmarks = generate(IMPORT_BOOKMARKS, seed=14, run=now)
    document = bookmark_file(bookmarks)
    file_urls = kept_urls(bookmarks)
    people = {}
    for role in ("killed", "clean"):
        people[role] = Browser(stack.port)
        people[role].sign_up(f"import-{role}-{now}", PASSWORD)
    run = LoadRun(site, seconds=2 * IMPORT_WAIT)
    run.start()
    _sleep_until(run, SETTLE)
    import_id = _imported(stack, people["killed"], document)
    print(f"  uploaded {len(document) / 1e6:.1f} MB at t={run.clock():.1f} s", flush=True)
    _, result = _import_follow(
        stack,
        import_id,
        lambda state, result: (
            _finished(state, result) or result.get("read", 0) >= IMPORT_KILL_AT * IMPORT_BOOKMARKS
        ),
        "the import to get going",
    )
    killed_at_read = result.get("read", 0)
    pid = stack.jobs_kill("bulk")
    print(f"  killed the bulk lane (pid {pid}) at t={run.clock():.1f} s", flush=True)
    stack.jobs_start()
    state, result = _import_follow(stack, import_id, _finished, "the import to finish")
    print(f"  import {state} at t={run.clock():.1f} s", flush=True)
    run.stop()
    clean_id = _imported(stack, people["clean"], document)
    _, clean_result = _import_follow(stack, clean_id, _finished, "the clean import to finish")
    username = f"import-killed-{now}"
    posts, distinct_posts = stack.sql(
        "SELECT count(*), count(DISTINCT post.link_id) FROM posts_post post "
        "JOIN accounts_user person ON person.id = post.user_id WHERE person.username = %s",
        (username,),
    )[0]
    stored = exported_urls(manage(stack.env, "export_bookmarks", "--user", username).encode())
    verdict = judge_import_worker(
        run.samples,
        killed_at_read=killed_at_read,
        bookmarks=IMPORT_BOOKMARKS,
        state=state,
        file_urls=len(file_urls),
        posts=posts,
        distinct_posts=distinct_posts,
        missing=len(file_urls - stored),
        summary=result,
        clean_summary=clean_result,
    )
    return run, verdict


class Inbox:
    """An SMTP server's handler (aiosmtpd) that counts the messages it receives by subject."""

    def __init__(self):
        self.subjects: Counter = Counter()

    async def handle_DATA(self, server, session, envelope) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.subjects[message["Subject"]] += 1
        return "250 Message accepted for delivery"


def _mail_jobs(stack, after: int) -> dict[str, int]:
    """Return the drill's mail jobs by status: a job that succeeded has no row left (kwippy
    deletes them, PROCRASTINATE_WORKER_DEFAULTS), one queued that has none succeeded."""
    statuses = dict(
        stack.sql(
            "SELECT status, count(*) FROM procrastinate_jobs WHERE task_name = %s AND id > %s "
            "GROUP BY status",
            (MAIL_TASK, after),
        )
    )
    gone = MAILS - sum(statuses.values())
    return {**statuses, "succeeded": statuses.get("succeeded", 0) + gone} if gone else statuses


def drill_jobs_postgres(stack, site, seconds):
    from drills.stack import SMTP_PORT

    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=SMTP_PORT)
    smtp.start()
    try:
        run = LoadRun(site, seconds=JOBS_WAIT)
        run.start()
        _sleep_until(run, SETTLE)
        first = stack.sql("SELECT coalesce(max(id), 0) FROM procrastinate_jobs")[0][0]
        subject = f"jobs-postgres {int(time.time())}"
        # Queued in one transaction, as a page queues its mail: the workers see them all at once.
        manage(
            stack.env,
            "shell",
            "-c",
            "from django.core.mail import send_mass_mail\n"
            "from django.db import transaction\n"
            "with transaction.atomic():\n"
            f"    send_mass_mail([('{subject} ' + str(i), 'Sent while PostgreSQL restarts.', "
            f"None, ['someone@example.com']) for i in range({MAILS})])",
        )
        deadline = time.monotonic() + JOBS_WAIT
        while sum(inbox.subjects.values()) < MAILS // 8 and time.monotonic() < deadline:
            time.sleep(0.01)
        lanes_before = stack.jobs_pids()
        stopped = run.clock()
        print(
            f"  {sum(inbox.subjects.values())} of {MAILS} mails sent; stopping PostgreSQL "
            f"at t={stopped:.1f} s",
            flush=True,
        )
        stack.postgres_stop()
        time.sleep(JOBS_OUTAGE)
        stack.postgres_start()
        started = run.clock()
        back = stack.sql("SELECT now()")[0][0]
        finished_after = None
        # Until every job has ended, or a lane has: nobody would run the rest.
        while time.monotonic() < deadline and None not in stack.jobs_pids().values():
            statuses = _mail_jobs(stack, first)
            if set(statuses) <= {"succeeded", "failed"}:
                finished_after = run.clock() - started
                break
            time.sleep(0.5)
        # Each lane sends a heartbeat every 10 s: wait out one, then look.
        _sleep_until(run, started + 15)
        heartbeats = stack.sql(
            "SELECT count(*) FROM procrastinate_workers WHERE last_heartbeat > %s", (back,)
        )[0][0]
        run.stop()
    finally:
        smtp.stop()
    verdict = judge_jobs_postgres(
        queued=MAILS,
        statuses=_mail_jobs(stack, first),
        delivered=Counter({s: n for s, n in inbox.subjects.items() if s.startswith(subject)}),
        lanes_before=lanes_before,
        lanes_after=stack.jobs_pids(),
        heartbeats_after=heartbeats,
        outage=started - stopped,
        finished_after=finished_after,
    )
    return run, verdict


class MailClock:
    """An SMTP server's handler (aiosmtpd) that notes how long each mail took: its subject is the
    time it was queued."""

    def __init__(self):
        self.waits: dict[str, float] = {}

    async def handle_DATA(self, server, session, envelope) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        subject = str(message["Subject"])
        self.waits[subject] = time.time() - float(subject.rpartition(" ")[2])
        return "250 Message accepted for delivery"

    def of(self, phase: str) -> list[float]:
        return [wait for subject, wait in self.waits.items() if subject.startswith(phase + " ")]


def _mails_timed(stack, clock: MailClock, phase: str) -> list[float]:
    """Queue PROBE_MAILS mails, spaced as a site's requests queue them; return their waits."""
    manage(
        stack.env,
        "shell",
        "-c",
        "import time\n"
        "from django.core.mail import send_mail\n"
        f"for _ in range({PROBE_MAILS}):\n"
        f"    send_mail('{phase} ' + repr(time.time()), 'A probe.', None, ['a@example.com'])\n"
        f"    time.sleep({PROBE_MAIL_EVERY})",
    )
    deadline = time.monotonic() + JOBS_WAIT
    while len(clock.of(phase)) < PROBE_MAILS and time.monotonic() < deadline:
        time.sleep(0.1)
    return clock.of(phase)


def _titles_timed(stack, browser: Browser, urls: list[str]) -> list[float]:
    """Save each URL bare on the add page; return how long each took to show the page's title."""
    waits = []
    for url in urls:
        saved = time.monotonic()
        bookmark_add(browser, url=url, title="")
        deadline = saved + PROBE_PAGE_WAIT
        while time.monotonic() < deadline:
            titled = stack.sql(
                "SELECT count(*) FROM posts_post post JOIN posts_link link ON link.id = "
                "post.link_id WHERE link.url = %s AND post.title <> link.url",
                (url,),
            )[0][0]
            if titled:
                waits.append(time.monotonic() - saved)
                break
            time.sleep(0.05)
    return waits


def drill_fetch_hang(stack, site, seconds):
    from drills.stack import SITES_PORT, SMTP_PORT, TARPIT_PORT

    now = f"{int(time.time())}"
    clock = MailClock()
    smtp = Controller(clock, hostname="127.0.0.1", port=SMTP_PORT)
    smtp.start()
    person = Browser(stack.port)
    person.sign_up(f"fetch-hang-{now}", PASSWORD)
    try:
        with Tarpit(port=TARPIT_PORT) as tarpit, Articles(hosts=4, port=SITES_PORT) as sites:
            run = LoadRun(site, seconds=JOBS_WAIT)
            run.start()
            _sleep_until(run, SETTLE)
            print(f"  before: {PROBE_MAILS} mails and {PROBE_PAGES} pages timed", flush=True)
            mails_before = _mails_timed(stack, clock, f"before-{now}")
            pages = [sites.url(int(now) * 100 + n) for n in range(2 * PROBE_PAGES)]
            pages_before = _titles_timed(stack, person, pages[:PROBE_PAGES])
            for n in range(HUNG_SAVES):
                bookmark_add(person, url=tarpit.url(n), title=f"Hung page {n}")
            hung = [
                Bookmark((), tarpit.url(HUNG_SAVES + n), 0, False, False, [], f"Hung {n}", "")
                for n in range(HUNG_IMPORT)
            ]
            import_start(person, bookmark_file(hung))
            deadline = time.monotonic() + JOBS_WAIT
            while tarpit.holding() == 0 and time.monotonic() < deadline:
                time.sleep(0.05)
            print(
                f"  the hung site holds {tarpit.holding()} connections at t={run.clock():.1f} s",
                flush=True,
            )
            mails_during = _mails_timed(stack, clock, f"during-{now}")
            pages_during = _titles_timed(stack, person, pages[PROBE_PAGES:])
            most_held, accepted = tarpit.most_at_once, tarpit.accepted
            run.stop()
    finally:
        smtp.stop()
    verdict = judge_fetch_hang(
        run.samples,
        mails_before=mails_before,
        mails_during=mails_during,
        pages_before=pages_before,
        pages_during=pages_during,
        probes=(PROBE_MAILS, PROBE_PAGES),
        most_held=most_held,
        hung_accepted=accepted,
    )
    return run, verdict


def _stored_urls(stack, run: LoadRun) -> set[str]:
    """Return which of the bookmarks the site acknowledged its posters' exports hold."""
    posters = {client.username for client in run.threads if client.persona == "poster"}
    stored = set()
    for username in posters:
        stored |= exported_urls(manage(stack.env, "export_bookmarks", "--user", username).encode())
    return stored & set(run.acknowledged())


DRILLS = {
    "object-cache": drill_object_cache,
    "session-store": drill_session_store,
    "postgres": drill_postgres,
    "worker": drill_worker,
    "import-worker": drill_import_worker,
    "jobs-postgres": drill_jobs_postgres,
    "fetch-hang": drill_fetch_hang,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=40.0, help="load time of each drill")
    parser.add_argument("--only", choices=list(DRILLS), action="append")
    args = parser.parse_args()
    from drills.stack import Stack

    print(
        f"drills: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.node()}, "
        f"{os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}"
    )
    stack = Stack()
    stack.services_up()
    kept = stack.prepare(DATA_LABEL)
    verdicts = []
    try:
        stack.gunicorn_start()
        stack.jobs_start()
        site = seed(stack, kept=kept)
        for name in args.only or list(DRILLS):
            # Every drill starts from a whole stack, whatever the one before it left.
            stack.memcached_start()
            stack.postgres_start()
            stack.jobs_start()
            print(f"\n== {name}: 50 clients", flush=True)
            run, verdict = DRILLS[name](stack, site, args.seconds)
            # The first line and the kinds of errors; the machine's load says how busy it was.
            for line in summary_lines(summarize(run.samples, run.seconds)):
                if not line.startswith("  ") or line.startswith("  error:"):
                    print(f"  load: {line.strip()}")
            averages = ", ".join(f"{average:.1f}" for average in os.getloadavg())
            print(f"  machine load average (1, 5, 15 min): {averages}")
            for line in verdict.lines():
                print(line)
            verdicts.append(verdict)
    finally:
        stack.jobs_stop()
        stack.gunicorn_stop()
    passed = sum(v.passed for v in verdicts)
    print(f"\ndrills: {passed} of {len(verdicts)} passed")
    sys.exit(0 if passed == len(verdicts) else 1)


if __name__ == "__main__":
    main()
