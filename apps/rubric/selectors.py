"""Reads of the rubric and reference data. The engine itself never touches the database."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from apps.rubric.engine import ReferenceContext, Scorer
from apps.rubric.models import (
    EngineeringSchool,
    GovernmentProgramme,
    PerCapitaGNI,
    RubricVersion,
    StrategicField,
)


class NoVersionInForce(LookupError):
    """No published rubric version covers the date."""


class UnknownRubricVersion(LookupError):
    """The requested version code does not exist (or is not published)."""

    def __init__(self, code: str, known: list[str]) -> None:
        super().__init__(code)
        self.code = code
        self.known = known


class NoGniFigure(LookupError):
    """No per-capita GNI figure had been published by the date."""


def published_versions() -> list[RubricVersion]:
    return list(RubricVersion.objects.filter(published=True).order_by("effective_from"))


def published_version_codes() -> list[str]:
    return list(
        RubricVersion.objects.filter(published=True).order_by("effective_from").values_list("code", flat=True)
    )


def rubric_version_in_force(on: dt.date) -> RubricVersion:
    version = (
        RubricVersion.objects.filter(published=True, effective_from__lte=on)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
        .first()
    )
    if version is None:
        raise NoVersionInForce(on.isoformat())
    return version


def rubric_version_by_code(code: str) -> RubricVersion:
    version = RubricVersion.objects.filter(published=True, code=code).first()
    if version is None:
        raise UnknownRubricVersion(code, published_version_codes())
    return version


def gni_in_force(on: dt.date) -> PerCapitaGNI:
    """The newest figure that had been published by ``on`` (a salary is compared with what was known)."""
    figure = PerCapitaGNI.objects.filter(published_on__lte=on).order_by("-year").first()
    if figure is None:
        raise NoGniFigure(on.isoformat())
    return figure


def reference_context(on: dt.date) -> ReferenceContext:
    gni = gni_in_force(on)
    return ReferenceContext(
        gni_per_capita_krw=gni.amount_krw,
        gni_year=gni.year,
        strategic_fields=frozenset(
            StrategicField.objects.filter(is_active=True).values_list("code", flat=True)
        ),
        recognised_programmes=frozenset(
            GovernmentProgramme.objects.filter(is_active=True).values_list("code", flat=True)
        ),
    )


def scorer_for(*, version_code: str | None = None, on: dt.date | None = None) -> Scorer:
    """A compiled scorer: the named version, or the one in force on ``on`` (default: today in Seoul)."""
    day = on or timezone.localdate()
    version = rubric_version_by_code(version_code) if version_code else rubric_version_in_force(day)
    return Scorer(version.parsed_config(), reference_context(day))


def strategic_fields() -> list[StrategicField]:
    return list(StrategicField.objects.filter(is_active=True))


def government_programmes() -> list[GovernmentProgramme]:
    return list(GovernmentProgramme.objects.filter(is_active=True))


def school_by_name(name: str) -> EngineeringSchool | None:
    """Exact, case-insensitive match on the English or Korean name."""
    needle = name.strip().lower()
    if not needle:
        return None
    return (
        EngineeringSchool.objects.annotate(lname=Lower("name"), lname_ko=Lower("name_ko"))
        .filter(Q(lname=needle) | Q(lname_ko=needle))
        .first()
    )


def schools_matching(query: str, limit: int = 10) -> list[EngineeringSchool]:
    """Schools whose English or Korean name contains ``query`` (a short list: a scan is fine)."""
    query = query.strip()
    if len(query) < 2:
        return []
    return list(
        EngineeringSchool.objects.filter(Q(name__icontains=query) | Q(name_ko__icontains=query)).order_by(
            "rank", "name"
        )[:limit]
    )
