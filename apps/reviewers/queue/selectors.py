"""Reads for the ministry queue: filters, the keyset page, the counts, each reviewer's caseload.

Built for a million cases: every list reads open cases in ``(due_at, id)`` order from the partial
index ``case_open_due_idx`` (or ``case_open_assignee_idx``), pages by keyset (``after`` / ``before``
cursors, never OFFSET), and the counts are one aggregate query. Days left are computed in Python
from each row (``apps.cases.clock``), so a page costs the same number of queries at any size.

Reviews of rejections (status ``review_requested``) are in the queue too, by the review's own due
date (``ReviewRequest.due_at``, decision 47): a second source of rows, read in the same order from
the partial index ``review_request_open_due_idx``, and each page merges the two (decision 57). Both
sources expose the due date a row is ordered and filtered by as ``queue_due_at``.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.expressions import Combinable
from django.utils import timezone

from apps.accounts.models import User
from apps.cases.assignment import assignable_users
from apps.cases.clock import days_left, is_overdue
from apps.cases.models import OPEN_STATUSES, Case, CaseStatus, Track
from apps.cases.search import search_filter
from apps.core.cache import SharedCacheUnavailable, get_shared, set_shared
from apps.reviewers.clock_text import clock_text

PAGE_SIZES = (10, 25, 50, 100)
DEFAULT_PAGE_SIZE = 25
DUE_SOON_DAYS = 2  # the "due within 2 days" count next to the filter
MAX_DUE_WITHIN_DAYS = 30

# Only what the table shows: never the facts JSON or the search bigrams of a row.
ROW_FIELDS = (
    "reference",
    "applicant_name",
    "track",
    "field",
    "status",
    "sme_claimed",
    "submitted_at",
    "due_at",
    "paused_at",
    "assigned_to__full_name",
    "assigned_to__email",
)


class AssignedTo:
    ANYONE = ""
    ME = "me"
    SOMEONE = "someone"
    NOBODY = "nobody"


@dataclass(frozen=True, slots=True)
class QueueFilters:
    """The queue's filters, already validated (see apps.reviewers.queue.forms)."""

    q: str = ""
    status: str = ""
    track: str = ""
    field: str = ""
    sme: bool | None = None
    assigned: str = AssignedTo.ANYONE
    assignee_id: int | None = None
    overdue: bool = False
    due_within: int | None = None


# --- Cursors ------------------------------------------------------------------------------------

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
ONE_MICROSECOND = dt.timedelta(microseconds=1)


class InvalidCursor(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Cursor:
    due_at: dt.datetime
    pk: int


def cursor_for(due_at: dt.datetime, pk: int) -> str:
    """An opaque page position: the (due date, id) of a row, exact to the microsecond."""
    micros = (due_at - EPOCH) // ONE_MICROSECOND
    return base64.urlsafe_b64encode(f"{micros}.{pk}".encode()).rstrip(b"=").decode()


def parse_cursor(value: str) -> Cursor:
    """The position a ``cursor_for`` string stands for; ``InvalidCursor`` for anything else."""
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode("ascii")
        micros, pk = (int(part) for part in raw.split("."))
        due_at = EPOCH + micros * ONE_MICROSECOND
    except (binascii.Error, UnicodeDecodeError, ValueError, OverflowError) as exc:
        raise InvalidCursor(value) from exc
    if pk < 1:
        raise InvalidCursor(value)
    return Cursor(due_at, pk)


# --- Filters ------------------------------------------------------------------------------------

# Every status a queue row can have: the open ones, and a rejection under review.
QUEUE_STATUSES = (*OPEN_STATUSES, CaseStatus.REVIEW_REQUESTED)
QUEUE_DUE = "queue_due_at"  # the due date a row is ordered and filtered by (its source's)


def open_cases() -> QuerySet[Case]:
    # Every open case has a due date (the clock starts at submission); the keyset needs it.
    return Case.objects.filter(status__in=OPEN_STATUSES, due_at__isnull=False)


@dataclass(frozen=True, slots=True)
class Source:
    """Where queue rows come from, and the due date each is ordered by."""

    due: Combinable
    reviews: bool

    def cases(self) -> QuerySet[Case]:
        if self.reviews:
            found = Case.objects.filter(status=CaseStatus.REVIEW_REQUESTED, review_request__outcome="")
        else:
            found = open_cases()
        return found.annotate(**{QUEUE_DUE: self.due})


FIRST_DECISIONS = Source(due=F("due_at"), reviews=False)
REVIEWS = Source(due=F("review_request__due_at"), reviews=True)
SOURCES = (FIRST_DECISIONS, REVIEWS)


def overdue_q(now: dt.datetime, due: str = "due_at") -> Q:
    """Past the due instant; a paused clock is frozen where it paused (apps.cases.clock.is_overdue)."""
    return Q(paused_at__isnull=True, **{f"{due}__lt": now}) | Q(
        paused_at__isnull=False, **{f"{due}__lt": F("paused_at")}
    )


def day_start(day: dt.date) -> dt.datetime:
    """Midnight in Korea: days left are calendar days there (apps.cases.clock.days_left)."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_default_timezone())


def due_within_q(days: int, now: dt.datetime, due: str = "due_at") -> Q:
    """Running, not yet overdue, with at most ``days`` calendar days left.

    Paused cases are left out: their clock is stopped and the due date moves when the answer comes.
    """
    last_day = timezone.localdate(now, timezone.get_default_timezone()) + dt.timedelta(days=days)
    until = day_start(last_day + dt.timedelta(days=1))
    return Q(paused_at__isnull=True, **{f"{due}__gte": now, f"{due}__lt": until})


def filters_q(filters: QueueFilters, *, user_id: int, now: dt.datetime) -> Q:
    """Every filter but the search (the counts are taken over the search alone)."""
    q = Q()
    if filters.status:
        q &= Q(status=filters.status)
    if filters.track:
        q &= Q(track=filters.track)
    if filters.field:
        q &= Q(field=filters.field)
    if filters.sme is not None:
        q &= Q(sme_claimed=filters.sme)
    q &= _assigned_q(filters.assigned, user_id)
    if filters.assignee_id is not None:
        q &= Q(assigned_to_id=filters.assignee_id)
    if filters.overdue:
        q &= overdue_q(now, QUEUE_DUE)
    if filters.due_within is not None:
        q &= due_within_q(filters.due_within, now, QUEUE_DUE)
    return q


def _assigned_q(assigned: str, user_id: int) -> Q:
    if assigned == AssignedTo.ME:
        return Q(assigned_to_id=user_id)
    if assigned == AssignedTo.SOMEONE:
        return Q(assigned_to__isnull=False)
    if assigned == AssignedTo.NOBODY:
        return Q(assigned_to__isnull=True)
    return Q()


def queue_cases(
    filters: QueueFilters, *, user_id: int, now: dt.datetime, source: Source = FIRST_DECISIONS
) -> QuerySet[Case]:
    return (
        source.cases().filter(search_filter(filters.q)).filter(filters_q(filters, user_id=user_id, now=now))
    )


# --- The page -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QueueRow:
    case: Case
    days_left: int
    overdue: bool
    field_label: str

    @property
    def paused(self) -> bool:
        return self.case.paused_at is not None and not self.is_review

    @property
    def is_review(self) -> bool:
        """A rejection under review: its due date is the review's (decision 47)."""
        return self.case.status == CaseStatus.REVIEW_REQUESTED

    @property
    def due_at(self) -> dt.datetime:
        due: dt.datetime = getattr(self.case, QUEUE_DUE)
        return due

    @property
    def cursor(self) -> str:
        return cursor_for(self.due_at, self.case.pk)

    @property
    def due_text(self) -> str:
        """ "3 days left", "Due today", "2 days overdue"; "Paused (...)" while the clock is stopped."""
        return clock_text(days_left=self.days_left, overdue=self.overdue, paused=self.paused)


@dataclass(frozen=True, slots=True)
class QueuePage:
    rows: list[QueueRow]
    size: int
    next_cursor: str | None  # for ``after``
    previous_cursor: str | None  # for ``before``
    is_first: bool


def queue_page(
    filters: QueueFilters,
    *,
    user_id: int,
    now: dt.datetime,
    size: int = DEFAULT_PAGE_SIZE,
    after: Cursor | None = None,
    before: Cursor | None = None,
    field_labels: Mapping[str, str] | None = None,
) -> QueuePage:
    """One page in (due date, id) order, after or before a cursor. One query per source (first
    decisions, reviews), whatever the size: each reads at most a page and one row, then they merge."""

    def fetch(keyset: Q | None, descending: bool) -> list[Case]:
        found: list[Case] = []
        for source in SOURCES:
            cases = queue_cases(filters, user_id=user_id, now=now, source=source)
            found += _fetch(cases if keyset is None else cases.filter(keyset), source, descending, size + 1)
        found.sort(key=lambda case: (getattr(case, QUEUE_DUE), case.pk), reverse=descending)
        return found[: size + 1]

    if before is not None:
        found = fetch(_before_q(before), descending=True)
        more_before = len(found) > size
        found = found[:size][::-1]
        more_after = True  # the row the cursor came from
    else:
        found = fetch(None if after is None else _after_q(after), descending=False)
        more_after = len(found) > size
        found = found[:size]
        more_before = after is not None
    rows = [_row(case, now, field_labels or {}) for case in found]
    return QueuePage(
        rows=rows,
        size=size,
        next_cursor=rows[-1].cursor if rows and more_after else None,
        previous_cursor=rows[0].cursor if rows and more_before else None,
        is_first=not more_before,
    )


def _fetch(cases: QuerySet[Case], source: Source, descending: bool, limit: int) -> list[Case]:
    """The page's ids first, then their rows with the assignee, in one statement.

    The inner ``SELECT id ... ORDER BY due_at, id LIMIT n`` is answered from the (due_at, id)
    index alone. Joined directly, PostgreSQL misjudges deep pages: it assumes few open cases have a
    late due date (status and due date are correlated), and on a page of 100 it would read and
    sort every case after the cursor instead of stopping after 101.
    """
    order = (f"-{QUEUE_DUE}", "-id") if descending else (QUEUE_DUE, "id")
    page_ids = cases.order_by(*order).values("pk")[:limit]
    rows = (
        Case.objects.filter(pk__in=page_ids)
        .annotate(**{QUEUE_DUE: source.due})
        .select_related("assigned_to")
        .only(*ROW_FIELDS)
    )
    return list(rows.order_by(*order))


def _after_q(cursor: Cursor) -> Q:
    # (due, id) > cursor; the plain ``due >=`` lets PostgreSQL start the index scan there.
    at = cursor.due_at
    return Q(**{f"{QUEUE_DUE}__gte": at}) & (Q(**{f"{QUEUE_DUE}__gt": at}) | Q(id__gt=cursor.pk))


def _before_q(cursor: Cursor) -> Q:
    at = cursor.due_at
    return Q(**{f"{QUEUE_DUE}__lte": at}) & (Q(**{f"{QUEUE_DUE}__lt": at}) | Q(id__lt=cursor.pk))


def _row(case: Case, now: dt.datetime, field_labels: Mapping[str, str]) -> QueueRow:
    due = getattr(case, QUEUE_DUE)
    paused_at = None if case.status == CaseStatus.REVIEW_REQUESTED else case.paused_at
    return QueueRow(
        case=case,
        days_left=days_left(due_at=due, now=now, paused_at=paused_at),
        overdue=is_overdue(due_at=due, now=now, paused_at=paused_at),
        field_label=field_labels.get(case.field, case.field),
    )


# --- Counts -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QueueCounts:
    """Open cases matching the search, counted per filter option; ``matching`` uses every filter."""

    total: int
    matching: int
    status: dict[str, int] = field(default_factory=dict)
    track: dict[str, int] = field(default_factory=dict)
    sme_claimed: int = 0
    mine: int = 0
    unassigned: int = 0
    overdue: int = 0
    due_soon: int = 0

    @property
    def assigned(self) -> int:
        return self.total - self.unassigned

    @property
    def sme_not_claimed(self) -> int:
        return self.total - self.sme_claimed


def queue_counts(filters: QueueFilters, *, user_id: int, now: dt.datetime) -> QueueCounts:
    """Every count in one ``COUNT(id) FILTER (WHERE ...)`` query per source (open cases, reviews)
    over the rows the search finds."""
    aggregates: dict[str, Any] = {
        "total": Count("pk"),
        "matching": Count("pk", filter=filters_q(filters, user_id=user_id, now=now)),
        "sme_claimed": Count("pk", filter=Q(sme_claimed=True)),
        "mine": Count("pk", filter=Q(assigned_to_id=user_id)),
        "unassigned": Count("pk", filter=Q(assigned_to__isnull=True)),
        "overdue": Count("pk", filter=overdue_q(now, QUEUE_DUE)),
        "due_soon": Count("pk", filter=due_within_q(DUE_SOON_DAYS, now, QUEUE_DUE)),
    }
    aggregates |= {f"status_{s}": Count("pk", filter=Q(status=s)) for s in QUEUE_STATUSES}
    aggregates |= {f"track_{t}": Count("pk", filter=Q(track=t)) for t in Track.values}
    found: Counter[str] = Counter()
    for source in SOURCES:
        found.update(source.cases().filter(search_filter(filters.q)).aggregate(**aggregates))
    return QueueCounts(
        total=found["total"],
        matching=found["matching"],
        status={s: found[f"status_{s}"] for s in QUEUE_STATUSES},
        track={t: found[f"track_{t}"] for t in Track.values},
        sme_claimed=found["sme_claimed"],
        mine=found["mine"],
        unassigned=found["unassigned"],
        overdue=found["overdue"],
        due_soon=found["due_soon"],
    )


# Counts are the queue's most expensive read (an index-only scan of every open case, about 20 ms at
# 70,000 open cases) and the same for every page of one set of filters. They are kept in Redis
# under a version that every saved change of a case moves on (apps.reviewers.apps), and for at
# most a minute, as "overdue" and "due within" change with the clock alone.
QUEUE_VERSION_KEY = "ministry:queue-version"
COUNTS_TTL_SECONDS = 60


def queue_version_bump() -> None:
    """Any case saved: cached counts are stale. Called after the commit (see apps.reviewers.apps).

    While Redis fails, the backend serves this from the process's own memory (apps.core.cache):
    no error, and the counts are computed instead of read from the cache meanwhile.
    """
    try:
        cache.incr(QUEUE_VERSION_KEY)
    except ValueError:  # no version yet (a new cache, or it was cleared)
        cache.set(QUEUE_VERSION_KEY, 1, timeout=None)


def queue_counts_cached(filters: QueueFilters, *, user_id: int, now: dt.datetime) -> QueueCounts:
    """``queue_counts``, reused while no case has changed, for at most a minute.

    Only the shared cache will do: a process's own memory does not see the version bumps of the
    other processes. So while Redis cannot answer, the counts are computed for every page (decision 14).
    """
    minute = int(now.timestamp()) // COUNTS_TTL_SECONDS
    digest = hashlib.sha256(repr((filters, user_id)).encode()).hexdigest()[:32]
    try:
        version = get_shared(QUEUE_VERSION_KEY, 0)
        key = f"ministry:queue-counts:{version}:{minute}:{digest}"
        counts = get_shared(key)
    except SharedCacheUnavailable:
        return queue_counts(filters, user_id=user_id, now=now)
    if not isinstance(counts, QueueCounts):
        counts = queue_counts(filters, user_id=user_id, now=now)
        with contextlib.suppress(SharedCacheUnavailable):
            set_shared(key, counts, timeout=COUNTS_TTL_SECONDS)
    return counts


# --- Caseloads ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Caseload:
    """One reviewer's open cases (``reviewer`` None: the cases nobody has yet)."""

    reviewer: User | None
    total: int = 0
    in_review: int = 0
    waiting: int = 0  # information requested: the clock is paused
    overdue: int = 0
    due_soon: int = 0
    assignable: bool = True  # False: inactive or no longer a reviewer, yet still holding cases


def caseloads(*, now: dt.datetime) -> tuple[list[Caseload], Caseload]:
    """Each assignable reviewer's open caseload (and anyone else still holding open cases), by
    name, and the unassigned cases. Two queries: the counts grouped by assignee, then the people."""
    counted = (
        open_cases()
        .order_by()
        .values("assigned_to_id")
        .annotate(
            total=Count("pk"),
            in_review=Count("pk", filter=Q(status=CaseStatus.IN_REVIEW)),
            waiting=Count("pk", filter=Q(status=CaseStatus.INFORMATION_REQUESTED)),
            overdue=Count("pk", filter=overdue_q(now)),
            due_soon=Count("pk", filter=due_within_q(DUE_SOON_DAYS, now)),
        )
    )
    by_assignee = {row.pop("assigned_to_id"): row for row in counted}
    assignable = assignable_users().filter(pk=OuterRef("pk"))
    people = (
        User.objects.filter(Q(Exists(assignable)) | Q(pk__in=[pk for pk in by_assignee if pk is not None]))
        .annotate(assignable=Exists(assignable))
        .order_by("full_name", "email")
    )
    loads = [
        Caseload(reviewer=person, assignable=person.assignable, **by_assignee.get(person.pk, {}))
        for person in people
    ]
    return loads, Caseload(reviewer=None, **by_assignee.get(None, {}))


def user_holding_cases(pk: int) -> User | None:
    """A person who has (or had) cases assigned, for the queue's reviewer filter; None otherwise."""
    return User.objects.filter(pk=pk).filter(Exists(Case.objects.filter(assigned_to=OuterRef("pk")))).first()
