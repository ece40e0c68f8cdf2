"""Each resilience test starts with Redis trusted again: no outage remembered from a previous test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from apps.core.cache import reset_outage_state
from apps.core.hooks import reset_broker_state
from tests.resilience.redis_server import RedisServer, pointed_at, redis_server


@pytest.fixture(autouse=True)
def _no_remembered_outage() -> Iterator[None]:
    reset_outage_state()
    reset_broker_state()
    yield
    reset_outage_state()
    reset_broker_state()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RedisServer]:
    """A dedicated Redis serving as both the cache and the broker for the test."""
    with (
        redis_server(tmp_path / "redis") as running,
        pointed_at(cache_url=running.url, broker_url=running.url),
    ):
        yield running
