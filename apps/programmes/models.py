"""Government-programme rosters: who keeps which programme, and the scholars each one recruited.

A passport number is never stored: ``passport_hash`` is a keyed hash (see ``passports.py``) and
``passport_hint`` keeps only the last three characters so an officer can tell entries apart.
"""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.rubric.models import GovernmentProgramme


class ProgrammeOfficer(models.Model):
    """Membership: this user keeps this programme's roster (they also need the programme_officer role)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="programme_memberships",
        verbose_name=_("user"),
    )
    programme = models.ForeignKey(
        GovernmentProgramme,
        on_delete=models.PROTECT,
        related_name="officers",
        verbose_name=_("programme"),
    )
    created_at = models.DateTimeField(_("appointed at"), auto_now_add=True)

    class Meta:
        ordering = ["programme__code", "user__email"]
        verbose_name = _("programme officer")
        verbose_name_plural = _("programme officers")
        constraints = [
            models.UniqueConstraint(fields=["user", "programme"], name="programme_officer_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.programme.code})"


# Insert, update and delete: a removal from the roster must leave a trace as much as an edit.
@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class RosterEntry(models.Model):
    """One scholar recruited through a government programme."""

    programme = models.ForeignKey(
        GovernmentProgramme,
        on_delete=models.PROTECT,
        related_name="roster_entries",
        verbose_name=_("programme"),
    )
    full_name = models.CharField(_("full name"), max_length=200)
    email = models.EmailField(_("e-mail address"), help_text=_("Stored in lower case."))
    passport_hash = models.CharField(_("passport number (keyed hash)"), max_length=64, editable=False)
    passport_hint = models.CharField(_("passport number ends with"), max_length=16, editable=False)
    nationality = models.CharField(_("nationality"), max_length=100, blank=True)
    position = models.CharField(_("position"), max_length=200, blank=True)
    host_institution = models.CharField(_("host institution"), max_length=200, blank=True)
    recruited_on = models.DateField(_("recruited on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["full_name", "pk"]
        verbose_name = _("roster entry")
        verbose_name_plural = _("roster entries")
        constraints = [
            models.UniqueConstraint(fields=["programme", "email"], name="roster_entry_email_unique"),
            models.UniqueConstraint(
                fields=["programme", "passport_hash"], name="roster_entry_passport_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} <{self.email}>"

    def __repr__(self) -> str:
        # Spelled out so no future field (or the hash) slips into logs through repr().
        return f"<RosterEntry {self.pk} {self.programme_id}: {self.full_name}>"
