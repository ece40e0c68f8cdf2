"""The rubric as versioned data, and the reference lists the engine reads.

A rubric version lives in ``config``: a document in the rubric language (``apps.rubric.language``,
``docs/rubric-language.md``), read against the catalogue of facts (``apps/rubric/catalogue.json``). A
published version's code, configuration and start date are read-only in the database (a trigger),
so a case scored under "2026-07" can always be re-explained under exactly those rules.
"""

from __future__ import annotations

import copy
import datetime as dt
import uuid
from typing import TYPE_CHECKING, Any

import pghistory
import pgtrigger
from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, RangeOperators
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Func, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from apps.rubric.language.document import Version


# RubricVersion pk -> (the JSON it was read from, the version read from it); a handful of rows.
_PARSED_CONFIGS: dict[int, tuple[Any, Version]] = {}


class DateRange(Func):
    """PostgreSQL ``daterange(from, to, '[]')``: both ends inclusive, NULL end = open."""

    function = "DATERANGE"
    output_field = DateRangeField()


class VersionState(models.TextChoices):
    """A version's place in its life (decision 0033); only the first two are editable by anyone.

    - draft: a policy administrator is writing it (``published`` false, not submitted);
    - awaiting: submitted for a second policy administrator's approval (read-only until sent back);
    - published: approved, with a start date still to come (the self-assessment shows it "from");
    - in_force: published and in force today; ended: published, its end date has passed.

    Only published versions are ever used to score a case (``apps.rubric.selectors``).
    """

    DRAFT = "draft", _("Draft")
    AWAITING = "awaiting", _("Awaiting approval")
    PUBLISHED = "published", _("Published, not yet in force")
    IN_FORCE = "in_force", _("In force")
    ENDED = "ended", _("Ended")


@pghistory.track(obj_field=pghistory.ObjForeignKey(related_name="history"))
class RubricVersion(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True, help_text=_('For example "2026-07".'))
    title = models.CharField(_("title"), max_length=200)
    effective_from = models.DateField(_("in force from"))
    effective_to = models.DateField(_("in force until"), null=True, blank=True, help_text=_("Inclusive."))
    config = models.JSONField(_("configuration"))
    published = models.BooleanField(_("published"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The drafting and four-eyes record (issue 10); empty on the versions shipped by migrations.
    based_on = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("based on")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted for approval"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    returned_reason = models.TextField(_("why it was sent back"), blank=True)

    class Meta:
        ordering = ["effective_from"]
        verbose_name = _("rubric version")
        verbose_name_plural = _("rubric versions")
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=models.F("effective_from")),
                name="rubric_version_dates_ordered",
            ),
            # Exactly one published version is in force on any date.
            ExclusionConstraint(
                name="rubric_version_no_overlap",
                expressions=[
                    (DateRange("effective_from", "effective_to", models.Value("[]")), RangeOperators.OVERLAPS)
                ],
                condition=Q(published=True),
            ),
        ]
        triggers = [
            # pgtrigger.ReadOnly ignores an extra condition, so the rule is spelled out: a published
            # version's code, rules and start date never change, nor can it be unpublished (and then
            # edited); a draft stays editable. A version is closed by setting its end date.
            pgtrigger.Protect(
                name="rubric_version_published_rules_read_only",
                operation=pgtrigger.Update,
                condition=pgtrigger.Q(old__published=True)
                & (
                    pgtrigger.Q(old__code__df=pgtrigger.F("new__code"))
                    | pgtrigger.Q(old__config__df=pgtrigger.F("new__config"))
                    | pgtrigger.Q(old__effective_from__df=pgtrigger.F("new__effective_from"))
                    | pgtrigger.Q(old__published__df=pgtrigger.F("new__published"))
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def state(self, today: dt.date) -> VersionState:
        if not self.published:
            return VersionState.AWAITING if self.submitted_at else VersionState.DRAFT
        if self.effective_from > today:
            return VersionState.PUBLISHED
        if self.effective_to is not None and self.effective_to < today:
            return VersionState.ENDED
        return VersionState.IN_FORCE

    def clean(self) -> None:
        from apps.rubric.language.reading import ConfigErrors

        try:
            parsed = self.parsed_config()
        except ConfigErrors as exc:
            raise ValidationError({"config": [str(e) for e in exc.errors]}) from exc
        if parsed.code != self.code:
            raise ValidationError({"config": _("The configuration's code must equal the version's code.")})
        if parsed.clock is None:
            raise ValidationError({"config": _("A version cases are run under needs a clock.")})

    def parsed_config(self) -> Version:
        """The validated version, read once per process for each row and content.

        Published rules are read-only in the database, but the memo still compares the stored JSON,
        so a draft edited between two calls is never answered from a stale read.
        """
        from apps.rubric.language.catalogue import default_catalogue
        from apps.rubric.language.document import read_version

        cached = _PARSED_CONFIGS.get(self.pk) if self.pk is not None else None
        if cached is not None and cached[0] == self.config:
            return cached[1]
        parsed = read_version(self.config, default_catalogue())
        if self.pk is not None:
            _PARSED_CONFIGS[self.pk] = (copy.deepcopy(self.config), parsed)
        return parsed


class LocalisedNameMixin(models.Model):
    name = models.CharField(_("name (English)"), max_length=255)
    name_ko = models.CharField(_("name (Korean)"), max_length=255, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.name_ko and (get_language() or "en").startswith("ko"):
            return self.name_ko
        return self.name


class DemoFlagMixin(models.Model):
    is_demo = models.BooleanField(
        _("demo data"),
        default=False,
        help_text=_("Shipped for demonstration; replace with the official list."),
    )

    class Meta:
        abstract = True


class EngineeringSchool(LocalisedNameMixin, DemoFlagMixin):
    country = models.CharField(_("country"), max_length=100, blank=True)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True, help_text=_("Empty when unranked."))

    class Meta:
        ordering = ["rank", "name"]
        verbose_name = _("engineering school")
        verbose_name_plural = _("engineering schools")
        constraints = [models.UniqueConstraint(fields=["name"], name="engineering_school_name_unique")]


class FortuneGlobal500Company(LocalisedNameMixin, DemoFlagMixin):
    rank = models.PositiveIntegerField(_("rank"))
    list_year = models.PositiveIntegerField(_("list year"))

    class Meta:
        ordering = ["rank"]
        verbose_name = _("Fortune Global 500 company")
        verbose_name_plural = _("Fortune Global 500 companies")
        constraints = [models.UniqueConstraint(fields=["name"], name="fortune_company_name_unique")]


class PerCapitaGNI(DemoFlagMixin):
    year = models.PositiveIntegerField(_("year"), unique=True)
    amount_krw = models.PositiveBigIntegerField(_("amount (KRW)"))
    published_on = models.DateField(_("published on"))
    source = models.CharField(_("source"), max_length=255, blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("per-capita GNI")
        verbose_name_plural = _("per-capita GNI figures")

    def __str__(self) -> str:
        return f"{self.year}: {self.amount_krw:,} KRW"


class StrategicField(LocalisedNameMixin):
    code = models.SlugField(_("code"), max_length=50, unique=True)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("strategic field")
        verbose_name_plural = _("strategic fields")


class GovernmentProgramme(LocalisedNameMixin):
    code = models.CharField(_("code"), max_length=20, unique=True)
    ministry = models.CharField(_("ministry (English)"), max_length=255, blank=True)
    ministry_ko = models.CharField(_("ministry (Korean)"), max_length=255, blank=True)
    is_active = models.BooleanField(_("recognised"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("government programme")
        verbose_name_plural = _("government programmes")

    @property
    def display_ministry(self) -> str:
        """The ministry's name in the reader's language, as ``display_name`` does for the name."""
        if self.ministry_ko and (get_language() or "en").startswith("ko"):
            return self.ministry_ko
        return self.ministry


# --------------------------------------------------------------------------------------------------
# The dated history of the reference lists (decision 39) and uploads awaiting confirmation (40)


class ReferenceListChange(models.Model):
    """One applied import of a reference list: who, when, which file, and from which day it counts.

    Its rows (``ReferenceRowChange``) hold each changed row's values before and after, so the list as
    it stood on any day is the current list with the later changes undone
    (``apps.rubric.selectors.reference_rows_on``). Written once, never edited or deleted (a trigger).
    """

    kind = models.CharField(_("list"), max_length=20)  # a key of apps.rubric.reference_import.KINDS
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    replace = models.BooleanField(_("rows not in the file removed"), default=False)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when applied on the command line."),
    )
    applied_at = models.DateTimeField(_("applied at"))
    in_force_from = models.DateField(
        _("in force from"), help_text=_("Cases submitted before this day keep the values they had.")
    )
    added = models.PositiveIntegerField(_("added"), default=0)
    changed = models.PositiveIntegerField(_("changed"), default=0)
    removed = models.PositiveIntegerField(_("removed"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)

    class Meta:
        ordering = ["-applied_at", "-pk"]
        verbose_name = _("reference list change")
        verbose_name_plural = _("reference list changes")
        indexes = [models.Index(fields=["kind", "in_force_from"], name="reference_change_kind_day")]
        triggers = [
            pgtrigger.Protect(
                name="reference_list_change_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.applied_at:%Y-%m-%d %H:%M} {self.file_name}"


class ReferenceRowChange(models.Model):
    class Action(models.TextChoices):
        ADDED = "added", _("added")
        CHANGED = "changed", _("changed")
        REMOVED = "removed", _("removed")

    change = models.ForeignKey(ReferenceListChange, on_delete=models.PROTECT, related_name="rows")
    key = models.CharField(_("key"), max_length=255)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)

    class Meta:
        ordering = ["change", "pk"]
        verbose_name = _("reference row change")
        verbose_name_plural = _("reference row changes")
        triggers = [
            pgtrigger.Protect(
                name="reference_row_change_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            )
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.key}"


class ReferenceUpload(models.Model):
    """An uploaded, fully validated CSV kept on the server between its preview and its confirmation.

    The confirmation names it by its random id and the file's SHA-256; only its uploader may apply
    it, and only within ``REFERENCE_UPLOAD_TTL`` (``apps.policy.reference.services``).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("list"), max_length=20)
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    text = models.TextField(_("content"))
    replace = models.BooleanField(_("remove rows not in the file"), default=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("reference list upload")
        verbose_name_plural = _("reference list uploads")

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name}"
