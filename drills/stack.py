"""Run the drills' own kwippy: PostgreSQL, two memcached and gunicorn, each stoppable at will.

The services are those of `scripts/services --profile drills`: their own ports and their own
PostgreSQL cluster under var/drills/, never the development or test ones, so a drill may kill and
restart them freely. They are driven through that script's own functions, one service at a time.
The environment and the database come from the benchmarks' helpers (bench/site.py), which drive
kwippy through `manage.py` and HTTP only.

Gunicorn is started here rather than with the benchmarks' helper, because the drills need what it
does not give: gunicorn's own worker timeout (drills/load.py counts on it), its log in a file (a
pipe nobody reads fills up under a fault and blocks the server), all its workers up before the
load starts, and their process ids, to kill one.
"""

import importlib.machinery
import importlib.util
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from bench import site  # noqa: E402
from config.local_services import profile  # noqa: E402

# Shifted like every other port, so that two checkouts can run the drills side by side; below
# the kernel's ephemeral range (32768 on), where a client's port could already hold it.
PORT = 28600 + int(os.environ.get("KWIPPY_PORT_OFFSET") or 0)
WORKERS = 4
VAR = ROOT / "var" / "drills"
DATABASE = "kwippy_drills"


def _services_script():
    """Load `scripts/services` (a script without a .py suffix) as a module."""
    loader = importlib.machinery.SourceFileLoader(
        "kwippy_services_script", str(ROOT / "scripts" / "services")
    )
    spec = importlib.util.spec_from_loader(loader.name, loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


class Stack:
    """The drills' services and gunicorn; every method waits until what it did has happened."""

    def __init__(self, *, workers: int = WORKERS, port: int = PORT):
        self.services = profile("drills")
        self.script = _services_script()
        self.workers = workers
        self.port = port
        self.env = site.environment(self.services, DATABASE, "config.settings")
        self.gunicorn: subprocess.Popen | None = None

    # Services ------------------------------------------------------------------------------

    def services_up(self) -> None:
        self.script.up(self.services)

    def services_down(self) -> None:
        self.script.down(self.services)

    def memcached_port(self, role: str) -> int:
        return self.script.memcached_roles(self.services)[role]

    def memcached_stop(self, role: str) -> None:
        """Stop the `objects` or `sessions` memcached and wait until its port refuses."""
        pidfile = self.script.memcached_pidfile(self.services, role)
        pid = int(pidfile.read_text())
        os.kill(pid, signal.SIGTERM)
        _wait(lambda: not self.script.memcached_answers(self.memcached_port(role)), "memcached")
        pidfile.unlink()

    def memcached_start(self) -> None:
        """Start whichever memcached is not running (empty, as after any restart)."""
        self.script.memcached_up(self.services)

    def postgres_stop(self) -> None:
        """Stop PostgreSQL the hard way (`immediate`: no checkpoint, as in a crash)."""
        data = self.script.pg_dir(self.services)
        self.script.as_postgres(
            [self.script.pg_tool("pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def postgres_start(self) -> None:
        """Start PostgreSQL and wait until it accepts connections."""
        self.script.pg_up(self.services)

    # The site ------------------------------------------------------------------------------

    def prepare(self, label: str) -> bool:
        """Migrate the database and collect static files; return whether it holds `label`'s data.

        A database labelled otherwise (or not at all) is built afresh: see `label`.
        """
        kept = site.database_label(self.services, DATABASE) == label
        if not kept:
            site.database_create(self.services, DATABASE)
        site.manage(self.env, "migrate", "--noinput")
        site.manage(self.env, "collectstatic", "--noinput")
        return kept

    def label(self, label: str) -> None:
        """Say that the database now holds `label`'s data, for the next run to keep."""
        site.database_label_set(self.services, DATABASE, label)

    def gunicorn_start(self) -> None:
        VAR.mkdir(parents=True, exist_ok=True)
        log = (VAR / "gunicorn.log").open("ab")
        self.gunicorn = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "config.wsgi",
                "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers),
                "--log-level", "warning",
            ],
            cwd=ROOT, env=self.env, stdout=log, stderr=log,
        )  # fmt: skip
        log.close()
        _wait(self._serving, "gunicorn")

    def _serving(self) -> bool:
        if self.gunicorn.poll() is not None:
            raise RuntimeError(f"gunicorn exited: see {VAR.relative_to(ROOT)}/gunicorn.log")
        return self.healthy() and len(self.worker_pids()) == self.workers

    def gunicorn_stop(self) -> None:
        if self.gunicorn is not None and self.gunicorn.poll() is None:
            self.gunicorn.terminate()
            try:
                self.gunicorn.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.gunicorn.kill()
                self.gunicorn.wait()
        self.gunicorn = None

    def worker_pids(self) -> list[int]:
        """Return the process ids of gunicorn's live workers."""
        if self.gunicorn is None:
            return []
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            # After the command: state, then the parent's id; a zombie is not a live worker.
            if int(fields[1]) == self.gunicorn.pid and fields[0] != "Z":
                children.append(int(stat.parent.name))
        return sorted(children)

    def healthy(self) -> bool:
        import http.client

        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
            conn.request("GET", "/healthz")
            return conn.getresponse().status == 200
        except OSError:
            return False


def _wait(check, what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not get there within {timeout:.0f} s")
        time.sleep(0.05)
