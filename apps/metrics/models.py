"""Published statistics releases (issue 15, decision 0042).

Figures are never shown live to the public: a release is built, suppressed and stored, dated, with
the methodology version it was computed under. A later correction is a new release with a revision
note (``revises``), never a change to a stored one: a database constraint keeps one release per
month and revision, and nothing updates ``figures`` after it is written.
"""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


@pghistory.track()
class StatisticsRelease(models.Model):
    class Trigger(models.TextChoices):
        SCHEDULED = "scheduled", _("Monthly release")
        SUPERVISOR = "supervisor", _("Published by a supervisor")

    # The release month: figures cover the whole months before it (``period_first`` to ``period_last``).
    month = models.DateField(_("release month"))
    revision = models.PositiveSmallIntegerField(_("revision"), default=0)
    revises = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("revises")
    )
    revision_note = models.TextField(_("revision note"), blank=True)
    trigger = models.CharField(_("published by"), max_length=16, choices=Trigger.choices)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"))
    next_release_on = models.DateField(_("next release"))
    methodology_version = models.CharField(_("methodology version"), max_length=16)
    rubric_version_code = models.CharField(_("rubric version of the groups"), max_length=40)
    period_first = models.DateField(_("first day covered"))
    period_last = models.DateField(_("last day covered"))
    figures = models.JSONField(_("figures"))  # the published (already suppressed) figures; see services

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("statistics release")
        verbose_name_plural = _("statistics releases")
        constraints = [
            models.UniqueConstraint(fields=["month", "revision"], name="statistics_release_month_revision"),
            models.CheckConstraint(
                condition=Q(revision=0) | (Q(revises__isnull=False) & ~Q(revision_note="")),
                name="statistics_release_revision_has_note",
            ),
        ]

    def __str__(self) -> str:
        suffix = f" r{self.revision}" if self.revision else ""
        return f"{self.month:%Y-%m}{suffix}"


@pghistory.track()
class ProcessingInquiry(models.Model):
    """An applicant's question to the ministry once their open case has taken longer than the time
    within which 80% of similar cases were decided (issue 15). Reviewers see it in the workspace; one
    per case and release, with the published figure it was asked against."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="processing_inquiries")
    release = models.ForeignKey(StatisticsRelease, on_delete=models.PROTECT, related_name="+")
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField(_("asked at"))
    message = models.TextField(_("your question"))
    similar_days = models.PositiveSmallIntegerField(_("days of the similar cases' 80th percentile"))
    clock_days_used = models.DecimalField(_("days of the clock used"), max_digits=6, decimal_places=1)

    class Meta:
        ordering = ["-asked_at", "-pk"]
        verbose_name = _("processing-time inquiry")
        verbose_name_plural = _("processing-time inquiries")
        constraints = [
            models.UniqueConstraint(fields=["case", "release"], name="processing_inquiry_once_per_release")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} asked {self.asked_at:%Y-%m-%d}"
