"""Run the drills' own kwippy: PostgreSQL, two memcached, gunicorn and a job worker's two lanes,
each stoppable at will.

The services are those of `scripts/services --profile drills`: their own ports and their own
PostgreSQL cluster under var/drills/, never the development or test ones, so a drill may kill and
restart them freely. They are driven through that script's own functions, one service at a time.
The environment and the database come from the benchmarks' helpers (bench/site.py), which drive
kwippy through `manage.py` and HTTP only.

Gunicorn is started here rather than with the benchmarks' helper, because the drills need what it
does not give: gunicorn's own worker timeout (drills/load.py counts on it), its log in a file (a
pipe nobody reads fills up under a fault and blocks the server), all its workers up before the
load starts, and their process ids, to kill one.

The job worker is the Procfile's `interactive` and `bulk` lanes (as bench/site.py reads them), one
process each, as `make run` starts them; each can be killed and started again on its own, as a
supervisor would. Their mail goes to SMTP_PORT, where a drill may listen.
"""

import importlib.machinery
import importlib.util
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent

from bench import site  # noqa: E402
from config.local_services import profile  # noqa: E402

# Shifted like every other port, so that two checkouts can run the drills side by side; below
# the kernel's ephemeral range (32768 on), where a client's port could already hold it.
PORT = 28600 + int(os.environ.get("KWIPPY_PORT_OFFSET") or 0)
SMTP_PORT = 27000 + int(os.environ.get("KWIPPY_PORT_OFFSET") or 0)
# The fetch-hang drill's local sites (bench/websites.py), on loopback addresses of their own.
TARPIT_PORT = 27100 + int(os.environ.get("KWIPPY_PORT_OFFSET") or 0)
SITES_PORT = 27200 + int(os.environ.get("KWIPPY_PORT_OFFSET") or 0)
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

    def __init__(self, *, workers: int = WORKERS, port: int = PORT, services: str = "drills"):
        # Another profile's services (tests restart the test PostgreSQL) with the same methods.
        self.services = profile(services)
        self.script = _services_script()
        self.workers = workers
        self.port = port
        self.env = {
            **site.environment(self.services, DATABASE, "config.settings"),
            "EMAIL_URL": f"smtp://127.0.0.1:{SMTP_PORT}",
            # The fetch-hang drill's sites are on loopback, which the fetcher refuses by default.
            "LINK_FETCH_ALLOWED_NETWORKS": "127.0.0.0/8",
        }
        self.gunicorn: subprocess.Popen | None = None
        self.lanes: dict[str, subprocess.Popen] = {}

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

    # The job worker ----------------------------------------------------------------------

    def jobs_start(self) -> None:
        """Start whichever lane is not running, and wait until each has registered."""
        VAR.mkdir(parents=True, exist_ok=True)
        for name, argv in site.JOB_LANES.items():
            if name in self.lanes and self.lanes[name].poll() is None:
                continue
            before = self.newest_worker()
            with (VAR / f"{name}.log").open("ab") as log:
                lane = subprocess.Popen(
                    [sys.executable, *argv], cwd=ROOT, env=self.env, stdout=log, stderr=log
                )
            self.lanes[name] = lane

            def registered(lane=lane, name=name, before=before) -> bool:
                if lane.poll() is not None:
                    raise RuntimeError(f"the {name} lane exited: see var/drills/{name}.log")
                return self.newest_worker() > before

            _wait(registered, f"the {name} lane")

    def jobs_kill(self, name: str) -> int:
        """SIGKILL a lane, as a lost machine would: its jobs stay "doing". Return its pid."""
        lane = self.lanes.pop(name)
        lane.kill()
        lane.wait()
        return lane.pid

    def jobs_stop(self) -> None:
        for lane in self.lanes.values():
            lane.terminate()
        for lane in self.lanes.values():
            try:
                lane.wait(timeout=30)
            except subprocess.TimeoutExpired:
                lane.kill()
                lane.wait()
        self.lanes = {}

    def jobs_pids(self) -> dict[str, int | None]:
        """Return each lane's process id, or None when it has exited."""
        return {
            name: lane.pid if lane.poll() is None else None for name, lane in self.lanes.items()
        }

    def newest_worker(self) -> int:
        return self.sql("SELECT coalesce(max(id), 0) FROM procrastinate_workers")[0][0]

    def sql(self, statement: str, params: tuple = ()) -> list[tuple]:
        """Run one statement on the drills' database and return its rows."""
        with psycopg.connect(self.env["DATABASE_URL"], autocommit=True) as conn:
            cursor = conn.execute(statement, params)
            return cursor.fetchall() if cursor.description else []

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
