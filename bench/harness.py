"""What the load benchmarks share: a gunicorn started with the production configuration on a free
loopback port, stopped with everything it started, and the statistics they report."""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)  # gunicorn and celery stop their own workers gracefully
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # its own session: only what this script started
        process.wait()


@contextlib.contextmanager
def gunicorn(env: dict[str, str], workers: int, log_dir: Path) -> Iterator[tuple[int, Path, int]]:
    """Start gunicorn on a free loopback port; once /healthz answers, yield its port, log and pid."""
    port = free_port()
    log_path = log_dir / f"gunicorn-{workers}.log"
    command = [
        str(BIN / "gunicorn"),
        "-c",
        "config/gunicorn.py",  # the production settings (threaded workers, keep-alive)
        "config.wsgi",
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--backlog",
        "256",
        "--error-logfile",
        str(log_path),
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        wait_healthy(port, process, log_path)
        yield port, log_path, process.pid
    finally:
        stop(process)


def wait_healthy(port: int, process: subprocess.Popen[bytes], log_path: Path, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"gunicorn exited with code {process.returncode}:\n{log_path.read_text()[-3000:]}"
            )
        with contextlib.suppress(OSError, http.client.HTTPException):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                conn.close()
                return
        time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not answer /healthz within {timeout}s:\n{log_path.read_text()[-3000:]}")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process (Linux /proc); 0 when it cannot be read."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(ordered: list[float], fraction: float) -> float:
    """Nearest-rank percentile of a sorted list."""
    if not ordered:
        return float("nan")
    rank = max(1, round(fraction * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]
