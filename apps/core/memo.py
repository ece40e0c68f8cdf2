"""A small per-process memo with expiry, for data that changes rarely and is read on every request."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

_T = TypeVar("_T")


class TtlMemo(Generic[_T]):
    """A small per-process memo whose values are recomputed ``ttl`` seconds after they were made.

    Exceptions are not remembered (an unknown version is looked up again every time). Safe for
    threaded workers: at worst two threads compute the same value once each.
    """

    def __init__(
        self, ttl: float, *, max_entries: int = 64, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self.clock = clock
        self._entries: dict[Hashable, tuple[float, _T]] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], _T]) -> _T:
        now = self.clock()
        entry = self._entries.get(key)
        if entry is not None and entry[0] > now:
            return entry[1]
        value = compute()
        with self._lock:
            if len(self._entries) >= self.max_entries:
                self._entries = {k: e for k, e in self._entries.items() if e[0] > now}
            self._entries[key] = (now + self.ttl, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries = {}
