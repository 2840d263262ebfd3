"""Gunicorn for the benchmark: the project's gunicorn.conf.py on a free port, and its workers' memory."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY = "bench-secret-key-not-for-production"  # noqa: S105 - the bench's throw-away databases only


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class Server:
    base_url: str
    master_pid: int

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.master_pid}/task/{self.master_pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def warm_up(self, path: str, headers: dict[str, str], requests: int = 6) -> None:
        """A few requests first, so each worker has compiled its templates and opened its connection."""
        for _ in range(requests):
            request = urllib.request.Request(self.base_url + path, headers=headers)  # noqa: S310
            with contextlib.suppress(urllib.error.HTTPError):  # 304 and the like: the page answered
                urllib.request.urlopen(request, timeout=120).close()  # noqa: S310

    def worker_rss_mb(self) -> list[float]:
        """VmRSS of each worker, in MB, from /proc/<pid>/status."""
        sizes = []
        for pid in self.worker_pids():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except FileNotFoundError:  # a worker replaced (max_requests) between the two reads
                continue
            line = next(line for line in status.splitlines() if line.startswith("VmRSS:"))
            sizes.append(int(line.split()[1]) / 1024)
        return sizes


def app_environment(database_url: str, **extra: str) -> dict[str, str]:
    """The environment the server and the bench's commands share (same database, same secret key)."""
    return {**os.environ, "DATABASE_URL": database_url, "FLASK_APP": "app",
            "SECRET_KEY": SECRET_KEY, "DPIA_ENV": "local", **extra}


@contextmanager
def gunicorn(database_url: str, *, workers: int, log: Path) -> Iterator[Server]:
    """Run `gunicorn -c gunicorn.conf.py 'app:create_app()'` until the block ends, its output in `log`.

    One departure from the configuration: `--max-requests 0`. Recycling a worker every ~2,000 requests
    is a guard against slow leaks; at bench rates it would replace both workers every few seconds, and
    the runs would measure worker start-up. (RSS is read at the end, so any growth still shows.)
    """
    port = free_port()
    env = app_environment(database_url, PORT=str(port), DPIA_BIND=f"127.0.0.1:{port}",
                          WEB_CONCURRENCY=str(workers), DPIA_BASE_URL=f"http://127.0.0.1:{port}")
    with log.open("ab") as output:
        process = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-c",  # noqa: S603
                                    "gunicorn.conf.py", "--max-requests", "0", "app:create_app()"],
                                   cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}", process.pid)
    try:
        _wait_until_up(server, process, workers)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_up(server: Server, process: subprocess.Popen, workers: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(f"{server.base_url}/healthz", timeout=5) as response:  # noqa: S310
                if response.status == 200 and len(server.worker_pids()) >= workers:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("gunicorn did not answer /healthz within 60 s")
