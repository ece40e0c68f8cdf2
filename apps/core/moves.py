"""The one mechanism by which a row with a life cycle changes state (decision 51).

A ``MoveTable`` declares, for one model, its moves: each ``Move`` names the states it may happen in
(``allowed_from``), the state it leads to (``to``, or ``SAME`` for a move that keeps the status:
assigning, confirming a roster match, verifying a claim) and its audit name (``event``). ``apply``
is the one function that performs a move: lock the row, check the version and the state, set the
move's fields, bump the version, and save inside the audit context. Everything a caller adds (the
timeline event, the side effects after commit) happens in the same transaction, around ``apply``.

The audit vocabulary is the same for every table: ``actor`` (the user's id, none for the system),
``move`` (the move's event name) and ``reason``. History written before this vocabulary used
``action`` (and ``user`` for the actor): ``context_move`` and ``context_actor`` are the one place
that reads the old keys.

Cases (apps.cases.transitions), sponsorships (apps.cases.sponsorships) and the organisations'
ownership and SME claims (apps.organisations.services) each declare a table here; this module knows
none of them (it is below every app that has a life cycle).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import pghistory
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.functional import Promise

M = TypeVar("M", bound=models.Model)

SAME = "(same)"  # Move.to for a move that keeps the status

# The audit context's keys; the old ones are read by context_move/context_actor only.
AUDIT_KEYS = ("actor", "move", "reason")
LEGACY_MOVE_KEYS = ("action",)
LEGACY_ACTOR_KEYS = ("user",)

Change = Callable[[Any, dt.datetime], Mapping[str, Any]]


def no_change(obj: Any, now: dt.datetime) -> Mapping[str, Any]:
    return {}


@dataclass(frozen=True, slots=True)
class Move:
    name: str | Promise  # for messages: "submitted", "withdrawn", ...
    allowed_from: frozenset[str]
    to: str  # a status, or SAME
    event: str  # the audit context's "move", and the timeline event's kind where there is one
    refusal: str | Promise | None = None  # the table's message is used when None

    def target(self, current: str) -> str:
        return current if self.to == SAME else self.to

    @property
    def keeps_status(self) -> bool:
        return self.to == SAME


class MoveRefused(Exception):
    """The row is not in a state that allows this move (or someone else moved it first)."""


class StaleRow(Exception):
    """The row changed since the actor loaded it (optimistic concurrency)."""


@dataclass(frozen=True)
class MoveTable(Generic[M]):
    """The declared moves of one model's life cycle."""

    model: type[M]
    moves: tuple[Move, ...]
    status_field: str = "status"
    version_field: str | None = None
    # How a refused move is reported when the move has no refusal of its own.
    refused: Callable[[M, Move], Exception] = field(
        default=lambda obj, move: ValidationError(str(move.refusal or move.name))
    )

    def allowed(self, obj: M) -> tuple[Move, ...]:
        """The moves the row's current state allows (who may make them is the callers' guard)."""
        status = getattr(obj, self.status_field)
        return tuple(move for move in self.moves if status in move.allowed_from)

    def owns(self, move: Move) -> bool:
        return move in self.moves

    @property
    def state_fields(self) -> tuple[str, ...]:
        return tuple(name for name in (self.status_field, self.version_field) if name)


@dataclass(frozen=True, slots=True)
class Applied(Generic[M]):
    row: M  # the locked row, as saved
    from_status: str
    now: dt.datetime


@contextmanager
def audit(*, by: Any, move: str, reason: str = "") -> Iterator[None]:
    """The pghistory context of a move: who (``actor``), which move, and why."""
    with pghistory.context(actor=getattr(by, "pk", by), move=str(move), reason=reason):
        yield


def context_move(metadata: Mapping[str, Any]) -> Any:
    """The move recorded in a pghistory context (older rows said ``action``)."""
    for key in ("move", *LEGACY_MOVE_KEYS):
        if metadata.get(key):
            return metadata[key]
    return None


def context_actor(metadata: Mapping[str, Any]) -> Any:
    """The actor's id recorded in a pghistory context (older rows said ``user``)."""
    for key in ("actor", *LEGACY_ACTOR_KEYS):
        if metadata.get(key):
            return metadata[key]
    return None


def apply(
    table: MoveTable[M],
    *,
    pk: Any,
    move: Move,
    by: Any,
    reason: str = "",
    expected_version: int | None = None,
    change: Change = no_change,
    queryset: models.QuerySet[M] | None = None,
    now: dt.datetime | None = None,
) -> Applied[M]:
    """Perform ``move`` on the row ``pk`` of ``table``; call it inside the caller's transaction.

    ``change(locked, now)`` checks what only the caller knows (under the lock) and returns the move's
    own fields and their values; it never assigns them itself. A refused move changes nothing.
    """
    if not table.owns(move):
        raise ValueError(f"{move.event} is not a move of {table.model.__name__}")
    locked = (
        (queryset if queryset is not None else table.model._default_manager).select_for_update().get(pk=pk)
    )
    if expected_version is not None and getattr(locked, str(table.version_field)) != expected_version:
        raise StaleRow(str(locked))
    from_status = getattr(locked, table.status_field)
    if from_status not in move.allowed_from:
        raise table.refused(locked, move)
    now = now or timezone.now()
    fields = dict(change(locked, now))
    fields[table.status_field] = move.target(from_status)
    if table.version_field:
        fields[table.version_field] = getattr(locked, table.version_field) + 1
    _save(locked, fields, by=by, move=move.event, reason=reason)
    return Applied(row=locked, from_status=from_status, now=now)


def _save(row: models.Model, fields: Mapping[str, Any], *, by: Any, move: str, reason: str) -> None:
    for name, value in fields.items():
        setattr(row, name, value)
    touched = [f.name for f in row._meta.concrete_fields if getattr(f, "auto_now", False)]
    with audit(by=by, move=move, reason=reason):
        row.save(update_fields=[*fields, *touched])


def back_date(row: models.Model, fields: Mapping[str, Any], *, why: str) -> None:
    """The one entry that rewrites a row's clock fields after the fact: demo and history data only.

    Real moves take their times from the clock as they happen; demo data needs cases that were
    "submitted two weeks ago". This writes the given fields through ``save`` (so every post_save
    reaction runs, as for a move) under the audit context ``move="back_dated"``, ``reason=why``.
    """
    _save(row, fields, by=None, move="back_dated", reason=why)
