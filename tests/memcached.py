"""A memcached process of a test's own, on a free port, that the test can stop, restart or hang."""

import os
import shutil
import signal
import socket
import subprocess
import time


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as conn:
            conn.sendall(b"version\r\n")
            return conn.recv(64).startswith(b"VERSION ")
    except OSError:
        return False


class MemcachedProcess:
    """Start with `with MemcachedProcess() as m:`; `m.address` is its `host:port`."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"memcached://{self.address}"

    def start(self) -> None:
        command = [
            shutil.which("memcached") or "memcached",
            "-l",
            "127.0.0.1",
            "-p",
            str(self.port),
        ]
        command += ["-U", "0", "-m", "16"]
        if os.geteuid() == 0:
            command += ["-u", "nobody"]
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 10
        while not answers(self.port):
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError(f"memcached did not start on port {self.port}")
            time.sleep(0.02)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def hang(self) -> None:
        """Pause the process: it keeps accepting connections but never answers."""
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)

    def __enter__(self) -> "MemcachedProcess":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
