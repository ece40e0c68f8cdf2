"""The self-assessment API against its own OpenAPI schema (issue 13), with schemathesis.

Hypothesis draws requests from the live schema: valid answers (every one must be scored, 200) and
invalid ones (each must be refused, 400 or 413, never accepted and never a server error), and every
response must match what the schema documents. The number of examples is bounded for the suite.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from apps.applicants.api.views import SelfAssessmentThrottle
from apps.rubric.answers import answer_problems
from apps.rubric.language.catalogue import default_catalogue

# The WSGI handler closes the database connection after each request (request_finished), which
# a test inside one transaction cannot survive: these tests commit, and the tables are reseeded.
pytestmark = pytest.mark.django_db(transaction=True)
OPERATION = "POST /api/v1/self-assessment"


@pytest.fixture
def operation(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(SelfAssessmentThrottle, "rate", "100000/min")  # the limit is tested elsewhere
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
    return schema.find_operation_by_label(OPERATION)


def _too_big(name: str, value: str) -> bool:
    fact = default_catalogue().facts.get(name)
    return fact is not None and fact.maximum is not None and Decimal(value) > fact.maximum


def test_valid_answers_are_scored_and_answers_match_the_schema(operation: Any) -> None:
    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
    )
    @given(case=operation.as_strategy(generation_mode=schemathesis.GenerationMode.POSITIVE))
    def check(case: Any) -> None:
        # Rules across answers, which JSON Schema cannot say (the operation's description does):
        # a part no larger than its whole, no university without a degree, a name or a rank.
        assume(isinstance(case.body, dict) and not answer_problems(case.body))
        assume(not (case.body.get("institution") and case.body.get("institution_rank") is not None))
        # A decimal given as text is bounded by the API, but JSON Schema cannot bound text numerically.
        assume(
            not any(
                isinstance(value, str) and value[:1].isdigit() and _too_big(name, value)
                for name, value in case.body.items()
            )
        )
        response = case.call()
        assert response.status_code == 200, (case.body, response.text[:500])
        case.validate_response(response)

    check()


def test_invalid_answers_are_refused_never_accepted(operation: Any) -> None:
    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(case=operation.as_strategy(generation_mode=schemathesis.GenerationMode.NEGATIVE), data=st.data())
    def check(case: Any, data: Any) -> None:
        response = case.call()
        assert response.status_code in (400, 413, 415), (response.status_code, case.body)
        case.validate_response(response)

    check()
