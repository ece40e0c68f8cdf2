"""Stored impact simulations: each run with its inputs, progress and result (issue 10)."""

from __future__ import annotations

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
