"""`make run`: the whole application on one machine, with demo data.

Starts (or reuses) the data stores through scripts/services.py, migrates, loads demo data, then
runs the same three processes docker-compose.yml runs: gunicorn (web), a Celery worker and one
Celery beat. Ctrl-C stops the processes first and the embedded servers last, leaving nothing behind.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from services import PROJECT_ROOT, log, services

PYTHON = sys.executable
BIN = Path(PYTHON).parent


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], env=env, cwd=PROJECT_ROOT, check=True, stdout=subprocess.PIPE, text=True
    )
    return result.stdout


def start(name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    log(f"starting {name}: {' '.join(command)}")
    # Own session: a Ctrl-C reaches only this script, which then stops everything in order.
    return subprocess.Popen(command, env=env, cwd=PROJECT_ROOT, start_new_session=True)


def stop_all(processes: dict[str, subprocess.Popen[bytes]]) -> None:
    for process in processes.values():
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 20
    for name, process in processes.items():
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            log(f"{name} did not stop in time; killing it")
            process.kill()
            process.wait()
        log(f"{name} stopped")


def main() -> int:
    port = os.environ.get("PORT", "8000")
    stop_requested = False

    def request_stop(_signum: int, _frame: object) -> None:
        nonlocal stop_requested
        stop_requested = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)

    with services("dev") as env:
        env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
        manage(env, "migrate", "--noinput")
        demo_logins = manage(env, "load_demo")
        processes = {
            "web": start(
                "web",
                [
                    str(BIN / "gunicorn"),
                    "-c",
                    "config/gunicorn.py",
                    "config.wsgi",
                    "--bind",
                    f"127.0.0.1:{port}",
                ],
                env,
            ),
            "worker": start(
                "worker",
                [str(BIN / "celery"), "-A", "config", "worker", "--loglevel=INFO", "--concurrency=2"],
                env,
            ),
            "beat": start("beat", [str(BIN / "celery"), "-A", "config", "beat", "--loglevel=INFO"], env),
        }
        time.sleep(3)  # let the processes print their banners first, so this stays on screen
        print(demo_logins, flush=True)
        log(f"K-Tech Pass is running at http://127.0.0.1:{port}/  (Ctrl-C stops everything)")
        try:
            while not stop_requested:
                for name, process in processes.items():
                    if process.poll() is not None:
                        log(f"{name} exited with code {process.returncode}; stopping the rest")
                        stop_requested = True
                time.sleep(0.5)
        finally:
            stop_all(processes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
