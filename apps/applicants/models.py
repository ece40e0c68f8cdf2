"""The applicant's profile: who they are, their degrees and their jobs.

One profile per person, shared by all their applications. Each draft's declared facts (the
self-assessment answer shape, ``apps.rubric.answers.answer_fields()``) are derived from it by
``apps.applicants.services.profile_answers``; at submission the case freezes them, so a later change
of the profile never changes a submitted application.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_YEARS = Decimal(60)
FIRST_YEAR = 1950


class DegreeLevel(models.TextChoices):
    """A degree row is a degree; "no university degree" is the absence of rows."""

    BACHELOR = "bachelor", _("Bachelor's degree")
    MASTER = "master", _("Master's degree")
    DOCTORATE = "doctorate", _("Doctorate (PhD)")


class ApplicantProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="applicant_profile"
    )
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    nationality = models.CharField(_("nationality"), max_length=100, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    # A strategic field code (apps.rubric StrategicField.code) or "other"; empty until answered.
    field = models.CharField(_("field of work"), max_length=50, blank=True)
    offered_salary_krw = models.PositiveBigIntegerField(
        _("offered annual salary (KRW)"), null=True, blank=True
    )
    publications_and_patents = models.PositiveIntegerField(
        _("publications and granted patents"), null=True, blank=True
    )
    led_project_years = models.DecimalField(
        _("years leading a major R&D project"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(MAX_YEARS)],
    )
    international_award = models.BooleanField(_("holds an international award"), default=False)
    award_description = models.TextField(_("the award"), blank=True)
    # Answers to the catalogue's further questions: facts asked of the applicant that no column or
    # derivation above supplies (apps.rubric.wording.further_facts), by fact code, JSON-safe.
    more_answers = models.JSONField(_("answers to further questions"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("applicant profile")
        verbose_name_plural = _("applicant profiles")

    def __str__(self) -> str:
        return self.full_name or str(self.user)


class Education(models.Model):
    profile = models.ForeignKey(ApplicantProfile, on_delete=models.CASCADE, related_name="education")
    degree_level = models.CharField(_("degree"), max_length=16, choices=DegreeLevel.choices)
    # A name from the engineering-school reference list (checked when saved), or empty (unranked).
    institution = models.CharField(_("university"), max_length=255, blank=True)
    # The listed rank when saved, for display; the answers look the name up again (the list may change).
    # With no name, a rank the person stated in the self-assessment (a claim the reviewer checks).
    institution_rank = models.PositiveIntegerField(_("rank in the reference list"), null=True, blank=True)
    field_of_study = models.CharField(_("field of study"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(
        _("year awarded"), null=True, blank=True, validators=[MinValueValidator(FIRST_YEAR)]
    )

    class Meta:
        ordering = ["-year", "pk"]
        verbose_name = _("degree")
        verbose_name_plural = _("education")

    def __str__(self) -> str:
        return f"{self.get_degree_level_display()}, {self.institution or '-'}"


class Employment(models.Model):
    profile = models.ForeignKey(ApplicantProfile, on_delete=models.CASCADE, related_name="employment")
    employer = models.CharField(_("employer"), max_length=200)
    # Whether the name matched the Fortune Global 500 reference list when saved (shown to the person).
    fortune_global_500_listed = models.BooleanField(_("on the Fortune Global 500 list"), default=False)
    # What counts: the list's answer, or the person's own statement with a note (a reviewer checks it).
    is_fortune_global_500 = models.BooleanField(_("Fortune Global 500 company"), default=False)
    fortune_global_500_note = models.CharField(
        _("why this differs from the list"), max_length=300, blank=True
    )
    start_year = models.PositiveSmallIntegerField(
        _("start year"), null=True, blank=True, validators=[MinValueValidator(FIRST_YEAR)]
    )
    end_year = models.PositiveSmallIntegerField(
        _("end year"), null=True, blank=True, validators=[MinValueValidator(FIRST_YEAR)]
    )
    # When given, used instead of the years between start and end.
    years = models.DecimalField(
        _("years"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(MAX_YEARS)],
    )
    relevant = models.BooleanField(_("relevant experience in my technical field"), default=True)

    class Meta:
        ordering = ["-start_year", "pk"]
        verbose_name = _("employment")
        verbose_name_plural = _("employment")
        constraints = [
            models.CheckConstraint(
                condition=Q(years__isnull=False) | Q(start_year__isnull=False),
                name="employment_has_a_duration",
            ),
            models.CheckConstraint(
                condition=Q(end_year__isnull=True)
                | Q(start_year__isnull=True)
                | Q(end_year__gte=models.F("start_year")),
                name="employment_years_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.employer

    def duration_years(self, today: dt.date | None = None) -> Decimal:
        """The stated years, or whole years from the start year to the end year (or this year)."""
        if self.years is not None:
            return Decimal(self.years)
        if self.start_year is None:
            return Decimal(0)
        end = self.end_year or (today or timezone.localdate()).year
        return Decimal(max(end - self.start_year, 0))


class Scenario(models.Model):
    """A signed-in person's named set of self-assessment answers (issue 13), to compare side by
    side, as someone weighing two job offers would. The answers are kept as the page's query
    parameters (answer names -> text), so a scenario opens the form exactly as it was."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="scenarios")
    name = models.CharField(_("name"), max_length=80)
    answers = models.JSONField(_("answers"), default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="scenario_name_unique_per_user")]

    def __str__(self) -> str:
        return self.name
