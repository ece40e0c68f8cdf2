"""Django's Redis cache, made to survive Redis being down or refusing writes (decision 14).

``ResilientRedisCache`` is Django's ``RedisCache`` with one difference: when a command fails (Redis
unreachable, timing out, or refusing it: read-only, out of memory, too few replicas), the failure
is logged once and, for ``OUTAGE_RETRY_SECONDS`` (5 by default), this process stops asking Redis and
serves every cache call from its own memory (a ``LocMemCache`` per cache location) instead. Then it
tries Redis again. So:

- a cache read during an outage is a miss (or what this process stored meanwhile), never an error;
- a write or a version bump goes to this process's memory and is otherwise lost, never an error;
- allauth's rate limits (a history list per key, kept in the cache) become per-process limits, and
  its "a TOTP code works once" check per-process, until Redis is back.

Callers that must know whether the *shared* value was read (a per-process value would be wrong
for them) use ``get_shared`` / ``set_shared``, which raise ``SharedCacheUnavailable`` instead of
falling back: the idle sign-out of staff (fail closed) and the queue counts (computed instead).

Connections time out after a second by default (``socket_connect_timeout``, ``socket_timeout`` in
``OPTIONS``), so a Redis that does not answer at all costs one request one second, not minutes.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any
from urllib.parse import urlsplit

import redis
from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

DEFAULT_OUTAGE_RETRY_SECONDS = 5.0
DEFAULT_SOCKET_TIMEOUT = 1.0
FALLBACK_MAX_ENTRIES = 10_000

# Cache location -> the monotonic time until which this process does not try Redis there.
_outage_until: dict[str, float] = {}
_lock = threading.Lock()


class SharedCacheUnavailable(Exception):
    """The shared cache (Redis) could not answer; no per-process value was substituted."""


def reset_outage_state() -> None:
    """Try Redis again on the next call (tests, after they start Redis again)."""
    with _lock:
        _outage_until.clear()


def _where(location: str) -> str:
    """host:port of a Redis URL, without any password it may carry (for logs)."""
    parts = urlsplit(location)
    return f"{parts.hostname}:{parts.port or 6379}"


class ResilientRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS") or {})
        self.outage_retry_seconds = float(options.pop("OUTAGE_RETRY_SECONDS", DEFAULT_OUTAGE_RETRY_SECONDS))
        options.setdefault("socket_connect_timeout", DEFAULT_SOCKET_TIMEOUT)
        options.setdefault("socket_timeout", DEFAULT_SOCKET_TIMEOUT)
        super().__init__(server, {**params, "OPTIONS": options})
        self._location = server if isinstance(server, str) else ",".join(server)
        fallback_params = {
            "TIMEOUT": params.get("TIMEOUT", 300),
            "KEY_PREFIX": params.get("KEY_PREFIX", ""),
            "VERSION": params.get("VERSION", 1),
            "OPTIONS": {"MAX_ENTRIES": FALLBACK_MAX_ENTRIES},
        }
        # LocMemCache keeps its data per name in the module: every thread of this process shares it.
        self.fallback = LocMemCache(f"redis-fallback:{self._location}", fallback_params)

    # --- the outage state (per process and location) ----------------------------------------------

    @property
    def in_outage(self) -> bool:
        until = _outage_until.get(self._location)
        return until is not None and time.monotonic() < until

    def report_failure(self, operation: str, error: redis.exceptions.RedisError) -> None:
        """Stop asking Redis for a few seconds (logged once per outage, without the URL's password)."""
        with _lock:
            already = self.in_outage
            _outage_until[self._location] = time.monotonic() + self.outage_retry_seconds
        if not already:
            logger.warning(
                "cache: Redis at %s failed on %s (%s: %s); this process uses its own memory for %.0f s",
                _where(self._location),
                operation,
                type(error).__name__,
                error,
                self.outage_retry_seconds,
            )

    def _call(self, operation: str, *args: Any, **kwargs: Any) -> Any:
        if not self.in_outage:
            try:
                return getattr(super(), operation)(*args, **kwargs)
            except redis.exceptions.RedisError as error:
                self.report_failure(operation, error)
        return getattr(self.fallback, operation)(*args, **kwargs)

    # --- the shared value only --------------------------------------------------------------------

    def get_shared(self, key: str, default: Any = None, version: int | None = None) -> Any:
        if self.in_outage:
            raise SharedCacheUnavailable(_where(self._location))
        try:
            return super().get(key, default, version)
        except redis.exceptions.RedisError as error:
            self.report_failure("get", error)
            raise SharedCacheUnavailable(_where(self._location)) from error

    def set_shared(
        self, key: str, value: Any, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None
    ) -> None:
        if self.in_outage:
            raise SharedCacheUnavailable(_where(self._location))
        try:
            super().set(key, value, timeout, version)
        except redis.exceptions.RedisError as error:
            self.report_failure("set", error)
            raise SharedCacheUnavailable(_where(self._location)) from error

    # --- every BaseCache operation, through _call ------------------------------------------------

    def add(
        self, key: str, value: Any, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        return bool(self._call("add", key, value, timeout, version))

    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        return self._call("get", key, default, version)

    def set(
        self, key: str, value: Any, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None
    ) -> None:
        self._call("set", key, value, timeout, version)

    def touch(self, key: str, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return bool(self._call("touch", key, timeout, version))

    def delete(self, key: str, version: int | None = None) -> bool:
        return bool(self._call("delete", key, version))

    def get_many(self, keys: Any, version: int | None = None) -> dict[str, Any]:
        return dict(self._call("get_many", keys, version))

    def has_key(self, key: str, version: int | None = None) -> bool:
        return bool(self._call("has_key", key, version))

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        return int(self._call("incr", key, delta, version))

    def set_many(
        self, data: dict[str, Any], timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list[str]:
        return list(self._call("set_many", data, timeout, version) or [])

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        self._call("delete_many", keys, version)

    def clear(self) -> None:
        self.fallback.clear()
        self._call("clear")


# --- For callers that need the shared value, whatever the configured backend ----------------------


def _default() -> BaseCache:
    return caches["default"]


def get_shared(key: str, default: Any = None) -> Any:
    """The value in the shared cache, or ``SharedCacheUnavailable`` (never a per-process substitute)."""
    backend = _default()
    if isinstance(backend, ResilientRedisCache):
        return backend.get_shared(key, default)
    try:
        return backend.get(key, default)
    except redis.exceptions.RedisError as error:  # a plain RedisCache, say
        raise SharedCacheUnavailable(str(error)) from error


def set_shared(key: str, value: Any, timeout: float | None = DEFAULT_TIMEOUT) -> None:
    """Store in the shared cache, or raise ``SharedCacheUnavailable``."""
    backend = _default()
    if isinstance(backend, ResilientRedisCache):
        backend.set_shared(key, value, timeout)
        return
    try:
        backend.set(key, value, timeout)
    except redis.exceptions.RedisError as error:
        raise SharedCacheUnavailable(str(error)) from error


def shared_cache_in_outage() -> bool:
    """Whether this process is off the shared cache for now (it failed a moment ago)."""
    backend = _default()
    return isinstance(backend, ResilientRedisCache) and backend.in_outage


def report_shared_cache_failure(operation: str, error: redis.exceptions.RedisError) -> None:
    """A caller that talks to the cache's Redis directly (the API throttle) reports its failure,
    so that the rest of this process stops trying too."""
    backend = _default()
    if isinstance(backend, ResilientRedisCache):
        backend.report_failure(operation, error)
    else:
        logger.warning("cache: Redis failed on %s (%s: %s)", operation, type(error).__name__, error)
