"""Real job workers for tests: the Procfile's lanes, as `manage.py jobs_worker` processes.

A worker is another process: it sees only committed rows, so tests that use one need
`transactional_db`. It runs against pytest-django's test database (TEST_DATABASE_URL, read by
tests/settings.py) with the test settings, and counts as started once its heartbeat is in the
database.
"""

import os
import shlex
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
WAIT_SECONDS = 60


def procfile_command(name: str) -> list[str]:
    """Return the argv of one Procfile line, run by this interpreter."""
    for line in (ROOT / "Procfile").read_text().splitlines():
        process, colon, command = line.partition(":")
        if colon and process == name:
            argv = shlex.split(command)
            return [sys.executable, *argv[1:]] if argv[0] == "python" else argv
    raise LookupError(f"the Procfile has no {name!r} line")


def procfile_option(name: str, option: str) -> str:
    """Return the value of `--option=value` on one Procfile line."""
    prefix = f"--{option}="
    return next(arg[len(prefix) :] for arg in procfile_command(name) if arg.startswith(prefix))


def worker_database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def wait_until(check: Callable[[], object], what: str, seconds: float = WAIT_SECONDS) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {seconds:.0f} s for {what}")
        time.sleep(0.05)


def newest_worker_id() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM procrastinate_workers")
        return cursor.fetchone()[0]


def jobs_clear() -> None:
    """Forget every job and worker: Django's flush leaves Procrastinate's (unmanaged) tables."""
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE procrastinate_events, procrastinate_periodic_defers, procrastinate_jobs,"
            " procrastinate_workers"
        )


def job_rows(task_name: str) -> list[tuple[str, int]]:
    """Return the (status, attempts) of a task's jobs still in the table."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT status, attempts FROM procrastinate_jobs WHERE task_name = %s ORDER BY id",
            [task_name],
        )
        return cursor.fetchall()


class WorkerProcess:
    """One lane of the Procfile (`interactive` or `bulk`), started with `with WorkerProcess(…):`."""

    def __init__(self, lane: str, *, env: dict[str, str] | None = None):
        self.lane = lane
        self.env = env or {}
        self.process: subprocess.Popen | None = None
        descriptor, name = tempfile.mkstemp(prefix=f"kwippy-worker-{lane}-", suffix=".log")
        os.close(descriptor)
        self.log = Path(name)

    def start(self) -> None:
        before = newest_worker_id()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "TEST_DATABASE_URL": worker_database_url(),
            **self.env,
        }
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                procfile_command(self.lane), cwd=ROOT, env=env, stdout=log, stderr=log
            )
        wait_until(
            lambda: newest_worker_id() > before or self.process.poll() is not None,
            f"the {self.lane} worker's heartbeat",
        )
        assert self.process.poll() is None, self.output()

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL: the worker leaves its job "doing", as a lost machine would."""
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None

    def __enter__(self) -> "WorkerProcess":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
        self.log.unlink()
