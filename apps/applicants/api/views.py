"""``POST /api/v1/self-assessment``: score a profile against the rubric, publicly and statelessly."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from apps.applicants.api.serializers import (
    SelfAssessmentRequestSerializer,
    SelfAssessmentResultSerializer,
    score_answers,
)


class SelfAssessmentThrottle(AnonRateThrottle):
    """Per client address, counted in the shared (Redis) cache so every worker sees the same count.

    The client address is DRF's ``get_ident``: behind a reverse proxy, set ``REST_FRAMEWORK
    ["NUM_PROXIES"]`` so that a forged X-Forwarded-For cannot reset the count.
    """

    scope = "self_assessment"
    rate = "120/min"


FULL_PROFILE_EXAMPLE = {
    "degree_level": "doctorate",
    "institution_rank": 26,
    "experience_years": 10,
    "fortune_global_500_years": 3,
    "offered_salary_krw": 150_000_000,
    "field": "ai",
    "publications_and_patents": 10,
    "led_project_years": 3,
    "international_award": False,
    "sponsor_is_sme": True,
    "core_technology_role": 5,
    "hard_to_fill": True,
    "transfer_plan": 5,
    "government_programme": None,
}
MINIMAL_PROFILE_EXAMPLE = {
    "degree_level": "master",
    "institution": "Seoul National University",
    "experience_years": 6.5,
    "offered_salary_krw": 90_000_000,
    "field": "semiconductors",
}
RESULT_EXAMPLE = {
    "rubric_version": "2026-07",
    "criteria": [
        {
            "code": "A3",
            "title": "Salary",
            "points": 20,
            "max": 20,
            "basis": "computed",
            "explanation": (
                "An offered salary of 150,000,000 KRW is 3.0 times the 2024 per-capita GNI of 49,955,000 KRW "
                "(3.0 times or more): 20 of 20 points."
            ),
            "next_step": None,
        },
        {
            "code": "B2",
            "title": "Strategic value to the hiring firm",
            "points": 10,
            "max": 15,
            "basis": "estimate",
            "explanation": "…",
            "next_step": "Showing that the position is hard to fill domestically would add 5 points.",
        },
    ],
    "quantitative": 65,
    "qualitative_estimate": 35,
    "sme_bonus": 10,
    "sme_bonus_basis": "claimed",
    "total": 110,
    "pass_mark": 70,
    "tracks": {
        "quantitative": {"title": "Quantitative track", "eligible": True, "reasons": ["…"]},
        "qualitative": {"title": "Qualitative track", "eligible": True, "reasons": ["…"]},
        "government_programme": {"title": "Government programme track", "eligible": False, "reasons": ["…"]},
    },
}
ERROR_EXAMPLE = {
    "rubric_version": ['Unknown rubric version "2024-01". Versions that exist: 2025-03, 2026-07.'],
    "experience_years": ["Must not be negative."],
    "field": ['Unknown field "chemistry". Give one of: semiconductors, ai, …, other.'],
}


class SelfAssessmentView(APIView):
    """Score self-declared answers; nothing is stored. Public: no login, no CSRF token, rate-limited."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = (SelfAssessmentThrottle,)

    @extend_schema(
        operation_id="self_assessment",
        summary=_("Score a profile against the K-Tech Pass rubric"),
        description=_(
            "Scores the answers under the named rubric version (default: the version in force today) and "
            "returns every criterion with its points, explanation and nearest step up, the totals, and "
            "each track's eligibility with reasons. The B criteria are estimates from self-declared "
            "facts; the SME bonus is a claim until a reviewer verifies it. Nothing is stored. "
            "Required: degree_level, experience_years, offered_salary_krw, field; the other answers "
            "default to 0, false or null. Unknown keys are refused. Messages follow Accept-Language "
            "(en, ko). Rate limit: 120 requests a minute per client address."
        ),
        tags=["self-assessment"],
        auth=[],
        request=SelfAssessmentRequestSerializer,
        responses={
            200: SelfAssessmentResultSerializer,
            400: OpenApiResponse(
                response=OpenApiTypes.OBJECT,
                description=_(
                    "Invalid answers: an object with a list of messages per answer ({field: [messages]}), "
                    'or {"detail": ...} for a body that is not valid JSON.'
                ),
                examples=[OpenApiExample("Field errors", value=ERROR_EXAMPLE, response_only=True)],
            ),
            429: OpenApiResponse(description=_("Too many requests; retry after the Retry-After seconds.")),
        },
        examples=[
            OpenApiExample("Full profile", value=FULL_PROFILE_EXAMPLE, request_only=True),
            OpenApiExample("Minimal profile", value=MINIMAL_PROFILE_EXAMPLE, request_only=True),
            OpenApiExample(
                "Under the launch rules",
                value={**MINIMAL_PROFILE_EXAMPLE, "rubric_version": "2025-03"},
                request_only=True,
            ),
            OpenApiExample("Result", value=RESULT_EXAMPLE, response_only=True, status_codes=["200"]),
        ],
    )
    def post(self, request: Request) -> Response:
        serializer = SelfAssessmentRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = score_answers(serializer.validated_data)
        return Response(result.as_dict())
