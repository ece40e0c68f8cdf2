"""Composing and sending notifications, at most once each.

A message is first recorded (its dedupe key is unique), then sent under a row lock, then marked
sent. Two workers racing for the same message: one holds the lock, the other skips it. A crash
after the SMTP hand-off but before marking leaves the row unsent, so the sweep sends it again: the
only duplicate possible is that one, which a mail system cannot rule out either. A clock
reminder's message is checked again before every attempt and cancelled if no longer true
(``deliver``). Text templates are rendered without HTML escaping (``render_text``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template import Context, Engine
from django.utils import timezone, translation

from apps.accounts.models import User
from apps.cases.models import Case, CaseEvent, InformationRequest, Sponsorship, SponsorshipStatus
from apps.cases.reading import Audience, event_text
from apps.core.links import link
from apps.core.text import one_line
from apps.notifications.models import Notification
from apps.organisations.models import MemberRole, OwnershipClaim, OwnershipClaimKind, OwnershipClaimStatus

logger = logging.getLogger(__name__)
# A failed send is retried by the sweep after 5, 10, 20 ... minutes: ten attempts span about 42
# hours, so a mail outage of a day loses nothing, and a message that can never go stops being tried.
MAX_ATTEMPTS = 10
FIRST_RETRY_AFTER = dt.timedelta(minutes=5)


def retry_due(*, attempts: int, last_attempt_at: dt.datetime | None, now: dt.datetime) -> bool:
    """Whether an unsent message's back-off has passed (it doubles after every failed attempt)."""
    if attempts == 0 or last_attempt_at is None:
        return True
    return now - last_attempt_at >= FIRST_RETRY_AFTER * 2 ** (attempts - 1)


@dataclass(frozen=True, slots=True)
class Recipient:
    email: str
    language: str
    user: User | None = None


def recipient_for(user: User) -> Recipient:
    return Recipient(email=user.email, language=user.preferred_language or settings.LANGUAGE_CODE, user=user)


def render_text(template_name: str, context: Mapping[str, object]) -> str:
    """A plain-text template rendered without HTML escaping.

    Text e-mails are not HTML: autoescaping would send "O'Brien & Co" as "O&#x27;Brien &amp; Co".
    Done here, for every message, rather than by ``{% autoescape off %}`` in each template, which a
    new template could forget. Only ``.txt``: an HTML part must go through the escaping loader.
    """
    if not template_name.endswith(".txt"):
        raise ValueError(f"not a plain-text template: {template_name}")
    template = Engine.get_default().get_template(template_name)
    return template.render(Context(dict(context), autoescape=False))


# Notification.subject's column; a longer subject is cut with an ellipsis rather than not stored.
SUBJECT_MAX_LENGTH = 255


def subject_line(text: str) -> str:
    """A subject Django will send: one line (a name with a line break in it made Django refuse the
    header, and the message was never delivered), whitespace collapsed, within the column's length."""
    line = one_line(text)
    if len(line) > SUBJECT_MAX_LENGTH:
        line = line[: SUBJECT_MAX_LENGTH - 1].rstrip() + "…"
    return line


def render_message(template: str, context: Mapping[str, object], language: str) -> tuple[str, str]:
    """The subject and body of ``notifications/email/<template>_*.txt`` in ``language``."""
    with translation.override(language):
        subject = subject_line(render_text(f"notifications/email/{template}_subject.txt", context))
        body = render_text(f"notifications/email/{template}_body.txt", context)
    return subject, body


def record(*, key: str, to: Recipient, template: str, context: dict[str, object]) -> Notification:
    """The message row for ``key``: created once, rendered in the recipient's language."""
    existing = Notification.objects.filter(dedupe_key=key).first()
    if existing is not None:
        return existing
    subject, body = render_message(template, context, to.language)
    try:
        with transaction.atomic():
            return Notification.objects.create(
                dedupe_key=key,
                recipient=to.user,
                email=to.email,
                language=to.language,
                subject=subject,
                body=body,
            )
    except IntegrityError:  # another worker recorded it first
        return Notification.objects.get(dedupe_key=key)


SendCheck = Callable[..., bool]  # (notification, *, now) -> may it go? (cancels it if not)
# Dedupe-key prefix -> the check made before every attempt to send such a message. The module that
# owns those messages registers it (apps.notifications.reminders, loaded by the app's ready()), so
# this module does not import its callers.
_send_checks: dict[str, SendCheck] = {}


def check_before_sending(prefixes: tuple[str, ...], check: SendCheck) -> None:
    """Make ``deliver`` ask ``check(notification, now=...)`` before sending a message keyed ``prefix...``."""
    for prefix in prefixes:
        _send_checks[prefix] = check


def _send_check(key: str) -> SendCheck | None:
    return next((check for prefix, check in _send_checks.items() if key.startswith(prefix)), None)


def deliver(notification_id: int, *, now: dt.datetime | None = None) -> bool:
    """Send the message if nobody has; True when this call sent it.

    A reminder's message is checked again before every attempt, whoever makes it (its delivery
    task, a redelivered one, the re-drive hours later): a retry must not tell a reviewer about a
    case decided meanwhile, or that 5 days are left when 4 are (decision 6). ``now`` is the moment
    that truth is checked at (an inline sweep passes its own).
    """
    with transaction.atomic():
        row = (
            Notification.objects.select_for_update(skip_locked=True)
            .filter(
                pk=notification_id,
                sent_at__isnull=True,
                cancelled_at__isnull=True,
                attempts__lt=MAX_ATTEMPTS,
            )
            .first()
        )
        if row is None:
            return False  # sent already, being sent by someone else, cancelled, or given up on
        check = _send_check(row.dedupe_key)
        if check is not None and not check(row, now=now or timezone.now()):
            return False  # cancelled, with its reminders, by the check
        row.attempts += 1
        row.last_attempt_at = timezone.now()
        try:
            # subject_line again: a row recorded before subjects were made safe is still sent.
            send_mail(subject_line(row.subject), row.body, settings.DEFAULT_FROM_EMAIL, [row.email])
        except Exception as exc:
            row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            row.save(update_fields=["attempts", "last_attempt_at", "last_error"])
            logger.warning("notification %s not sent: %s", row.pk, row.last_error)
            return False
        row.sent_at = timezone.now()
        row.save(update_fields=["attempts", "last_attempt_at", "sent_at", "last_error"])
        return True


def notify_case_event(event_id: int) -> list[int]:
    """Tell the applicant about a change of their case's status."""
    event = CaseEvent.objects.select_related("case", "case__applicant").filter(pk=event_id).first()
    if event is None or not event.changes_status:
        return []
    case = event.case
    to = recipient_for(case.applicant)
    context = {
        "case": case,
        "event": event,
        "name": applicant_name(case),
        # The status this event moved to: the message may be composed after the case moved on.
        "status": event.get_to_status_display,
        # The line as the applicant reads it on the status page (a decision's reasons in words too).
        "detail": event_text(event, Audience.APPLICANT),
        "status_url": link("case_status", case=case),
    }
    notification = record(
        key=f"case-event:{event.pk}:{to.email}", to=to, template="case_status", context=context
    )
    ids = [notification.pk, *_notify_employer_asked(event)]
    for notification_id in ids:
        deliver(notification_id)
    return ids


def applicant_name(case: Case) -> str:
    """The name to greet the applicant by: as in their application, else their profile's, else their account's; "" when
    neither is known (the greeting then says "Hello,"), never their e-mail address."""
    profile = getattr(case.applicant, "applicant_profile", None)
    for candidate in (case.applicant_name, profile and profile.full_name, case.applicant.full_name):
        name = (candidate or "").strip()
        if name and "@" not in name:  # the queue's copy falls back to the address (apps.cases.search)
            return name
    return ""


def _notify_employer_asked(event: CaseEvent) -> list[int]:
    """A request addressed to the employer reaches every member of the confirmed sponsor."""
    if event.kind != CaseEvent.Kind.INFORMATION_REQUESTED:
        return []
    request = (
        InformationRequest.objects.filter(
            case=event.case, requested_at=event.at, addressee=InformationRequest.Addressee.EMPLOYER
        )
        .order_by("-pk")
        .first()
    )
    sponsorship = (
        Sponsorship.objects.filter(case=event.case, status=SponsorshipStatus.CONFIRMED)
        .select_related("organisation")
        .first()
    )
    if request is None or sponsorship is None:
        return []
    organisation = sponsorship.organisation
    context = {
        "case": event.case,
        "request": request,
        "organisation": organisation,
        "case_url": link("sponsored_case", sponsorship=sponsorship),
    }
    members = User.objects.filter(memberships__organisation=organisation, is_active=True).order_by("pk")
    return [
        record(
            key=f"case-event:{event.pk}:{member.email}",
            to=recipient_for(member),
            template="information_request_employer",
            context=context,
        ).pk
        for member in members
    ]


def notify_sponsorship_change(sponsorship_id: int, status: str) -> list[int]:
    """Tell every member of the organisation; and a candidate without a linked case, by e-mail."""
    sponsorship = Sponsorship.objects.select_related("organisation", "case").filter(pk=sponsorship_id).first()
    if sponsorship is None:
        return []
    context = {"sponsorship": sponsorship, "status": status}
    ids: list[int] = []
    members = User.objects.filter(memberships__organisation=sponsorship.organisation).order_by("pk")
    for member in members:
        to = recipient_for(member)
        key = f"sponsorship:{sponsorship.pk}:{status}:{to.email}"
        ids.append(record(key=key, to=to, template="sponsorship_employer", context=context).pk)
    if status == "submitted":
        candidate = User.objects.filter(email__iexact=sponsorship.candidate_email).first()
        to = (
            recipient_for(candidate)
            if candidate
            else Recipient(sponsorship.candidate_email, settings.LANGUAGE_CODE)
        )
        key = f"sponsorship:{sponsorship.pk}:offered:{to.email}"
        ids.append(record(key=key, to=to, template="sponsorship_candidate", context=context).pk)
    for notification_id in ids:
        deliver(notification_id)
    return ids


def notify_ownership_claim(claim_id: int, status: str) -> list[int]:
    """A claim to an organisation's number: its administrators are told when one arrives; the person
    who sent it, when the ministry decides (decision 44)."""
    claim = OwnershipClaim.objects.select_related("organisation", "submitted_by").filter(pk=claim_id).first()
    if claim is None:
        return []
    context = {
        "claim": claim,
        "organisation": claim.organisation,
        "status": status,
    }
    ids: list[int] = []
    if status == "pending":
        if claim.kind != "transfer":
            return []
        admins = User.objects.filter(
            memberships__organisation=claim.organisation, memberships__role=MemberRole.ADMIN
        ).order_by("pk")
        for admin in admins:
            to = recipient_for(admin)
            key = f"ownership:{claim.pk}:pending:{to.email}"
            ids.append(record(key=key, to=to, template="ownership_claim_admin", context=context).pk)
    else:
        to = recipient_for(claim.submitted_by)
        key = f"ownership:{claim.pk}:{status}:{to.email}"
        ids.append(record(key=key, to=to, template="ownership_claim_decided", context=context).pk)
    for notification_id in ids:
        deliver(notification_id)
    return ids


def redrive_unsent(limit: int = 200) -> int:
    """Send what a crash or a mail outage left unsent, each message once its back-off has passed.

    A reminder's message is checked again first (``deliver``): one no longer true is cancelled.
    """
    now = timezone.now()
    candidates = (
        Notification.objects.filter(
            sent_at__isnull=True, cancelled_at__isnull=True, attempts__lt=MAX_ATTEMPTS
        )
        .order_by("created_at")
        .values_list("pk", "attempts", "last_attempt_at")[:limit]
    )
    due = [
        pk for pk, attempts, last in candidates if retry_due(attempts=attempts, last_attempt_at=last, now=now)
    ]
    return sum(deliver(notification_id, now=now) for notification_id in due)


def redrive_unnotified_events(*, since_hours: int = 48, limit: int = 500) -> int:
    """Status changes whose task never reached a worker (broker down at the time) get their message now."""
    since = timezone.now() - dt.timedelta(hours=since_hours)
    events = (
        # Real status changes only, in SQL: other timeline lines (record_event: from == to) would
        # otherwise fill the limit and keep a status change from ever being found.
        CaseEvent.objects.filter(at__gte=since)
        .exclude(to_status="")
        .exclude(to_status=F("from_status"))
        .select_related("case__applicant")
        .order_by("at")[:limit]
    )
    sent_keys = set(
        Notification.objects.filter(dedupe_key__startswith="case-event:", created_at__gte=since).values_list(
            "dedupe_key", flat=True
        )
    )
    created = 0
    for event in events:
        if event.changes_status and f"case-event:{event.pk}:{event.case.applicant.email}" not in sent_keys:
            created += len(notify_case_event(event.pk))
    return created


# A sponsorship's changes and the time each is recorded at on its row: the trace a lost task leaves.
SPONSORSHIP_CHANGES = (
    (SponsorshipStatus.SUBMITTED, "submitted_at"),
    (SponsorshipStatus.CONFIRMED, "confirmed_at"),
    (SponsorshipStatus.WITHDRAWN, "withdrawn_at"),
    (SponsorshipStatus.DECLINED, "declined_at"),
)


def redrive_unnotified_sponsorships(*, since_hours: int = 48, limit: int = 500) -> int:
    """Sponsorship changes whose task never reached a worker get their e-mails now.

    Each change leaves its time on the row (``submitted_at``, ``confirmed_at``, ``withdrawn_at``),
    and its e-mails are rows keyed ``sponsorship:<id>:<status>:<address>``: a change of the last
    ``since_hours`` without any such row was never composed. Composing is idempotent (``record``),
    so a change whose task is merely late is still sent once.
    """
    since = timezone.now() - dt.timedelta(hours=since_hours)
    recent = Sponsorship.objects.filter(
        Q(submitted_at__gte=since) | Q(confirmed_at__gte=since) | Q(withdrawn_at__gte=since)
    ).values_list("pk", *[field for _status, field in SPONSORSHIP_CHANGES])
    changes = sorted(
        (at, pk, str(status))
        for pk, *times in recent
        for (status, _field), at in zip(SPONSORSHIP_CHANGES, times, strict=True)
        if at is not None and at >= since
    )[:limit]
    return _compose_missing("sponsorship", changes, since=since, notify=notify_sponsorship_change)


def _compose_missing(
    prefix: str,
    changes: Sequence[tuple[dt.datetime | None, int, str]],
    *,
    since: dt.datetime,
    notify: Callable[[int, str], list[int]],
) -> int:
    """Compose (``notify``) each (time, id, status) change without a message keyed
    ``<prefix>:<id>:<status>:`` since ``since``; the number of messages that made."""
    composed = {
        tuple(key.split(":")[1:3])
        for key in Notification.objects.filter(
            dedupe_key__startswith=f"{prefix}:", created_at__gte=since
        ).values_list("dedupe_key", flat=True)
    }
    created = 0
    for _at, pk, status in changes:
        if (str(pk), status) not in composed:
            created += len(notify(pk, status))
    return created


def redrive_unnotified_ownership_claims(*, since_hours: int = 48, limit: int = 500) -> int:
    """Ownership-claim e-mails whose task never reached a worker get sent now (decision 57).

    The trace: a transfer claim's ``submitted_at`` (its administrators are owed "pending"), a
    decided claim's ``reviewed_at`` and ``status`` (its sender is owed the outcome), without any
    message keyed ``ownership:<id>:<status>:``. A registration claim's arrival tells nobody, and
    an arrival is no longer announced once the claim is decided (the administrators then may be
    other people; the decision's own e-mail goes to the claimant).
    Composing is idempotent (``record``), so a task that was merely late still sends each once.
    """
    since = timezone.now() - dt.timedelta(hours=since_hours)
    arrived = OwnershipClaim.objects.filter(
        kind=OwnershipClaimKind.TRANSFER, status=OwnershipClaimStatus.PENDING, submitted_at__gte=since
    )
    decided = OwnershipClaim.objects.filter(
        status__in=[OwnershipClaimStatus.VERIFIED, OwnershipClaimStatus.REJECTED], reviewed_at__gte=since
    )
    changes = sorted(
        [(at, pk, OwnershipClaimStatus.PENDING.value) for pk, at in arrived.values_list("pk", "submitted_at")]
        + [(at, pk, str(status)) for pk, at, status in decided.values_list("pk", "reviewed_at", "status")]
    )[:limit]
    return _compose_missing("ownership", changes, since=since, notify=notify_ownership_claim)
