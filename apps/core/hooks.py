"""After-commit hooks that cannot stop each other, and task enqueues that cannot fail a request.

Django runs a transaction's ``on_commit`` hooks in order, and an exception in one skips every hook
after it (and reaches the view as a 500 though the data is committed). So every hook here catches
and logs its own errors: a cache bump that fails cannot keep the scoring task from being enqueued
(decision 15). Anything a failed hook did not do must be found again by a sweep from the rows in
the database: these hooks never carry the only record of work owed.

``enqueue`` sends a task by name. When the broker cannot take it, the failure is logged and, for
``BROKER_OUTAGE_RETRY_SECONDS``, later enqueues in this process are skipped without trying (each
attempt costs up to the connection timeout times the publish retries): the beat sweeps re-drive
every such task from the database (scoring, case and sponsorship e-mails, reminders, digests).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from celery import current_app
from django.db import transaction

logger = logging.getLogger(__name__)

BROKER_OUTAGE_RETRY_SECONDS = 10.0
# Broker URL -> the monotonic time until which this process does not try to publish there.
_broker_down_until: dict[str, float] = {}
_lock = threading.Lock()


def safe_on_commit(fn: Callable[[], Any], *, what: str, using: str | None = None) -> None:
    """``transaction.on_commit(fn)``, where an error in ``fn`` is logged and stops nothing else."""

    def hook() -> None:
        try:
            fn()
        except Exception:
            logger.exception("after-commit hook failed: %s (the hooks after it still run)", what)

    # The wrapped function's names, so that logs and tests that look at captured hooks see it.
    hook.__name__ = getattr(fn, "__name__", hook.__name__)
    hook.__qualname__ = getattr(fn, "__qualname__", hook.__qualname__)
    transaction.on_commit(hook, using=using)


def reset_broker_state() -> None:
    """Try the broker again on the next enqueue (tests, after they start Redis again)."""
    with _lock:
        _broker_down_until.clear()


def _broker() -> str:
    return str(current_app.conf.broker_url)


def broker_in_outage() -> bool:
    return time.monotonic() < _broker_down_until.get(_broker(), 0.0)


def enqueue(task_name: str, *args: Any) -> bool:
    """Send ``task_name`` now; False (logged, never raised) when the broker did not take it."""
    if broker_in_outage():
        logger.warning("broker unavailable: %s%r not enqueued; the sweep will re-drive it", task_name, args)
        return False
    try:
        current_app.send_task(task_name, args=list(args))
    except Exception as error:
        with _lock:
            _broker_down_until[_broker()] = time.monotonic() + BROKER_OUTAGE_RETRY_SECONDS
        logger.warning(
            "could not enqueue %s%r (%s: %s); the sweep will re-drive it",
            task_name,
            args,
            type(error).__name__,
            error,
        )
        return False
    return True
