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
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from rest_framework import serializers

from apps.applicants.self_assessment.scoring import UnknownInstitution, institution_rank
from apps.rubric.answers import answer_problems, profile_from_answers
from apps.rubric.fact_fields import api_field
from apps.rubric.language.catalogue import default_catalogue
from apps.rubric.language.reading import ConfigErrors
from apps.rubric.language.scorer import Scorer, ScoreResult
from apps.rubric.selectors import (
    NoVersionInForce,
    UnknownRubricVersion,
    cached_version_codes,
    clear_scorer_cache,
    published_version_codes,
    school_names,
    scorer_for,
)

INSTITUTION_RANK = "institution_rank"  # the fact a school's name is looked up for

__all__ = ["clear_scorer_cache", "score_answers", "scorer_on"]  # clear_scorer_cache: tests, the bench

UNKNOWN_ANSWER = _("Unknown answer; check its spelling against the API documentation.")
MAX_UNKNOWN_REPORTED = 10


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


class ListedTextField(serializers.ChoiceField):
    """Text checked by the serializer's own ``validate_*`` (with a message that says what to send),
    whose choices are the values that exist (listed schools, published versions): the schema's
    ``enum`` tells a client the list; case and surrounding spaces are forgiven."""

    def to_internal_value(self, data: Any) -> str:
        if isinstance(data, bool | int | float | list | dict):
            raise serializers.ValidationError(_("Give this answer as text."))
        return str(data)[:255]


class SelfAssessmentRequestSerializer(serializers.Serializer):
    """One person's answers: one per fact of the catalogue (``apps/rubric/catalogue.json``), plus
    ``institution`` (a school's name, looked up for ``institution_rank``) and ``rubric_version``.

    The catalogue says which answers are required, their types, bounds, defaults and wording; an
    answer left out takes the fact's default. A key that is not part of the contract is refused (a
    typo would otherwise silently score as 0).
    """

    rubric_version = serializers.CharField(
        required=False,
        allow_null=True,
        help_text=_(
            'The rubric version to score under, for example "2026-07". Default: the version in force today.'
        ),
    )
    institution = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text=_(
            "The name (English or Korean) of the institution, from the reference list of engineering "
            "schools; its rank is looked up. Give this or institution_rank, not both."
        ),
    )

    def get_fields(self) -> dict[str, serializers.Field]:
        """The version choice, then one field per catalogue fact (the institution's name before its
        rank), built for this request: lazily translated messages are formatted in its language.

        Declared fields are built from their constructor arguments rather than deep-copied (DRF's
        default costs about 0.8 ms a request, a third of the endpoint's time).
        """
        declared = {
            name: field.__class__(*field._args, **field._kwargs)  # type: ignore[attr-defined]
            for name, field in self._declared_fields.items()
        }
        declared["institution"] = ListedTextField(
            choices=school_names(),
            **declared["institution"]._kwargs,  # type: ignore[attr-defined]
        )
        declared["rubric_version"] = ListedTextField(
            choices=cached_version_codes(),
            **declared["rubric_version"]._kwargs,  # type: ignore[attr-defined]
        )
        fields: dict[str, serializers.Field] = {"rubric_version": declared["rubric_version"]}
        for fact in default_catalogue().facts.values():
            if fact.code == INSTITUTION_RANK:
                fields["institution"] = declared["institution"]
            fields[fact.code] = api_field(fact)
        fields.setdefault("institution", declared["institution"])
        return fields

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
            unknown = sorted(str(key) for key in set(data) - set(self.fields))
            # One message per unknown key up to a few; past them, one line says how many more, so
            # a body of 100,000 junk keys costs a small answer, not one message each.
            for key in unknown[:MAX_UNKNOWN_REPORTED]:
                errors[key] = [UNKNOWN_ANSWER]
            if len(unknown) > MAX_UNKNOWN_REPORTED:
                more = len(unknown) - MAX_UNKNOWN_REPORTED
                errors["non_field_errors"] = [
                    ngettext(
                        "%(count)s more unknown answer is not listed.",
                        "%(count)s more unknown answers are not listed.",
                        more,
                    )
                    % {"count": f"{more:,}"}
                ]
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

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """Resolve the institution to its rank, so the answers hold one fact: ``institution_rank``."""
        problems = answer_problems(attrs)
        if problems:
            raise serializers.ValidationError({name: [problem] for name, problem in problems.items()})
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
