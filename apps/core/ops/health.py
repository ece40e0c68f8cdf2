"""Readiness checks: each returns "ok" or a short reason; none takes longer than about two seconds.

- database: a connection and ``SELECT 1``;
- cache: a PING to the cache's Redis (the URL in ``CACHES["default"]["LOCATION"]``), with a short
  timeout, straight through redis-py so a cache wrapper that fails open cannot hide an outage;
- migrations: no migration of any app is unapplied (a web process of the new release must not take
  traffic before ``migrate`` ran). Once seen complete, it is not asked again by this process.

``READINESS_CHECKS`` (comma-separated) chooses the checks that decide readiness; ``READINESS_REPORTS``
those only shown (by default the cache: the service works without it). Decision 10 says why.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

logger = logging.getLogger(__name__)

_migrations_complete = False


def check_database() -> str:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def check_cache() -> str:
    import redis

    location = settings.CACHES["default"].get("LOCATION", "")
    if not isinstance(location, str) or not location.startswith(("redis://", "rediss://", "unix://")):
        # The cache wraps or replaces the Redis one: ping the cache's Redis server itself.
        location = getattr(settings, "REDIS_URL", "")
    if not location:
        return "ok"
    client = redis.Redis.from_url(location, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    finally:
        client.close()
    return "ok"


def check_migrations() -> str:
    global _migrations_complete
    if _migrations_complete:
        return "ok"
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        return f"{len(plan)} unapplied migration(s)"
    _migrations_complete = True
    return "ok"


def reported() -> list[str]:
    """Checks shown by /readyz that do not make a pod unready (the cache: decision 10)."""
    gating = set(getattr(settings, "READINESS_CHECKS", list(CHECKS)))
    return [name for name in getattr(settings, "READINESS_REPORTS", []) if name not in gating]


CHECKS: dict[str, Callable[[], str]] = {
    "database": check_database,
    "cache": check_cache,
    "migrations": check_migrations,
}


def run_checks() -> dict[str, str]:
    """Every check asked for: ``READINESS_CHECKS`` (they decide readiness), then
    ``READINESS_REPORTS`` (checked and shown, never deciding)."""
    names = [*getattr(settings, "READINESS_CHECKS", list(CHECKS)), *reported()]
    results: dict[str, str] = {}
    for name in dict.fromkeys(names):
        if name == "migrations" and results.get("database", "ok") != "ok":
            results[name] = "skipped: no database"
            continue
        try:
            results[name] = CHECKS[name]()
        except Exception as error:  # a probe reports; it never raises
            logger.warning("readiness check %s failed: %s", name, type(error).__name__)
            results[name] = f"failed: {type(error).__name__}"
    return results
