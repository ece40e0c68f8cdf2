"""Every message the service sends, one row each, written before the send is attempted.

``dedupe_key`` names what the message is about (an event and a recipient), so a task delivered
twice, a sweep that runs twice, or a retry after a crash finds the row and sends nothing new.

Reminders about the processing clock (``Reminder``) are owed first and composed later: see
apps.notifications.reminders for the rules.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    dedupe_key = models.CharField(max_length=200, unique=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    email = models.EmailField()  # the address used; a candidate may not have an account yet
    language = models.CharField(max_length=8)
    subject = models.CharField(max_length=255)
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_attempt_at = models.DateTimeField(null=True, blank=True)  # for the re-drive's back-off
    last_error = models.TextField(blank=True)
    # A reminder's message that was no longer true when it was to be (re)sent: never sent, never
    # retried (apps.notifications.reminders.still_due).
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["created_at"], name="notification_unsent_idx", condition=Q(sent_at__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dedupe_key} → {self.email}"


class ReminderKind(models.TextChoices):
    """What a reminder is about; policy.md section 4.

    - due_soon: to the assignee, at each of the version's "days left" thresholds (5, 2, 0 by default).
    - overdue: to the assignee, once a day while the case is overdue (threshold = days overdue).
    - escalation: to every active supervisor, once a day while the case is overdue (same threshold).
    - unassigned: to every active supervisor, once per clock period, when a submitted case has had
      no reviewer for the version's ``unassigned_alert_days`` (threshold = those days).
    """

    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")
    ESCALATION = "escalation", _("Overdue, escalated")
    UNASSIGNED = "unassigned", _("Unassigned")
    REVIEW_DUE_SOON = "review_due_soon", _("Review of a rejection due soon")
    REVIEW_OVERDUE = "review_overdue", _("Review of a rejection overdue")


class Reminder(models.Model):
    """One reminder owed to one person: unique per case, kind, threshold, clock period and recipient.

    The sweep (apps.notifications.reminders) inserts these set-based, before anything is sent; the
    message itself is a ``Notification`` composed and sent at delivery, and ``sent_at`` is copied
    from it once it has gone. Why a row of its own and not a ``Notification`` with a dedupe key: the
    key here is structured, so the sweep can find what is owed with one indexed INSERT ... SELECT
    and a unique index does the deduplication, without rendering a message in the recipient's
    language for every row inside the sweep; and the digest needs to hold a reminder without a
    message of its own.
    """

    # No separate index on the case: the unique constraint below starts with it.
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="reminders", db_index=False)
    kind = models.CharField(max_length=16, choices=ReminderKind.choices)
    # Days left (due_soon), days overdue (overdue, escalation) or days unassigned (unassigned).
    threshold = models.SmallIntegerField()
    clock_period = models.PositiveSmallIntegerField()
    # Neither foreign key below has an index of its own: every query by recipient or message is
    # about unsent reminders and goes through reminder_unsent_idx, and the sweep inserts thousands
    # of rows at midnight, each paying for every index. (Deleting a user or a message scans.)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders", db_index=False
    )
    due_at = models.DateTimeField()  # the case's due date when the reminder was recorded
    created_at = models.DateTimeField()  # the sweep's clock, so re-drives can tell old from new
    # Recorded for a recipient who wants one daily digest: no e-mail of its own, the digest sends it.
    held = models.BooleanField(default=False)
    # The message that carries it: its own e-mail, or the day's digest shared with other reminders.
    notification = models.ForeignKey(
        Notification,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="reminders",
        db_index=False,
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    # No longer true when its message was about to be composed or (re)sent (decided, paused,
    # reassigned, its day passed): not sent.
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind", "threshold", "clock_period", "recipient"],
                name="reminder_once_per_threshold_period_recipient",
            ),
        ]
        indexes = [
            # The few reminders still waiting: re-drives, digests and the sent-state reconciliation.
            models.Index(
                fields=["created_at"],
                name="reminder_unsent_idx",
                condition=Q(sent_at__isnull=True, cancelled_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.case_id} {self.kind} {self.threshold} (period {self.clock_period}) → {self.recipient_id}"
        )


class ReminderPreference(models.Model):
    """How a reviewer or supervisor wants their reminders: one e-mail each, or one daily digest."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preference"
    )
    daily_digest = models.BooleanField(_("one daily digest instead of single e-mails"), default=False)
    # The Korean date of the last digest composed: at most one a day.
    last_digest_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("reminder preference")
        verbose_name_plural = _("reminder preferences")

    def __str__(self) -> str:
        return f"{self.user_id}: {'digest' if self.daily_digest else 'single e-mails'}"
