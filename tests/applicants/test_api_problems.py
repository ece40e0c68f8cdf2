"""Every API error is a small RFC 9457 problem document, its cost bounded by the body limit (issue 13)."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from rest_framework.test import APIClient

URL = "/api/v1/self-assessment"
ANSWERS = {"degree_level": "master", "experience_years": 6, "offered_salary_krw": 1, "field": "ai"}
PROBLEM = "application/problem+json"

pytestmark = pytest.mark.django_db


def raw_post(body: str | bytes, content_type: str = "application/json"):  # type: ignore[no-untyped-def]
    return APIClient().generic("POST", URL, body, content_type=content_type)


def test_a_validation_problem_names_each_answer_and_says_what_it_is() -> None:
    response = APIClient().post(URL, {**ANSWERS, "experience_years": -1}, format="json")
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert (body["type"], body["status"]) == ("about:blank", 400)
    assert body["title"] == "Some answers need correcting"
    assert body["experience_years"] == ["Must not be negative."]


def test_a_hundred_thousand_unknown_keys_get_a_small_answer() -> None:
    junk = {f"k{index}": 1 for index in range(100_000)}
    response = raw_post(json.dumps({**ANSWERS, **junk}))
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert len(response.content) < 5_000  # it was one message per key: megabytes
    body = response.json()
    assert sum(1 for value in body.values() if value == [body.get("k0", [""])[0]]) == 10
    assert body["non_field_errors"] == ["99,990 more unknown answers are not listed."]


def test_deeply_nested_json_is_a_400_not_a_500() -> None:
    response = raw_post("[" * 100_000 + "]" * 100_000)
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert "nested too deeply" in response.json()["detail"]


def test_a_body_over_the_limit_is_a_413_problem() -> None:
    padding = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = raw_post(json.dumps({**ANSWERS, "padding": padding}))
    assert response.status_code == 413
    assert response["Content-Type"] == PROBLEM
    assert response.json()["title"] == "Request too large"


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        ('{"degree_level": ', "application/json", 400),
        ("degree_level=master", "application/x-www-form-urlencoded", 415),
    ],
)
def test_other_errors_are_problems_with_a_detail(body: str, content_type: str, status: int) -> None:
    response = raw_post(body, content_type)
    assert response.status_code == status
    assert response["Content-Type"] == PROBLEM
    problem = response.json()
    assert set(problem) == {"type", "title", "status", "detail"}
    assert problem["status"] == status
    assert problem["detail"]
