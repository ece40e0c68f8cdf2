"""The self-assessment API contract: what a request may say, and what the answer looks like.

``SelfAssessmentRequestSerializer`` validates one set of answers (the API and ``manage.py
score_profile`` share it); ``score_answers`` turns validated answers into the engine's
``ScoreResult`` with ``apps.rubric.answers.profile_from_answers`` (the same mapping the web
page uses) and a compiled ``Scorer``. The response serializers only describe
``ScoreResult.as_dict()`` for the OpenAPI schema: the view returns the engine's dictionary as it is.

Compiled scorers are cached per process by ``apps.rubric.selectors.scorer_for`` (see there).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.applicants.self_assessment import UnknownInstitution, institution_rank
from apps.rubric.answers import profile_from_answers
from apps.rubric.language.catalogue import default_catalogue
from apps.rubric.language.reading import ConfigErrors
from apps.rubric.language.scorer import Scorer, ScoreResult
from apps.rubric.selectors import (
    RECOGNISED_PROGRAMMES,
    STRATEGIC,
    NoVersionInForce,
    UnknownRubricVersion,
    cached_reference,
    clear_scorer_cache,
    published_version_codes,
    scorer_for,
    strategic_fields,
)

__all__ = ["clear_scorer_cache", "score_answers", "scorer_on"]  # clear_scorer_cache: tests, the bench

OTHER_FIELD = "other"

# Upper bounds: generous, but a value beyond them is a typo (a salary in a wrong unit, a date typed as
# years), not a profile.
MAX_YEARS = Decimal(70)
MAX_SALARY_KRW = 10_000_000_000
MAX_OUTPUTS = 10_000
MAX_RANK = 100_000
MAX_RATING = 5

DEGREE_CHOICES: list[tuple[str, Any]] = [
    ("none", _("No degree")),
    ("bachelor", _("Bachelor's degree")),
    ("master", _("Master's degree")),
    ("doctorate", _("Doctorate")),
]
# One vocabulary with the catalogue.
assert (
    tuple(code for code, _label in DEGREE_CHOICES) == default_catalogue().fact("degree_level").option_codes()
)

NOT_NEGATIVE = _("Must not be negative.")
YEARS_TOO_MANY = _("More than 70 years is not plausible; please check the number.")
RATING_RANGE = _("Give a rating from 0 to 5.")
UNKNOWN_ANSWER = _("Unknown answer; check its spelling against the API documentation.")


def _unknown_version_message(code: str, known: list[str]) -> str:
    return str(
        _('Unknown rubric version "%(code)s". Versions that exist: %(known)s.')
        % {"code": code, "known": ", ".join(known)}
    )


# --------------------------------------------------------------------------------------------------
# Compiled scorers (cached per process by the selector)


def scorer_on(day: dt.date, version_code: str | None = None) -> Scorer:
    """The compiled scorer for ``day`` (cached per process in ``apps.rubric.selectors``)."""
    return scorer_for(version_code=version_code, on=day)


def _years_field(*, required: bool, help_text: Any) -> serializers.DecimalField:
    """A number of years, 0-70, kept exact (a Decimal: 7.99 must stay below the 8-year band)."""
    extra: dict[str, Any] = {} if required else {"default": Decimal(0)}
    return serializers.DecimalField(
        max_digits=None,
        decimal_places=None,
        min_value=Decimal(0),
        max_value=MAX_YEARS,
        coerce_to_string=False,
        help_text=help_text,
        error_messages={"min_value": NOT_NEGATIVE, "max_value": YEARS_TOO_MANY},
        **extra,
    )


def _rating_field(help_text: Any) -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=0,
        max_value=MAX_RATING,
        default=0,
        help_text=help_text,
        error_messages={"min_value": RATING_RANGE, "max_value": RATING_RANGE},
    )


class SelfAssessmentRequestSerializer(serializers.Serializer):
    """One person's answers. Required: degree_level, experience_years, offered_salary_krw, field.

    Every other answer is optional: a number defaults to 0, a yes/no to false, ``institution_rank``
    and ``government_programme`` to null. A key that is not part of the contract is refused (a typo
    would otherwise silently score as 0).
    """

    rubric_version = serializers.CharField(
        required=False,
        allow_null=True,
        max_length=20,
        help_text=_(
            'The rubric version to score under, for example "2026-07". Default: the version in force today.'
        ),
    )
    degree_level = serializers.ChoiceField(
        choices=DEGREE_CHOICES,
        help_text=_("The highest degree: none, bachelor, master or doctorate."),
        error_messages={
            "invalid_choice": _('"{input}" is not a degree level: give none, bachelor, master or doctorate.')
        },
    )
    institution_rank = serializers.IntegerField(
        min_value=1,
        max_value=MAX_RANK,
        allow_null=True,
        default=None,
        help_text=_(
            "The listed rank of the institution that awarded the degree; null when it is not ranked. "
            "Give this or institution, not both."
        ),
        error_messages={
            "min_value": _("A rank starts at 1; use null for an institution that is not ranked."),
            "max_value": _("A rank beyond 100,000 is not plausible; use null for an unranked institution."),
        },
    )
    institution = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        max_length=255,
        help_text=_(
            "The name (English or Korean) of the institution, from the reference list of engineering "
            "schools; its rank is looked up. Give this or institution_rank, not both."
        ),
    )
    experience_years = _years_field(required=True, help_text=_("Years of relevant work experience (0-70)."))
    fortune_global_500_years = _years_field(
        required=False, help_text=_("Years worked at a Fortune Global 500 company (0-70). Default 0.")
    )
    offered_salary_krw = serializers.IntegerField(
        min_value=0,
        max_value=MAX_SALARY_KRW,
        help_text=_("The offered annual salary in Korean won (KRW)."),
        error_messages={
            "min_value": NOT_NEGATIVE,
            "max_value": _(
                "A salary above 10,000,000,000 KRW is not plausible; give the annual amount in won."
            ),
        },
    )
    field = serializers.CharField(
        max_length=50,
        help_text=_(
            "The field of work: a strategic-field code (by default semiconductors, ai, aerospace, quantum, "
            'robotics, defence, biotechnology, secondary_batteries, advanced_mobility) or "other".'
        ),
    )
    publications_and_patents = serializers.IntegerField(
        min_value=0,
        max_value=MAX_OUTPUTS,
        default=0,
        help_text=_("Publications plus granted patents. Default 0."),
        error_messages={
            "min_value": NOT_NEGATIVE,
            "max_value": _("More than 10,000 publications and patents is not plausible; please check."),
        },
    )
    led_project_years = _years_field(
        required=False,
        help_text=_(
            "Years spent leading a major R&D project as principal investigator or technical lead (0-70). "
            "Default 0."
        ),
    )
    international_award = serializers.BooleanField(
        default=False, help_text=_("Holds an international award. Default false.")
    )
    sponsor_is_sme = serializers.BooleanField(
        default=False,
        help_text=_(
            "The sponsoring employer is a small or medium-sized enterprise (claimed; a reviewer verifies). "
            "Default false."
        ),
    )
    core_technology_role = _rating_field(
        _("How central the role is to the firm's core technology, rated 0-5. Default 0.")
    )
    hard_to_fill = serializers.BooleanField(
        default=False,
        help_text=_(
            "The position has been recruited for 3 months or more without a suitable domestic candidate. "
            "Default false."
        ),
    )
    transfer_plan = _rating_field(_("The technology-transfer or training plan, rated 0-5. Default 0."))
    government_programme = serializers.CharField(
        allow_null=True,
        allow_blank=True,
        default=None,
        max_length=20,
        help_text=_(
            'The government recruitment programme code (by default "MOHW" or "KASA"), or null when none.'
        ),
    )

    def get_fields(self) -> dict[str, serializers.Field]:
        """Fresh fields for this request, built from their constructor arguments.

        DRF deep-copies every declared field for each serializer instance (about 0.8 ms a request,
        a third of the endpoint's time). The arguments are never mutated, so building each field
        from them, which is what the deep copy ends with, is enough. Not a shallow copy: a field's
        validators hold messages formatted lazily and then kept (DRF's ``lazy_format``), so shared
        validators would answer every later request in the language of the first.
        """
        return {
            name: field.__class__(*field._args, **field._kwargs)  # type: ignore[attr-defined]
            for name, field in self._declared_fields.items()
        }

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        """DRF's checks, plus one error per key that is not an answer (reported with the others)."""
        errors: dict[str, Any] = {}
        value: dict[str, Any] = {}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if not isinstance(exc.detail, dict):
                raise
            errors.update(exc.detail)
        if isinstance(data, Mapping):
            for key in sorted(set(data) - set(self.fields)):
                errors[str(key)] = [UNKNOWN_ANSWER]
        if errors:
            raise serializers.ValidationError(errors)
        return value

    def validate_rubric_version(self, value: str | None) -> str | None:
        if not value:
            return None
        try:
            return scorer_on(timezone.localdate(), value).version.code
        except UnknownRubricVersion as exc:
            raise serializers.ValidationError(_unknown_version_message(exc.code, exc.known)) from None

    def validate_field(self, value: str) -> str:
        code = value.strip().lower()
        if code == OTHER_FIELD or code in cached_reference(timezone.localdate()).lists[STRATEGIC]:
            return code
        codes = [f.code for f in strategic_fields()]  # in their listed order, for the message
        raise serializers.ValidationError(
            _('Unknown field "%(value)s". Give one of: %(codes)s.')
            % {"value": value, "codes": ", ".join([*codes, OTHER_FIELD])}
        )

    def validate_government_programme(self, value: str | None) -> str | None:
        if not value or not value.strip():
            return None
        programmes = sorted(cached_reference(timezone.localdate()).lists[RECOGNISED_PROGRAMMES])
        by_upper = {code.upper(): code for code in programmes}
        code = by_upper.get(value.strip().upper())
        if code is None:
            raise serializers.ValidationError(
                _('Unknown government programme "%(value)s". Give one of: %(codes)s, or null.')
                % {"value": value, "codes": ", ".join(programmes)}
            )
        return code

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """Resolve the institution to its rank, so the answers hold one fact: ``institution_rank``."""
        name = (attrs.pop("institution", None) or "").strip()
        rank = attrs.get("institution_rank")
        if name and rank is not None:
            raise serializers.ValidationError(
                {"institution": [_("Give either institution or institution_rank, not both.")]}
            )
        try:
            attrs["institution_rank"] = institution_rank(rank=rank, institution=name or None)
        except UnknownInstitution:
            raise serializers.ValidationError(
                {
                    "institution": [
                        _(
                            '"%(name)s" is not on the reference list of engineering schools; check the '
                            "spelling, or give institution_rank (null when unranked)."
                        )
                        % {"name": name}
                    ]
                }
            ) from None
        return attrs


def score_answers(answers: Mapping[str, Any], *, on: dt.date | None = None) -> ScoreResult:
    """Validated answers -> the engine's result, under the chosen version or the one in force on ``on``.

    ``on`` defaults to today in Seoul. A version that disappears between validation and scoring, or a
    day no version covers, is reported as a ``ValidationError`` on ``rubric_version`` (a 400 that says
    what to send instead).
    """
    try:
        scorer = scorer_on(on or timezone.localdate(), answers.get("rubric_version"))
    except UnknownRubricVersion as exc:
        raise serializers.ValidationError(
            {"rubric_version": [_unknown_version_message(exc.code, exc.known)]}
        ) from None
    except NoVersionInForce:
        raise serializers.ValidationError(
            {
                "rubric_version": [
                    _("No rubric version is in force today; name one of: %(known)s.")
                    % {"known": ", ".join(published_version_codes())}
                ]
            }
        ) from None
    try:
        profile = profile_from_answers(answers, scorer)
    except ConfigErrors as exc:  # within the serializer's bounds but outside the catalogue's
        raise serializers.ValidationError({e.path: [e.problem] for e in exc.errors}) from None
    return scorer.score(profile)


# --------------------------------------------------------------------------------------------------
# The response, as ScoreResult.as_dict() gives it (documentation and contract tests only)


class CriterionResultSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_('The criterion, "A1" to "B2".'))
    title = serializers.CharField(help_text=_("The criterion's name, in the request's language."))
    points = serializers.IntegerField(min_value=0)
    max = serializers.IntegerField(min_value=0)
    basis = serializers.ChoiceField(
        choices=[("computed", _("computed from facts")), ("estimate", _("an estimate; reviewers assess it"))]
    )
    explanation = serializers.CharField(help_text=_("The facts that earned the points."))
    next_step = serializers.CharField(
        allow_null=True,
        help_text=_("The nearest step up for each part not at its maximum; null at the maximum."),
    )


class TrackResultSerializer(serializers.Serializer):
    title = serializers.CharField()
    eligible = serializers.BooleanField()
    reasons = serializers.ListField(
        child=serializers.CharField(), help_text=_("Met and unmet conditions, the summary first.")
    )


class TracksSerializer(serializers.Serializer):
    """Keyed by the tracks the rubric version offers; "2025-03" offers only ``quantitative``."""

    quantitative = TrackResultSerializer(required=False)
    qualitative = TrackResultSerializer(required=False)
    government_programme = TrackResultSerializer(required=False)


class SelfAssessmentResultSerializer(serializers.Serializer):
    rubric_version = serializers.CharField(help_text=_("The version the answers were scored under."))
    criteria = CriterionResultSerializer(
        many=True, help_text=_("A1..B2 with their points; empty for a version without a points rubric.")
    )
    quantitative = serializers.IntegerField(help_text=_("Points of the A criteria (computed)."))
    qualitative_estimate = serializers.IntegerField(help_text=_("Points of the B criteria (an estimate)."))
    sme_bonus = serializers.IntegerField(help_text=_("The SME bonus claimed; a reviewer verifies it."))
    sme_bonus_basis = serializers.ChoiceField(
        choices=[("claimed", _("claimed")), ("verified", _("verified")), ("none", _("none"))]
    )
    total = serializers.IntegerField()
    pass_mark = serializers.IntegerField(
        allow_null=True, help_text=_("Null when the version has no points rubric.")
    )
    tracks = TracksSerializer()
