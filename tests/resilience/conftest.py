"""Each resilience test starts with the broker trusted again: no outage remembered from a previous test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from apps.core.hooks import reset_broker_state


@pytest.fixture(autouse=True)
def _no_remembered_outage() -> Iterator[None]:
    reset_broker_state()
    yield
    reset_broker_state()
