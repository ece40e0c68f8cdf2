"""``POST /api/v1/self-assessment``: score a profile against the rubric, publicly and statelessly."""

from __future__ import annotations

import functools
import time

import redis
from django.conf import settings
from django.core.cache.backends.locmem import LocMemCache
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from apps.applicants.api.serializers import (
    SelfAssessmentRequestSerializer,
    SelfAssessmentResultSerializer,
    score_answers,
)
from apps.core.cache import SharedCacheUnavailable, report_shared_cache_failure, shared_cache_in_outage
from apps.core.input_checks import PROBLEM_CONTENT_TYPE


class SelfAssessmentThrottle(SimpleRateThrottle):
    """Per client address, counted in the shared Redis so every worker sees the same count.

    One Redis round trip per request (a pipeline: INCR this window's counter, set its expiry, read
    the previous window's), where DRF's own throttles make two (read the history list, write it
    back) through a client object built anew for each call. The count is a sliding-window estimate:
    this minute's requests plus the previous minute's, weighted by how much of it still overlaps.
    Refused requests count too, so a client that keeps hammering stays refused.

    While Redis cannot answer (or refuses the write), each process counts on its own instead
    (``_local_counts``): the limit holds per process, the API keeps answering (decision 14).

    The client address is DRF's ``get_ident``: behind a reverse proxy, set ``REST_FRAMEWORK
    ["NUM_PROXIES"]`` so that a forged X-Forwarded-For cannot reset the count.
    """

    scope = "self_assessment"
    rate = "120/min"
    cache_format = "throttle:%(scope)s:%(ident)s"
    retry_after = 0.0

    def get_cache_key(self, request: Request, view: APIView) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def allow_request(self, request: Request, view: APIView) -> bool:
        limit, duration = self.parse_rate(self.rate)
        if limit is None or duration is None:
            return True
        window, elapsed = divmod(time.time(), duration)
        key = f"{settings.CACHES['default'].get('KEY_PREFIX', '')}:{self.get_cache_key(request, view)}"
        current_key, previous_key = f"{key}:{int(window)}", f"{key}:{int(window) - 1}"
        try:
            current, previous = _shared_counts(current_key, previous_key, duration)
        except SharedCacheUnavailable:
            current, previous = _local_counts(current_key, previous_key, duration)
        estimate = current + int(previous or 0) * (1 - elapsed / duration)
        self.retry_after = duration - elapsed
        return bool(estimate <= limit)

    def wait(self) -> float:
        return max(self.retry_after, 1.0)


def _shared_counts(current_key: str, previous_key: str, duration: int) -> tuple[int, int]:
    """This window's count (after counting this request) and the previous window's, in Redis."""
    if shared_cache_in_outage():
        raise SharedCacheUnavailable("the cache failed a moment ago")
    pipe = _redis_client().pipeline(transaction=False)
    pipe.incr(current_key)
    pipe.expire(current_key, 2 * duration)
    pipe.get(previous_key)
    try:
        current, _expiry, previous = pipe.execute()
    except redis.exceptions.RedisError as error:
        report_shared_cache_failure("throttle", error)
        raise SharedCacheUnavailable(str(error)) from error
    return int(current), int(previous or 0)


_LOCAL = LocMemCache("api-throttle-per-process", {"OPTIONS": {"MAX_ENTRIES": 100_000}})


def _local_counts(current_key: str, previous_key: str, duration: int) -> tuple[int, int]:
    """The same counts, in this process's memory: while Redis is out of reach."""
    _LOCAL.add(current_key, 0, timeout=2 * duration)
    return _LOCAL.incr(current_key), int(_LOCAL.get(previous_key) or 0)


@functools.cache
def _redis_client_for(url: str) -> redis.Redis:
    # Short timeouts: a Redis that does not answer must not hold a request (apps.core.cache).
    return redis.Redis.from_url(url, socket_connect_timeout=1.0, socket_timeout=1.0)


def _redis_client() -> redis.Redis:
    """One client (and connection pool) per process and cache location, reused by every request."""
    return _redis_client_for(str(settings.CACHES["default"]["LOCATION"]))


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
            "(en, ko). Rate limit: 120 requests a minute per client address. Rules across answers: "
            "fortune_global_500_years is part of experience_years (never more); a university "
            "(institution or institution_rank) needs a degree_level other than none; give institution "
            "or institution_rank, not both."
        ),
        tags=["self-assessment"],
        auth=[],
        request=SelfAssessmentRequestSerializer,
        responses={
            200: SelfAssessmentResultSerializer,
            (400, PROBLEM_CONTENT_TYPE): OpenApiResponse(
                response=OpenApiTypes.OBJECT,
                description=_(
                    "Invalid answers: an RFC 9457 problem document (application/problem+json) with type, "
                    "title, status and detail, and a list of messages per answer ({field: [messages]}); "
                    "for a body that is not valid JSON, detail says why."
                ),
                examples=[OpenApiExample("Field errors", value=ERROR_EXAMPLE, response_only=True)],
            ),
            (413, PROBLEM_CONTENT_TYPE): OpenApiResponse(
                response=OpenApiTypes.OBJECT,
                description=_("The body is larger than the API accepts (a problem document)."),
            ),
            (415, PROBLEM_CONTENT_TYPE): OpenApiResponse(
                response=OpenApiTypes.OBJECT,
                description=_("The body is not JSON (a problem document)."),
            ),
            (429, PROBLEM_CONTENT_TYPE): OpenApiResponse(
                response=OpenApiTypes.OBJECT,
                description=_("Too many requests; retry after the Retry-After seconds."),
            ),
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
