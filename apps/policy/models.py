"""Issue 10's records: stored impact simulations (each run with its inputs, progress and result), and
the drafting record of rubric versions (reasons for changes, conformance cases, the timeline)."""

from __future__ import annotations

import json

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class SimulationStatus(models.TextChoices):
    """- pending: requested, waiting for a worker;
    - running: a worker is replaying it (``done`` of ``total`` cases so far);
    - finished: ``result`` holds ``SimulationResult.as_dict()``; never run again;
    - failed: ``error`` says why (a version that cannot be scored, no reference figure...)."""

    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    FINISHED = "finished", _("Finished")
    FAILED = "failed", _("Failed")


class DraftSource(models.TextChoices):
    VERSION = "version", _("A stored rubric version")
    DOCUMENT = "document", _("A pasted or uploaded document")


# Who asked for which run, and every change of its status (not the progress counters nor the large
# JSON columns): pghistory, with the requester as the context's actor.
@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(condition=pghistory.AnyChange("status")),
    exclude=["draft", "result", "done", "total"],
)
class SimulationRun(models.Model):
    draft_code = models.CharField(_("draft version"), max_length=64)
    draft = models.JSONField(_("draft version document"))  # exactly what was simulated
    draft_source = models.CharField(
        _("draft from"), max_length=16, choices=DraftSource.choices, default=DraftSource.DOCUMENT
    )
    base_code = models.CharField(_("base version"), max_length=64)
    submitted_from = models.DateField(_("submitted from"))
    submitted_to = models.DateField(_("submitted until"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=16, choices=SimulationStatus.choices, default=SimulationStatus.PENDING
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    done = models.PositiveIntegerField(_("cases done"), default=0)
    total = models.PositiveIntegerField(_("cases in all"), default=0)
    result = models.JSONField(_("result"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    # For the re-drive (``services.simulation_redrive``): when the task was last handed to the
    # broker (None: never taken), and how many times a worker claimed the run.
    enqueued_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("impact simulation")
        verbose_name_plural = _("impact simulations")
        constraints = [
            models.CheckConstraint(
                condition=Q(submitted_from__lte=F("submitted_to")), name="simulation_period_ordered"
            ),
        ]
        indexes = [
            # The re-drive's sweep: the few runs not finished yet.
            models.Index(
                fields=["status", "created_at"],
                name="simulation_unfinished",
                condition=Q(status__in=["pending", "running"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.draft_code} vs {self.base_code} ({self.submitted_from}..{self.submitted_to})"


class ChangeReason(models.Model):
    """Why a draft changes one parameter of its base, and the legal or policy text behind it.

    Keyed by the parameter's path in the document (``criteria.A1.points.table.columns.bands[0].max``):
    the diff itself is always computed from the two documents, never stored.
    """

    version = models.ForeignKey(
        "rubric.RubricVersion", on_delete=models.CASCADE, related_name="change_reasons"
    )
    path = models.CharField(_("parameter"), max_length=300)
    reason = models.TextField(_("reason"))
    reference = models.CharField(_("legal or policy reference"), max_length=300)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["path"]
        constraints = [models.UniqueConstraint(fields=["version", "path"], name="change_reason_one_per_path")]

    def __str__(self) -> str:
        return f"{self.version_id} {self.path}"


class ConformanceCase(models.Model):
    """A profile with the points, total, thresholds and track verdicts a version must give it.

    ``profile``: facts by their catalogue codes; ``expected``: ``{"points": {"A1": 20, ...}, "total":
    75, "thresholds": {"pass_mark": true}, "tracks": {"quantitative": false}}`` (any part may be left
    out); ``source``: where the expectation comes from (a guideline's paragraph, a worked example).
    """

    version = models.ForeignKey(
        "rubric.RubricVersion", on_delete=models.CASCADE, related_name="conformance_cases"
    )
    name = models.CharField(_("name"), max_length=200)
    profile = models.JSONField(_("profile"))
    expected = models.JSONField(_("expected results"))
    source = models.CharField(_("source"), max_length=300)
    boundary = models.BooleanField(_("proposed boundary case"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("conformance case")
        verbose_name_plural = _("conformance cases")
        constraints = [
            models.UniqueConstraint(fields=["version", "name"], name="conformance_case_name_unique")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def profile_text(self) -> str:
        return json.dumps(self.profile, ensure_ascii=False)


class VersionEventKind(models.TextChoices):
    STARTED = "started", _("Draft started")
    EDITED = "edited", _("Document edited")
    REASON = "reason", _("Reason for a change written")
    CASE_ADDED = "case_added", _("Conformance case added")
    CASE_REMOVED = "case_removed", _("Conformance case removed")
    SUBMITTED = "submitted", _("Submitted for approval")
    RETURNED = "returned", _("Sent back to the author")
    PUBLISHED = "published", _("Approved and published")
    ENDED = "ended", _("End date set by a newer version")
    REFUSED = "refused", _("Approval refused")


class VersionEvent(models.Model):
    """The human timeline of a rubric version: who did what, when and why (pghistory keeps the rows'
    history underneath, with the same actor in its context)."""

    version = models.ForeignKey("rubric.RubricVersion", on_delete=models.PROTECT, related_name="timeline")
    kind = models.CharField(_("what"), max_length=16, choices=VersionEventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    detail = models.TextField(_("detail"), blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.version_id} {self.kind}"
