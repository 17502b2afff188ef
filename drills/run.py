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
"""

import argparse
import os
import platform
import signal
import sys
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from bench.site import Browser, exported_urls, manage
from drills.load import (
    DATA_LABEL,
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
        site = seed(stack, kept=kept)
        for name in args.only or list(DRILLS):
            # Every drill starts from a whole stack, whatever the one before it left.
            stack.memcached_start()
            stack.postgres_start()
            print(f"\n== {name}: 50 clients for {args.seconds:g} s", flush=True)
            run, verdict = DRILLS[name](stack, site, args.seconds)
            for line in summary_lines(summarize(run.samples, args.seconds))[:1]:
                print(f"  load: {line}")
            for line in verdict.lines():
                print(line)
            verdicts.append(verdict)
    finally:
        stack.gunicorn_stop()
    passed = sum(v.passed for v in verdicts)
    print(f"\ndrills: {passed} of {len(verdicts)} passed")
    sys.exit(0 if passed == len(verdicts) else 1)


if __name__ == "__main__":
    main()
