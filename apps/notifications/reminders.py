"""Reminders about the processing clock: who is owed what, recorded once, sent once (policy.md s. 4).

Design
------
A ``Reminder`` row is the fact "this person is owed this reminder", unique per case, kind,
threshold, clock period and recipient. The sweep inserts these rows set-based *before* anything is
sent; delivery then composes the e-mail as an ordinary ``Notification`` (rendered in the
recipient's language, dedupe key ``reminder:<id>``) and sends it with ``services.deliver``, under
row locks taken with SKIP LOCKED. ``Reminder.sent_at`` is copied from the message once it has gone.
Why not a ``Notification`` alone: its dedupe key is free text and its subject and body are rendered
when it is recorded, so finding what is owed would mean a Python loop over cases rendering
templates inside the sweep; a structured unique key lets PostgreSQL find and deduplicate in one
indexed ``INSERT ... SELECT ... ON CONFLICT DO NOTHING``, and lets a digest hold reminders that
have no message of their own yet. Every e-mail still is one ``Notification`` row, so the existing
re-drive (``notifications.sweep``) retries a failed send and the message log stays complete.

The sweep (``sweep``; beat runs it every five minutes):

1. takes a transaction-level advisory lock (``pg_try_advisory_xact_lock``); a second sweep that
   finds it taken returns at once;
2. records what is owed now with a few ``INSERT ... SELECT ... ON CONFLICT DO NOTHING RETURNING``
   statements (one per kind, and per threshold for due_soon), over open cases found by range on
   the partial indexes ``case_open_due_idx`` (due date) and ``case_open_assignee_idx``
   (unassigned); ``NOT EXISTS`` probes the unique index to skip what was recorded before, and
   ``ON CONFLICT DO NOTHING`` settles a race anyway. No Python loop over cases: Python only builds
   the parameters from the handful of rubric versions. At 1,000,000 cases (70,000 open) and 2.5
   million earlier reminders it takes about 0.2 s when nothing is new, 0.6 s at midnight when a
   day's 17,000 reminders are recorded (embedded PostgreSQL 18, shared machine);
3. copies ``sent_at`` to reminders whose message someone else has sent meanwhile;
4. after commit, enqueues one small task per batch of new reminders, and re-drives reminders older
   than ``REDRIVE_AFTER`` whose message was never composed (the broker was down, a worker died
   before composing). A composed message that failed to send is retried by the Notification
   re-drive, not here, so a mail outage does not use up its attempts twice as fast; every
   attempt, first or retry, checks the reminder again first (``still_due``, asked by
   ``services.deliver``).

Rules
-----
- Days left are calendar days in Korea (``apps.cases.clock.days_left``): 14 on the submission day,
  0 on the due day, -1 the day after. Every number comes from the case's rubric version
  (the version's ``clock``): the ``reminder_days_left`` thresholds, ``days`` and
  ``unassigned_alert_days``. A case without a rubric version gets no due-soon or unassigned
  reminder (a submitted case always has one).
- due_soon, threshold t: recorded while the case's days left equal t, for its assignee.
- overdue and escalation, threshold n: recorded on the Korean day on which the case is n days past
  its due day (n >= 1), for the assignee and for every active supervisor. The due day itself is
  covered by the 0-day due_soon reminder.
- unassigned: recorded for every active supervisor when a submitted case still has no reviewer
  and its clock has run for ``unassigned_alert_days`` (clock time, so ``due_at - now <= days -
  unassigned_alert_days``: for a case never paused, exactly 48 hours after submission by default),
  once per case and clock period. Like the other kinds it belongs to one day: the 24 hours after
  that moment. Hence the sweep looks at a one-day band of the due-date index instead of every
  unassigned case, and a supervisor added later, or a first sweep after deployment, is not
  flooded with alerts about every case that has waited for weeks (the queue shows those).
- A missed threshold is not sent late. The sweep records only what is current when it runs: days
  left equal to the threshold (for the 0-day one: the due day, not afterwards), today's count of
  days overdue, an unassigned alert within its day. If no sweep ran on a case's "2 days left" day,
  that reminder is skipped and the next one comes on its own day; a "2 days left" e-mail on a day
  with one day left would be wrong.
  Delivery checks the same (``is_current``), before composing and again before every attempt to
  send: a single e-mail whose day has passed before it could be composed, or before a failed send
  could be retried, is cancelled with its message (``Notification.cancelled_at``), not sent.
- Pauses: a case waiting for information (``paused_at`` set) gets nothing; its clock is frozen.
  The due date moves by exactly the time paused, so a pause crosses no threshold on the clock.
  On resume ``clock_period`` increases and that period's reminders are new ones, but by the rule
  above only the threshold the case is at now can be sent, never those it passed before or while
  paused: a case that resumes at 6 days left gets its 5-day reminder the next day; one paused and
  resumed on its 5-days-left day is told again (new period, new due date, still true). A pause that
  spans midnight can move the day count by one (paused 23:00, resumed 01:00: the due date moved two
  hours, today moved a day); the count after the resume is what counts. A reminder recorded before
  the pause and not yet composed is cancelled (its period has ended).
- A reminder is checked once more when its message is composed and before each send: if the case
  has since been decided, paused or resumed, reassigned (the assignee's kinds) or assigned (the
  unassigned alert), or the recipient is inactive or no longer a supervisor (supervisors' kinds),
  it is cancelled.

Digest
------
A reviewer or supervisor may choose one daily digest (``ReminderPreference.daily_digest``). Their
reminders are recorded as usual but ``held``: no e-mail of their own. From ``DIGEST_TIME`` (Korean
time) each day, ``send_digests`` composes one digest per such person: a ``Notification`` with the
key ``digest:<user>:<date>`` (unique: at most one a day) listing every held reminder recorded so
far that is still relevant, with the case's days left as of the digest; those reminders are linked
to it and marked sent when it has gone. Reminders recorded later that day wait for the next digest.
A digest whose send failed is retried only on its day, without the reminders no longer true (written
again); after its day its reminders are unlinked and go into the next digest instead.
Switching the digest off releases the held reminders to single e-mails.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.cases.clock import days_left
from apps.cases.models import Case, CaseStatus, ReviewRequest
from apps.core.hooks import enqueue, safe_on_commit
from apps.core.links import link
from apps.notifications import services
from apps.notifications.models import Notification, Reminder, ReminderKind, ReminderPreference
from apps.rubric.models import RubricVersion

logger = logging.getLogger(__name__)

# One number for every process that sweeps ("KTP_REM1" in ASCII): the advisory lock's key.
SWEEP_LOCK_KEY = 0x4B54505F52454D31
# A reminder whose message has not been composed this long after it was recorded lost its task.
REDRIVE_AFTER = dt.timedelta(minutes=5)
REDRIVE_LIMIT = 1000  # per sweep: a long broker outage drains over a few sweeps, not in one
FAN_OUT_BATCH = 50  # reminders per delivery task
# The tasks this module starts, by name (apps.notifications.tasks)
DELIVER_REMINDERS_TASK = "notifications.deliver_reminders"
SEND_DIGEST_TASK = "notifications.send_digest"
DIGEST_TIME = dt.time(8, 0)  # Korean time; digests go out at the first send_digests run after it

# Each kind's "owed now" query yields (case_id, threshold, clock_period, recipient_id, due_at); the
# shared INSERT records those not recorded yet. {running} is "open and not paused" (a case waiting
# for information is open but paused). Statuses are literals, not parameters, so the planner can
# match the partial indexes' predicates. Each statement covers one threshold (with the versions
# that have it) and one range of due dates, so the planner sees the exact range and estimates it
# from the due-date statistics, instead of guessing and combining the rubric-version index.
_OWED_SQL = {
    ReminderKind.DUE_SOON: """
        SELECT c.id AS case_id, %(days)s AS threshold, c.clock_period, c.assigned_to_id AS recipient_id,
               c.due_at
        FROM {case} c
        WHERE c.due_at >= %(day_start)s AND c.due_at < %(day_end)s
          AND c.rubric_version_id = ANY(%(version_ids)s::bigint[])
          AND {running} AND c.assigned_to_id IS NOT NULL""",
    ReminderKind.OVERDUE: """
        SELECT c.id AS case_id, (%(today)s::date - (c.due_at AT TIME ZONE %(tz)s)::date) AS threshold,
               c.clock_period, c.assigned_to_id AS recipient_id, c.due_at
        FROM {case} c
        WHERE c.due_at < %(today_start)s AND {running} AND c.assigned_to_id IS NOT NULL""",
    ReminderKind.ESCALATION: """
        SELECT c.id AS case_id, (%(today)s::date - (c.due_at AT TIME ZONE %(tz)s)::date) AS threshold,
               c.clock_period, s.id AS recipient_id, c.due_at
        FROM {case} c CROSS JOIN unnest(%(supervisors)s::bigint[]) AS s(id)
        WHERE c.due_at < %(today_start)s AND {running}""",
    ReminderKind.UNASSIGNED: """
        SELECT c.id AS case_id, %(alert_days)s AS threshold, c.clock_period, s.id AS recipient_id,
               c.due_at
        FROM {case} c CROSS JOIN unnest(%(supervisors)s::bigint[]) AS s(id)
        WHERE c.assigned_to_id IS NULL AND c.due_at > %(due_after)s AND c.due_at <= %(due_by)s
          AND c.rubric_version_id = ANY(%(version_ids)s::bigint[])
          AND c.status = '{submitted}' AND c.paused_at IS NULL""",
    # A review of a rejection runs on its own clock (ReviewRequest.due_at, decision 47): its
    # supervisors are reminded at the version's "days left" thresholds and daily when overdue.
    ReminderKind.REVIEW_DUE_SOON: """
        SELECT c.id AS case_id, %(days)s AS threshold, c.clock_period, s.id AS recipient_id,
               rr.due_at
        FROM {review} rr JOIN {case} c ON c.id = rr.case_id
             CROSS JOIN unnest(%(supervisors)s::bigint[]) AS s(id)
        WHERE rr.due_at >= %(day_start)s AND rr.due_at < %(day_end)s AND rr.outcome = ''
          AND c.rubric_version_id = ANY(%(version_ids)s::bigint[]) AND c.status = '{review_requested}'""",
    ReminderKind.REVIEW_OVERDUE: """
        SELECT c.id AS case_id, (%(today)s::date - (rr.due_at AT TIME ZONE %(tz)s)::date) AS threshold,
               c.clock_period, s.id AS recipient_id, rr.due_at
        FROM {review} rr JOIN {case} c ON c.id = rr.case_id
             CROSS JOIN unnest(%(supervisors)s::bigint[]) AS s(id)
        WHERE rr.due_at < %(today_start)s AND rr.outcome = '' AND c.status = '{review_requested}'""",
}
REVIEW_KINDS = (ReminderKind.REVIEW_DUE_SOON, ReminderKind.REVIEW_OVERDUE)

# "OFFSET 0" keeps the NOT EXISTS a probe of the unique index per candidate. Without it the planner
# may turn it into a hash anti-join that reads every reminder of the kind ever recorded (millions
# after a few years: 0.3 s a statement at 2.5 million) whenever it overestimates the candidates,
# which it does for "open cases due before today" (it cannot see how few of the old due dates are
# still open). The candidates are what is owed today, a few thousand at most.
_INSERT_SQL = """
    INSERT INTO {reminder} (case_id, kind, threshold, clock_period, recipient_id, due_at, created_at, held)
    SELECT o.case_id, %(kind)s, o.threshold, o.clock_period, o.recipient_id, o.due_at, %(now)s,
           EXISTS (SELECT 1 FROM {preference} p WHERE p.user_id = o.recipient_id AND p.daily_digest)
    FROM ({owed}) AS o
    WHERE NOT EXISTS (
        SELECT 1 FROM {reminder} r
        WHERE r.case_id = o.case_id AND r.kind = %(kind)s AND r.threshold = o.threshold
          AND r.clock_period = o.clock_period AND r.recipient_id = o.recipient_id
        OFFSET 0
    )
    ON CONFLICT DO NOTHING
    RETURNING id, held"""


@functools.cache
def _insert_statement(kind: ReminderKind) -> str:
    # Only table names from the models and status constants are formatted in, never input; the
    # values are query parameters.
    return _INSERT_SQL.replace("{owed}", _OWED_SQL[kind]).format(
        reminder=Reminder._meta.db_table,
        preference=ReminderPreference._meta.db_table,
        case=Case._meta.db_table,
        review=ReviewRequest._meta.db_table,
        review_requested=CaseStatus.REVIEW_REQUESTED.value,
        running=f"c.status IN ('{CaseStatus.SUBMITTED.value}', '{CaseStatus.IN_REVIEW.value}') AND c.paused_at IS NULL",
        submitted=CaseStatus.SUBMITTED.value,
    )


@dataclass(frozen=True, slots=True)
class VersionClock:
    version_id: int
    days: int
    reminder_days_left: tuple[int, ...]
    unassigned_alert_days: int


def version_clocks() -> list[VersionClock]:
    """The clock settings of every published rubric version (a handful of rows, parsed once each)."""
    clocks = []
    for version in RubricVersion.objects.filter(published=True).order_by("pk"):
        clock = version.parsed_config().service_clock
        clocks.append(
            VersionClock(version.pk, clock.days, tuple(clock.reminder_days_left), clock.unassigned_alert_days)
        )
    return clocks


def active_supervisor_ids() -> list[int]:
    return list(
        User.objects.filter(is_active=True, groups__name=Role.SUPERVISOR.value)
        .order_by("pk")
        .values_list("pk", flat=True)
        .distinct()
    )


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_default_timezone())


# --------------------------------------------------------------------------------------------------
# The sweep


def sweep(*, now: dt.datetime | None = None, inline: bool = False) -> dict[str, int]:
    """Record every reminder owed now and send the new ones (see the module docstring).

    With ``inline`` the e-mails are sent in this process after the sweep commits (the demo loader,
    tests); otherwise delivery tasks are enqueued after commit. Returns counts by kind, plus
    ``held`` (for digests), ``redriven``, ``sent`` (inline only) and ``skipped`` (1 when another
    sweep held the lock and this one did nothing).
    """
    now = now or timezone.now()
    counts = {kind.value: 0 for kind in ReminderKind} | {"held": 0, "redriven": 0, "sent": 0, "skipped": 0}
    with transaction.atomic():
        if not _take_sweep_lock():
            counts["skipped"] = 1
            return counts
        to_deliver: list[int] = []
        for kind, rows in record_owed(now=now).items():
            counts[kind.value] = len(rows)
            counts["held"] += sum(1 for _pk, held in rows if held)
            to_deliver += [pk for pk, held in rows if not held]
        copy_sent_state()
        lost = never_composed(now=now)
        counts["redriven"] = len(lost)
        to_deliver += lost
        if not inline:
            safe_on_commit(lambda: fan_out(to_deliver), what="fan out reminder deliveries")
    if inline:
        counts["sent"] = sum(deliver_reminder(reminder_id=pk, now=now) for pk in to_deliver)
    return counts


def _take_sweep_lock() -> bool:
    # Transaction-level: released at commit or rollback, even if the process dies.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [SWEEP_LOCK_KEY])
        row = cursor.fetchone()
    return bool(row and row[0])


def record_owed(*, now: dt.datetime) -> dict[ReminderKind, list[tuple[int, bool]]]:
    """Insert the reminders owed at ``now``; the new rows' (id, held) by kind."""
    today = timezone.localdate(now, timezone.get_default_timezone())
    clocks = version_clocks()
    supervisors = active_supervisor_ids()
    common: dict[str, Any] = {
        "now": now,
        "today": today,
        "today_start": _day_start(today),
        "tz": settings.TIME_ZONE,
    }
    statements: list[tuple[ReminderKind, dict[str, Any]]] = []
    # due_soon: one statement per threshold, for the versions that have it (usually all of them).
    by_threshold: dict[int, list[int]] = defaultdict(list)
    for clock in clocks:
        for days in clock.reminder_days_left:
            by_threshold[days].append(clock.version_id)
    for days, version_ids in sorted(by_threshold.items()):
        day = today + dt.timedelta(days=days)
        window = {"day_start": _day_start(day), "day_end": _day_start(day + dt.timedelta(days=1))}
        statements.append((ReminderKind.DUE_SOON, {"days": days, "version_ids": version_ids, **window}))
    statements.append((ReminderKind.OVERDUE, {}))
    if supervisors:  # nobody to tell: nothing owed
        statements.append((ReminderKind.ESCALATION, {"supervisors": supervisors}))
        # unassigned: the clock has run alert_days, i.e. due_at - now <= days - alert_days, within
        # the day after that moment; one statement per distinct setting.
        by_setting: dict[tuple[int, int], list[int]] = defaultdict(list)
        for clock in clocks:
            by_setting[(clock.days - clock.unassigned_alert_days, clock.unassigned_alert_days)].append(
                clock.version_id
            )
        for days, version_ids in sorted(by_threshold.items()):
            day = today + dt.timedelta(days=days)
            window = {"day_start": _day_start(day), "day_end": _day_start(day + dt.timedelta(days=1))}
            statements.append(
                (
                    ReminderKind.REVIEW_DUE_SOON,
                    {"days": days, "version_ids": version_ids, "supervisors": supervisors, **window},
                )
            )
        statements.append((ReminderKind.REVIEW_OVERDUE, {"supervisors": supervisors}))
        for (days_to_go, alert_days), version_ids in sorted(by_setting.items()):
            due_by = now + dt.timedelta(days=days_to_go)
            band = {"due_after": due_by - dt.timedelta(days=1), "due_by": due_by}
            statements.append(
                (
                    ReminderKind.UNASSIGNED,
                    {
                        "supervisors": supervisors,
                        "alert_days": alert_days,
                        "version_ids": version_ids,
                        **band,
                    },
                )
            )
    recorded: dict[ReminderKind, list[tuple[int, bool]]] = {kind: [] for kind in ReminderKind}
    with connection.cursor() as cursor:
        for kind, params in statements:
            cursor.execute(_insert_statement(kind), {**common, **params, "kind": kind.value})
            recorded[kind] += [(int(pk), bool(held)) for pk, held in cursor.fetchall()]
    return recorded


def copy_sent_state() -> int:
    """Mark reminders sent whose message was sent by someone else (the Notification re-drive)."""
    sent_at = Notification.objects.filter(pk=OuterRef("notification_id")).values("sent_at")[:1]
    return Reminder.objects.filter(
        sent_at__isnull=True, cancelled_at__isnull=True, notification__sent_at__isnull=False
    ).update(sent_at=Subquery(sent_at))


def never_composed(*, now: dt.datetime) -> list[int]:
    """Single-e-mail reminders recorded a while ago whose delivery task never composed them."""
    return list(
        Reminder.objects.filter(
            sent_at__isnull=True,
            cancelled_at__isnull=True,
            held=False,
            notification__isnull=True,
            created_at__lt=now - REDRIVE_AFTER,
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:REDRIVE_LIMIT]
    )


def fan_out(reminder_ids: Sequence[int]) -> None:
    """One delivery task per batch. A broker that is down loses nothing: the next sweeps re-drive."""
    for start in range(0, len(reminder_ids), FAN_OUT_BATCH):
        # By name (apps.notifications.tasks imports this module): enqueue logs a refusal, never raises.
        if not enqueue(DELIVER_REMINDERS_TASK, list(reminder_ids[start : start + FAN_OUT_BATCH])):
            return


# --------------------------------------------------------------------------------------------------
# Delivery


def deliver_reminder(*, reminder_id: int, now: dt.datetime | None = None) -> bool:
    """Send one reminder's own e-mail; True when this call sent it.

    ``now`` is the moment its truth is checked at (default: now); an inline sweep passes its own.

    Safe twice and concurrently: the reminder row is locked with SKIP LOCKED, so a redelivered task
    returns at once while the first sends, and finds it sent afterwards. A send that fails, or a
    worker that dies mid-send (the transaction rolls back), leaves it unsent for the retry.
    """
    with transaction.atomic():
        reminder = (
            Reminder.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("case", "recipient", "notification")
            .filter(pk=reminder_id, sent_at__isnull=True, cancelled_at__isnull=True, held=False)
            .first()
        )
        if reminder is None:
            return False  # sent, being sent, cancelled, held for a digest, or gone
        now = now or timezone.now()
        if reminder.notification is None:
            if not is_current(reminder, now=now, same_day=True):
                reminder.cancelled_at = now
                reminder.save(update_fields=["cancelled_at"])
                return False
            reminder.notification = _compose(reminder)
            reminder.save(update_fields=["notification"])
        # A message composed before (its first send failed) is checked again by ``deliver``.
        sent = services.deliver(reminder.notification.pk, now=now)
        _mark_sent(reminder.notification)
        return sent


def still_due(notification: Notification, *, now: dt.datetime) -> bool:
    """Whether a reminder's message may be sent (again) at ``now``; if not, it is cancelled.

    ``services.deliver`` asks before every attempt, under the message's row lock, so a retry after
    a failed send obeys the same rules as the first send: a single reminder only while
    ``is_current`` holds on its own day; a digest only on its day, without the reminders no longer
    true (re-rendered), and not at all when none is left. A digest whose day has passed leaves its
    still-true reminders to the next digest, which tells the days left as of then.
    """
    digest_day = _digest_day_of(notification)
    carried = _reminders_carried(notification, digest=digest_day is not None)
    if digest_day is None:
        current = [r for r in carried if is_current(r, now=now, same_day=True)]
    else:
        supervisor = bool(carried) and carried[0].recipient.has_role(Role.SUPERVISOR)
        current = [r for r in carried if is_current(r, now=now, same_day=False, supervisor=supervisor)]
    stale = [r.pk for r in carried if r not in current]
    if stale:
        Reminder.objects.filter(pk__in=stale).update(cancelled_at=now)
    if (
        digest_day is not None
        and current
        and digest_day != timezone.localdate(now, timezone.get_default_timezone())
    ):
        Reminder.objects.filter(pk__in=[r.pk for r in current]).update(notification=None)
        current = []
    if not current:
        notification.cancelled_at = now
        notification.save(update_fields=["cancelled_at"])
        return False
    if digest_day is not None and stale:
        _render_digest(notification, current=current, day=digest_day, now=now)
    return True


# The dedupe keys of the messages that carry clock reminders: a single reminder's, a daily digest.
REMINDER_KEY_PREFIXES = ("reminder:", "digest:")
# services.deliver asks still_due before every attempt to send one of them.
services.check_before_sending(REMINDER_KEY_PREFIXES, still_due)


def _reminders_carried(notification: Notification, *, digest: bool) -> list[Reminder]:
    """The unsent reminders a message carries, locked. A single reminder's by the id in its key (the
    primary key, not a scan of the day's unsent reminders); a digest's by the unsent conditions in
    full, so the partial index reminder_unsent_idx finds them."""
    rows = (
        Reminder.objects.select_for_update(of=("self",))
        .select_related("case", "recipient")
        .filter(notification=notification, sent_at__isnull=True, cancelled_at__isnull=True)
    )
    if not digest:
        rows = rows.filter(pk=int(notification.dedupe_key.removeprefix("reminder:")))
    return list(rows.order_by("pk"))


def _digest_day_of(notification: Notification) -> dt.date | None:
    """The day of a digest (its key is ``digest:<user>:<date>``); None for a single reminder's."""
    if not notification.dedupe_key.startswith("digest:"):
        return None
    return dt.date.fromisoformat(notification.dedupe_key.rsplit(":", 1)[1])


def is_current(
    reminder: Reminder, *, now: dt.datetime, same_day: bool, supervisor: bool | None = None
) -> bool:
    """Whether the reminder is still true and still for its recipient (see the module docstring).

    ``same_day``: the days left (or overdue) must still be the threshold, for a single e-mail; a
    digest lists older reminders with the case's days left as of the digest instead.
    """
    if reminder.kind in REVIEW_KINDS:
        return _review_reminder_is_current(reminder, now=now, same_day=same_day, supervisor=supervisor)
    case = reminder.case
    if case.status not in (CaseStatus.SUBMITTED, CaseStatus.IN_REVIEW) or case.paused_at is not None:
        return False
    if case.clock_period != reminder.clock_period or not reminder.recipient.is_active:
        return False
    if (
        reminder.kind in (ReminderKind.DUE_SOON, ReminderKind.OVERDUE)
        and case.assigned_to_id != reminder.recipient_id
    ):
        return False
    if reminder.kind == ReminderKind.UNASSIGNED and (
        case.status != CaseStatus.SUBMITTED or case.assigned_to_id is not None
    ):
        return False
    if reminder.kind in (ReminderKind.ESCALATION, ReminderKind.UNASSIGNED):
        if supervisor is None:
            supervisor = reminder.recipient.has_role(Role.SUPERVISOR)
        if not supervisor:
            return False
    if same_day and reminder.kind != ReminderKind.UNASSIGNED and case.due_at is not None:
        left = days_left(due_at=case.due_at, now=now)
        expected = reminder.threshold if reminder.kind == ReminderKind.DUE_SOON else -reminder.threshold
        return left == expected
    return True


def _review_reminder_is_current(
    reminder: Reminder, *, now: dt.datetime, same_day: bool, supervisor: bool | None
) -> bool:
    """A review reminder: the review still open (not decided), its recipient an active supervisor,
    and, for a single e-mail, the review's days left (or overdue) still the threshold."""
    review = ReviewRequest.objects.filter(case_id=reminder.case_id, outcome="").first()
    if review is None or reminder.case.status != CaseStatus.REVIEW_REQUESTED:
        return False
    if not reminder.recipient.is_active:
        return False
    if supervisor is None:
        supervisor = reminder.recipient.has_role(Role.SUPERVISOR)
    if not supervisor:
        return False
    if same_day:
        left = days_left(due_at=review.due_at, now=now)
        expected = (
            reminder.threshold if reminder.kind == ReminderKind.REVIEW_DUE_SOON else -reminder.threshold
        )
        return left == expected
    return True


def _clock_due_at(reminder: Reminder) -> dt.datetime | None:
    """The due date a reminder counts down to: the review's for a review reminder (recorded on the
    reminder, as a review's due date never moves), the case's processing clock otherwise."""
    return reminder.due_at if reminder.kind in REVIEW_KINDS else reminder.case.due_at


def workspace_url(case: Case) -> str:
    """The case's page for ministry staff: absolute when SITE_URL is set, else a path."""
    return link("ministry_case", case=case)


def preferences_url() -> str:
    return link("reminder_preferences")


def _display_name(user: User) -> str:
    return user.full_name or user.email


def _compose(reminder: Reminder) -> Notification:
    case = reminder.case
    url = workspace_url(case) + ("#after-decision" if reminder.kind in REVIEW_KINDS else "")
    context = {
        "name": _display_name(reminder.recipient),
        "case": case,
        "kind": reminder.kind,
        "days": reminder.threshold,
        "due_at": reminder.due_at,
        "assignee": _display_name(case.assigned_to) if case.assigned_to else "",
        "workspace_url": url,
        "preferences_url": preferences_url(),
    }
    return services.record(
        key=f"reminder:{reminder.pk}",
        to=services.recipient_for(reminder.recipient),
        template=f"reminder_{reminder.kind}",
        context=context,
    )


def _mark_sent(notification: Notification) -> None:
    notification.refresh_from_db(fields=["sent_at"])
    if notification.sent_at is not None:
        # The unsent conditions in full, so the partial index reminder_unsent_idx finds the rows.
        Reminder.objects.filter(
            notification=notification, sent_at__isnull=True, cancelled_at__isnull=True
        ).update(sent_at=notification.sent_at)


# --------------------------------------------------------------------------------------------------
# Daily digests and the preference


@dataclass(frozen=True, slots=True)
class DigestItem:
    reminder: Reminder
    case: Case
    days_left: int | None  # as of the digest, not as of the reminder
    url: str
    due_at: dt.datetime | None = None  # the case's clock, or the review's for a review reminder

    @property
    def days_overdue(self) -> int:
        return max(-(self.days_left or 0), 0)


def digest_day(*, now: dt.datetime) -> dt.date | None:
    """The Korean date whose digest is due at ``now``: today once it is past DIGEST_TIME, else None."""
    local = timezone.localtime(now, timezone.get_default_timezone())
    return local.date() if local.time() >= DIGEST_TIME else None


def digests_due(*, now: dt.datetime) -> list[int]:
    """Who is owed today's digest: held reminders are waiting and no digest was composed today."""
    day = digest_day(now=now)
    if day is None:
        return []
    done_today = ReminderPreference.objects.filter(last_digest_on__gte=day).values("user_id")
    return list(
        Reminder.objects.filter(
            held=True,
            sent_at__isnull=True,
            cancelled_at__isnull=True,
            notification__isnull=True,
            created_at__lte=now,
        )
        .exclude(recipient_id__in=done_today)
        .order_by("recipient_id")
        .values_list("recipient_id", flat=True)
        .distinct()
    )


def send_digests(*, now: dt.datetime | None = None, inline: bool = False) -> int:
    """Start today's digests: one task per person (or, ``inline``, send them here). Safe to rerun."""
    now = now or timezone.now()
    day = digest_day(now=now)
    user_ids = digests_due(now=now)
    if day is None or not user_ids:
        return 0
    if inline:
        return sum(send_digest(user_id=user_id, day=day, now=now) for user_id in user_ids)
    for user_id in user_ids:
        enqueue(SEND_DIGEST_TASK, user_id, day.isoformat())
    return len(user_ids)


def send_digest(*, user_id: int, day: dt.date, now: dt.datetime | None = None) -> bool:
    """Compose (once) and send ``user_id``'s digest for ``day``; True when this call sent it."""
    now = now or timezone.now()
    with transaction.atomic():
        user = User.objects.filter(pk=user_id).first()
        if user is None:
            return False
        # The preference row's lock serialises one person's digests: two tasks never both compose.
        preference, _created = ReminderPreference.objects.select_for_update().get_or_create(user=user)
        key = f"digest:{user.pk}:{day.isoformat()}"
        notification = Notification.objects.filter(dedupe_key=key).first()
        if notification is None:
            notification = _compose_digest(user=user, key=key, day=day, now=now)
            if notification is None:
                return False
            preference.last_digest_on = day
            preference.save(update_fields=["last_digest_on", "updated_at"])
        sent = services.deliver(notification.pk, now=now)
        _mark_sent(notification)
        return sent


def _compose_digest(*, user: User, key: str, day: dt.date, now: dt.datetime) -> Notification | None:
    held = list(
        Reminder.objects.select_for_update(of=("self",))
        .select_related("case", "case__assigned_to", "recipient")
        .filter(
            recipient=user,
            held=True,
            sent_at__isnull=True,
            cancelled_at__isnull=True,
            notification__isnull=True,
            created_at__lte=now,
        )
        .order_by("case__due_at", "case_id", "kind", "threshold")
    )
    supervisor = user.has_role(Role.SUPERVISOR)
    current = [r for r in held if is_current(r, now=now, same_day=False, supervisor=supervisor)]
    stale = [r.pk for r in held if r not in current]
    if stale:
        Reminder.objects.filter(pk__in=stale).update(cancelled_at=now)
    if not current:
        return None
    notification = services.record(
        key=key,
        to=services.recipient_for(user),
        template="reminder_digest",
        context=_digest_context(user=user, current=current, day=day, now=now),
    )
    Reminder.objects.filter(pk__in=[r.pk for r in current]).update(notification=notification)
    return notification


def _digest_context(
    *, user: User, current: list[Reminder], day: dt.date, now: dt.datetime
) -> dict[str, object]:
    items = [
        DigestItem(
            reminder=r,
            case=r.case,
            days_left=days_left(due_at=due, now=now) if (due := _clock_due_at(r)) else None,
            url=workspace_url(r.case),
            due_at=due,
        )
        for r in current
    ]
    return {
        "name": _display_name(user),
        "day": day,
        "items": items,
        "count": len(items),
        "preferences_url": preferences_url(),
    }


def _render_digest(
    notification: Notification, *, current: list[Reminder], day: dt.date, now: dt.datetime
) -> None:
    """Write an unsent digest again without the reminders that are no longer true."""
    context = _digest_context(user=current[0].recipient, current=current, day=day, now=now)
    notification.subject, notification.body = services.render_message(
        "reminder_digest", context, notification.language
    )
    notification.save(update_fields=["subject", "body"])


def reminder_preference_for(user: User) -> ReminderPreference:
    """The person's preference, or the default (single e-mails) unsaved."""
    return ReminderPreference.objects.filter(user=user).first() or ReminderPreference(user=user)


def set_reminder_preference(*, user: User, daily_digest: bool) -> ReminderPreference:
    """Choose single e-mails or one daily digest. Switching the digest off sends what it held."""
    with transaction.atomic():
        preference, _created = ReminderPreference.objects.select_for_update().get_or_create(user=user)
        preference.daily_digest = daily_digest
        preference.save(update_fields=["daily_digest", "updated_at"])
        released: list[int] = []
        if not daily_digest:
            waiting = Reminder.objects.filter(
                recipient=user,
                held=True,
                sent_at__isnull=True,
                cancelled_at__isnull=True,
                notification__isnull=True,
            )
            released = list(waiting.values_list("pk", flat=True))
            Reminder.objects.filter(pk__in=released).update(held=False)
        if released:
            safe_on_commit(lambda: fan_out(released), what="fan out released reminders")
    return preference
