"""The self-assessment API contract: POST /api/v1/self-assessment, its errors, and its schema.

Expected numbers are worked out by hand from policy.md section 3 (rubric "2026-07", per-capita GNI
2024 = 49,955,000 KRW, seeded by migrations), not read back from the engine.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from rest_framework.test import APIClient

from apps.applicants.api.serializers import (
    SelfAssessmentRequestSerializer,
    SelfAssessmentResultSerializer,
    clear_scorer_cache,
)
from apps.applicants.api.views import SelfAssessmentThrottle
from apps.applicants.self_assessment.scoring import answer_fields
from apps.core.api_errors import PROBLEM_MEMBERS
from apps.core.memo import TtlMemo
from apps.rubric.models import EngineeringSchool, GovernmentProgramme, StrategicField


def answers_of(problem: dict[str, Any]) -> dict[str, Any]:
    """A validation problem's per-answer messages (without RFC 9457's own members)."""
    return {key: value for key, value in problem.items() if key not in PROBLEM_MEMBERS}


URL = "/api/v1/self-assessment"
SEOUL = ZoneInfo("Asia/Seoul")

FULL_PROFILE: dict[str, Any] = {
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
MINIMAL_PROFILE: dict[str, Any] = {
    "degree_level": "master",
    "experience_years": 5,
    "offered_salary_krw": 60_000_000,
    "field": "other",
}


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    """Each test starts with an empty rate-limit count and no compiled scorers from another test."""
    cache.clear()  # the rate-limit counters live in the cache's Redis database
    clear_scorer_cache()
    yield
    clear_scorer_cache()


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def post(api: APIClient, body: Any, **extra: Any) -> Any:
    return api.post(URL, data=json.dumps(body), content_type="application/json", **extra)


def points(body: dict[str, Any]) -> dict[str, int]:
    return {c["code"]: c["points"] for c in body["criteria"]}


def totals(body: dict[str, Any]) -> dict[str, Any]:
    return {
        key: body[key] for key in ("quantitative", "qualitative_estimate", "sme_bonus", "total", "pass_mark")
    }


def eligible(body: dict[str, Any]) -> dict[str, bool]:
    return {code: track["eligible"] for code, track in body["tracks"].items()}


def assert_matches_contract(body: dict[str, Any]) -> None:
    serializer = SelfAssessmentResultSerializer(data=body)
    assert serializer.is_valid(), serializer.errors


# --------------------------------------------------------------------------------------------------
# Good input


@pytest.mark.django_db
def test_full_profile_scores_every_criterion(api: APIClient) -> None:
    response = post(api, {**FULL_PROFILE, "rubric_version": "2026-07"})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["rubric_version"] == "2026-07"
    # A1 doctorate, rank 26 (top 100): 25. A2 10 years: 12, + 8 for >= 2 years at a FG500: 20.
    # A3 150,000,000 / 49,955,000 = 3.003 >= 3.0: 20. B1 ai 5 + 10 outputs 8 + led 3 years 7: 20.
    # B2 5 + 5 + 5: 15. SME bonus (claimed): 10.
    assert points(body) == {"A1": 25, "A2": 20, "A3": 20, "B1": 20, "B2": 15}
    assert [c["max"] for c in body["criteria"]] == [25, 20, 20, 20, 15]
    assert [c["basis"] for c in body["criteria"]] == ["computed"] * 3 + ["estimate"] * 2
    assert all(c["next_step"] is None for c in body["criteria"])  # everything at its maximum
    assert all(c["explanation"] for c in body["criteria"])
    assert totals(body) == {
        "quantitative": 65,
        "qualitative_estimate": 35,
        "sme_bonus": 10,
        "total": 110,
        "pass_mark": 70,
    }
    assert body["sme_bonus_basis"] == "claimed"
    assert eligible(body) == {"quantitative": True, "qualitative": True, "government_programme": False}
    assert all(track["reasons"] for track in body["tracks"].values())
    assert_matches_contract(body)


@pytest.mark.django_db
def test_recognised_programme_opens_the_government_track(api: APIClient) -> None:
    body = post(api, {**MINIMAL_PROFILE, "government_programme": "kasa"}).json()

    assert eligible(body)["government_programme"] is True
    # Named in words, not by its code.
    reasons = body["tracks"]["government_programme"]["reasons"]
    assert any("Korea AeroSpace Administration recruitment programme" in reason for reason in reasons)


@pytest.mark.django_db
def test_minimal_profile_uses_the_defaults(api: APIClient) -> None:
    response = post(api, MINIMAL_PROFILE)

    assert response.status_code == 200, response.content
    body = response.json()
    # A1 master, unranked ("other"): 10. A2 5 years: 7, no FG500. A3 60,000,000 / 49,955,000 = 1.2: 4.
    # B1 field "other" 2, no outputs, no project, no award: 2. B2 all zero: 0. No SME claim.
    assert points(body) == {"A1": 10, "A2": 7, "A3": 4, "B1": 2, "B2": 0}
    assert totals(body) == {
        "quantitative": 21,
        "qualitative_estimate": 2,
        "sme_bonus": 0,
        "total": 23,
        "pass_mark": 70,
    }
    assert body["sme_bonus_basis"] == "none"
    assert eligible(body) == {"quantitative": False, "qualitative": False, "government_programme": False}
    assert all(c["next_step"] for c in body["criteria"])  # nothing at its maximum: a step up everywhere
    assert_matches_contract(body)


@pytest.mark.django_db
def test_thresholds_are_inclusive_and_exact(api: APIClient) -> None:
    # 3.0 x 49,955,000 = 149,865,000 exactly: 20 points and the quantitative track; one won less is not.
    at = post(api, {**MINIMAL_PROFILE, "offered_salary_krw": 149_865_000}).json()
    below = post(api, {**MINIMAL_PROFILE, "offered_salary_krw": 149_864_999}).json()
    # 7.99 years stays below the 8-year band (no float rounding on the way in).
    years = post(api, {**MINIMAL_PROFILE, "experience_years": "7.99"}).json()

    assert (points(at)["A3"], eligible(at)["quantitative"]) == (20, True)
    assert (points(below)["A3"], eligible(below)["quantitative"]) == (16, False)
    assert points(years)["A2"] == 7


@pytest.mark.django_db
def test_launch_version_has_only_the_quantitative_track(api: APIClient) -> None:
    response = post(api, {**FULL_PROFILE, "rubric_version": "2025-03"})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["rubric_version"] == "2025-03"
    assert body["criteria"] == []
    assert totals(body) == {
        "quantitative": 0,
        "qualitative_estimate": 0,
        "sme_bonus": 0,
        "total": 0,
        "pass_mark": None,
    }
    # Doctorate from a top-100 school AND more than 8 years of experience.
    assert eligible(body) == {"quantitative": True}
    assert_matches_contract(body)


@pytest.mark.django_db
def test_launch_version_wants_more_than_eight_years(api: APIClient) -> None:
    body = post(api, {**FULL_PROFILE, "rubric_version": "2025-03", "experience_years": 8}).json()

    assert eligible(body) == {"quantitative": False}


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["KAIST", "kaist", "  Kaist ", "한국과학기술원"])
def test_institution_name_is_resolved_to_its_rank(api: APIClient, name: str) -> None:
    EngineeringSchool.objects.create(name="KAIST", name_ko="한국과학기술원", country="KR", rank=40)
    body = post(api, {**MINIMAL_PROFILE, "institution": name}).json()

    # Master's from a top-100 school: A1 20 and the quantitative track.
    assert points(body)["A1"] == 20
    assert eligible(body)["quantitative"] is True
    assert any("40" in reason for reason in body["tracks"]["quantitative"]["reasons"])


@pytest.mark.django_db
def test_listed_but_unranked_institution_counts_as_other(api: APIClient) -> None:
    EngineeringSchool.objects.create(name="Example Institute of Technology", rank=None)
    body = post(api, {**MINIMAL_PROFILE, "institution": "Example Institute of Technology"}).json()

    assert points(body)["A1"] == 10


@pytest.mark.django_db
def test_rank_between_101_and_200(api: APIClient) -> None:
    body = post(api, {**MINIMAL_PROFILE, "institution_rank": 150}).json()

    assert points(body)["A1"] == 15


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (dt.datetime(2025, 9, 1, 12, 0, tzinfo=SEOUL), "2025-03"),
        (dt.datetime(2026, 7, 1, 23, 30, tzinfo=SEOUL), "2025-03"),  # last day of the launch rules
        (dt.datetime(2026, 7, 2, 0, 30, tzinfo=SEOUL), "2026-07"),  # still 1 July in UTC
        (dt.datetime(2027, 1, 15, 9, 0, tzinfo=SEOUL), "2026-07"),
    ],
)
def test_default_version_is_the_one_in_force_today_in_seoul(
    api: APIClient, moment: dt.datetime, expected: str
) -> None:
    with time_machine.travel(moment, tick=False):
        body = post(api, MINIMAL_PROFILE).json()

    assert body["rubric_version"] == expected


@pytest.mark.django_db
@pytest.mark.parametrize("path", [URL, URL + "/"])
def test_public_without_login_or_csrf_token(path: str) -> None:
    api = APIClient(enforce_csrf_checks=True)
    response = api.post(path, data=json.dumps(MINIMAL_PROFILE), content_type="application/json")

    assert response.status_code == 200, response.content


@pytest.mark.django_db
def test_rate_limited_per_client_address(api: APIClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(SelfAssessmentThrottle, "rate", "2/min")
    address = "198.51.100.7"

    statuses = [post(api, MINIMAL_PROFILE, REMOTE_ADDR=address).status_code for _ in range(3)]

    assert statuses == [200, 200, 429]


def test_default_rate_is_generous() -> None:
    assert SelfAssessmentThrottle().parse_rate(SelfAssessmentThrottle.rate) == (120, 60)


# --------------------------------------------------------------------------------------------------
# Reference data: read from the database, compiled once per process for a short while


@pytest.mark.django_db
def test_a_repeated_request_makes_no_queries(api: APIClient, django_assert_num_queries: Any) -> None:
    post(api, {**FULL_PROFILE, "rubric_version": "2026-07", "government_programme": "MOHW"})

    with django_assert_num_queries(0):
        response = post(api, {**FULL_PROFILE, "rubric_version": "2026-07", "government_programme": "MOHW"})

    assert response.status_code == 200


@pytest.mark.django_db
def test_field_and_programme_lists_come_from_the_database(api: APIClient) -> None:
    StrategicField.objects.filter(code="quantum").update(is_active=False)
    GovernmentProgramme.objects.create(code="MSIT", name="Ministry of Science and ICT programme")

    refused = post(api, {**MINIMAL_PROFILE, "field": "quantum"})
    accepted = post(api, {**MINIMAL_PROFILE, "government_programme": "MSIT"})

    assert refused.status_code == 400
    assert "quantum" not in refused.json()["field"][0].split(":", 1)[1]
    assert accepted.status_code == 200
    assert eligible(accepted.json())["government_programme"] is True


def test_memo_recomputes_after_its_time_to_live() -> None:
    now = [100.0]
    memo: TtlMemo[int] = TtlMemo(60, clock=lambda: now[0])
    computed: list[str] = []

    def compute(value: int) -> Callable[[], int]:
        def make() -> int:
            computed.append("x")
            return value

        return make

    assert memo.get("k", compute(1)) == 1
    now[0] += 59.9
    assert memo.get("k", compute(2)) == 1
    now[0] += 0.2
    assert memo.get("k", compute(3)) == 3
    assert len(computed) == 2


def test_memo_does_not_remember_failures() -> None:
    memo: TtlMemo[int] = TtlMemo(60)

    def fail() -> int:
        raise LookupError("no")

    with pytest.raises(LookupError):
        memo.get("k", fail)
    assert memo.get("k", lambda: 5) == 5


# --------------------------------------------------------------------------------------------------
# Bad input: a 400 that names the answer at fault


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"degree_level": "phd"}, "degree_level"),
        ({"degree_level": 5}, "degree_level"),
        ({"degree_level": None}, "degree_level"),
        ({"experience_years": "ten"}, "experience_years"),
        ({"experience_years": True}, "experience_years"),
        ({"experience_years": -1}, "experience_years"),
        ({"experience_years": 70.5}, "experience_years"),
        ({"experience_years": "NaN"}, "experience_years"),
        ({"fortune_global_500_years": -0.5}, "fortune_global_500_years"),
        ({"led_project_years": [3]}, "led_project_years"),
        ({"offered_salary_krw": -1}, "offered_salary_krw"),
        ({"offered_salary_krw": 1.5}, "offered_salary_krw"),
        ({"offered_salary_krw": "a lot"}, "offered_salary_krw"),
        ({"offered_salary_krw": 10_000_000_001}, "offered_salary_krw"),
        ({"institution_rank": 0}, "institution_rank"),
        ({"institution_rank": "first"}, "institution_rank"),
        ({"publications_and_patents": -3}, "publications_and_patents"),
        ({"publications_and_patents": 2.5}, "publications_and_patents"),
        ({"international_award": "maybe"}, "international_award"),
        ({"sponsor_is_sme": {"yes": True}}, "sponsor_is_sme"),
        ({"hard_to_fill": 7}, "hard_to_fill"),
        ({"core_technology_role": 6}, "core_technology_role"),
        ({"core_technology_role": -1}, "core_technology_role"),
        ({"transfer_plan": 9}, "transfer_plan"),
        ({"field": "chemistry"}, "field"),
        ({"field": ""}, "field"),
        ({"government_programme": "NASA"}, "government_programme"),
        ({"government_programme": 3}, "government_programme"),
        ({"rubric_version": 2026}, "rubric_version"),
        ({"experiance_years": 3}, "experiance_years"),  # a typo is refused, not scored as 0
    ],
)
def test_bad_answer_names_its_field(api: APIClient, change: dict[str, Any], field: str) -> None:
    response = post(api, {**FULL_PROFILE, **change})

    assert response.status_code == 400
    body = response.json()
    assert field in body, body
    assert isinstance(body[field], list)
    assert all(isinstance(message, str) and message for message in body[field])


@pytest.mark.django_db
def test_messages_are_readable(api: APIClient) -> None:
    body = post(
        api,
        {**FULL_PROFILE, "experience_years": 95, "offered_salary_krw": -1, "core_technology_role": 6},
    ).json()

    assert body["experience_years"] == ["More than 70 years is not plausible; please check the number."]
    assert body["offered_salary_krw"] == ["Must not be negative."]
    assert body["core_technology_role"] == ["Give a rating from 0 to 5."]


@pytest.mark.django_db
def test_every_bad_answer_is_reported_at_once(api: APIClient) -> None:
    body = post(
        api, {**FULL_PROFILE, "field": "chemistry", "transfer_plan": 9, "rubric_version": "1999"}
    ).json()

    assert set(answers_of(body)) == {"field", "transfer_plan", "rubric_version"}


@pytest.mark.django_db
def test_unknown_field_code_lists_the_codes(api: APIClient) -> None:
    body = post(api, {**FULL_PROFILE, "field": "chemistry"}).json()

    message = body["field"][0]
    assert '"chemistry"' in message
    for code in ("semiconductors", "ai", "advanced_mobility", "other"):
        assert code in message


@pytest.mark.django_db
def test_unknown_programme_lists_the_programmes(api: APIClient) -> None:
    body = post(api, {**FULL_PROFILE, "government_programme": "NASA"}).json()

    assert "MOHW" in body["government_programme"][0]
    assert "KASA" in body["government_programme"][0]


@pytest.mark.django_db
def test_unknown_institution(api: APIClient) -> None:
    EngineeringSchool.objects.create(name="KAIST", rank=40)
    response = post(api, {**MINIMAL_PROFILE, "institution": "Hogwarts School of Engineering"})

    assert response.status_code == 400
    assert set(answers_of(response.json())) == {"institution"}
    assert "Hogwarts School of Engineering" in response.json()["institution"][0]


@pytest.mark.django_db
def test_institution_and_rank_together_are_refused(api: APIClient) -> None:
    EngineeringSchool.objects.create(name="KAIST", rank=40)
    response = post(api, {**MINIMAL_PROFILE, "institution": "KAIST", "institution_rank": 40})

    assert response.status_code == 400
    assert answers_of(response.json()) == {
        "institution": ["Give either institution or institution_rank, not both."]
    }


@pytest.mark.django_db
def test_unknown_version_lists_the_versions_that_exist(api: APIClient) -> None:
    response = post(api, {**FULL_PROFILE, "rubric_version": "2024-01"})

    assert response.status_code == 400
    assert answers_of(response.json()) == {
        "rubric_version": ['Unknown rubric version "2024-01". Versions that exist: 2025-03, 2026-07.']
    }


@pytest.mark.django_db
def test_missing_required_answers(api: APIClient) -> None:
    response = post(api, {})

    assert response.status_code == 400
    body = response.json()
    assert set(answers_of(body)) == {"degree_level", "experience_years", "offered_salary_krw", "field"}
    assert body["field"] == ["This field is required."]


@pytest.mark.django_db
def test_malformed_json(api: APIClient) -> None:
    response = api.post(URL, data='{"degree_level": "master",', content_type="application/json")

    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON parse error")


@pytest.mark.django_db
def test_json_that_is_not_an_object(api: APIClient) -> None:
    response = post(api, [MINIMAL_PROFILE])

    assert response.status_code == 400
    assert "non_field_errors" in response.json()


@pytest.mark.django_db
def test_only_json_is_accepted(api: APIClient) -> None:
    response = api.post(URL, data=MINIMAL_PROFILE)  # multipart form

    assert response.status_code == 415


@pytest.mark.django_db
def test_only_post(api: APIClient) -> None:
    assert api.get(URL).status_code == 405


# --------------------------------------------------------------------------------------------------
# The schema and the documentation page


@pytest.fixture
def schema(api: APIClient) -> dict[str, Any]:
    response = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return json.loads(response.content)


@pytest.mark.django_db
def test_schema_documents_the_contract(schema: dict[str, Any]) -> None:
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/self-assessment" in schema["paths"]
    assert "/api/v1/self-assessment/" not in schema["paths"]  # the slash alias is documented once
    operation = schema["paths"]["/api/v1/self-assessment"]["post"]
    assert set(operation["responses"]) >= {"200", "400", "429"}
    request_ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    request = schema["components"]["schemas"][request_ref.rsplit("/", 1)[1]]
    assert set(request["properties"]) == {
        "rubric_version",
        "degree_level",
        "institution_rank",
        "institution",
        "experience_years",
        "fortune_global_500_years",
        "offered_salary_krw",
        "field",
        "publications_and_patents",
        "led_project_years",
        "international_award",
        "sponsor_is_sme",
        "core_technology_role",
        "hard_to_fill",
        "transfer_plan",
        "government_programme",
    }
    assert set(request["required"]) == {"degree_level", "experience_years", "offered_salary_krw", "field"}
    years = request["properties"]["experience_years"]["oneOf"]  # a number, or the same as exact text
    assert [branch["type"] for branch in years] == ["number", "string"]
    assert years[0]["maximum"] == 70
    assert request["properties"]["core_technology_role"]["maximum"] == 5
    response_ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    result = schema["components"]["schemas"][response_ref.rsplit("/", 1)[1]]
    assert {"rubric_version", "criteria", "total", "pass_mark", "tracks"} <= set(result["properties"])
    assert operation.get("security", []) in ([], [{}])  # public: no authentication scheme


@pytest.mark.django_db
def test_request_fields_are_the_shared_answer_names() -> None:
    assert set(SelfAssessmentRequestSerializer().fields) == {*answer_fields(), "rubric_version"}


@pytest.mark.django_db
def test_schema_is_valid_openapi_without_warnings(tmp_path: Any) -> None:
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target), stderr=StringIO())

    assert "/api/v1/self-assessment" in target.read_text(encoding="utf-8")


@pytest.mark.django_db
def test_swagger_ui_loads_from_our_own_static_files(api: APIClient) -> None:
    response = api.get("/api/docs/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "swagger-ui" in page
    assert "/static/drf_spectacular_sidecar/" in page
    assert "cdn.jsdelivr.net" not in page


@pytest.mark.django_db
def test_a_forged_forwarded_for_header_does_not_dodge_the_rate_limit(monkeypatch):
    """Without a trusted proxy, the limit keys on the socket address, not on a client's claim."""
    from django.core.cache import cache

    monkeypatch.setattr(SelfAssessmentThrottle, "rate", "3/min")
    cache.clear()
    client = APIClient()
    statuses = [
        client.post(
            "/api/v1/self-assessment", MINIMAL_PROFILE, format="json", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}"
        ).status_code
        for n in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    cache.clear()


@pytest.mark.django_db
def test_threads_validating_at_once_do_not_see_each_others_answers() -> None:
    """The request serializer shares its declared fields' validators and messages between requests
    (a shallow copy per request): answers and errors must still be each request's own."""
    import threading

    from apps.applicants.api.serializers import SelfAssessmentRequestSerializer

    answers = [
        {**MINIMAL_PROFILE, "experience_years": n % 9, "offered_salary_krw": 40_000_000 + n * 1_000_000}
        if n % 3
        else {**MINIMAL_PROFILE, "experience_years": -n, "field": f"field-{n}"}
        for n in range(60)
    ]

    def outcome(data: dict[str, Any]) -> tuple[Any, Any]:
        serializer = SelfAssessmentRequestSerializer(data=data)
        serializer.is_valid()
        return (dict(serializer.validated_data) if not serializer.errors else None, serializer.errors)

    expected = [outcome(data) for data in answers]
    mismatches: list[int] = []

    def work() -> None:
        from django.db import connection

        try:
            for _ in range(5):
                mismatches.extend(i for i, data in enumerate(answers) if outcome(data) != expected[i])
        finally:
            connection.close()  # each thread's own connection, or the test database cannot be dropped

    threads = [threading.Thread(target=work) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(1 for valid, _errors in expected if valid is None) == 20  # both kinds are exercised
    assert mismatches == []


@pytest.mark.django_db
def test_an_english_error_does_not_stick_for_the_next_korean_request(api: APIClient) -> None:
    """Messages are formatted per request: a field's validators are never shared between requests
    (DRF keeps a formatted message once it has been shown)."""
    negative = {**MINIMAL_PROFILE, "experience_years": -1}
    english = post(api, negative, HTTP_ACCEPT_LANGUAGE="en")
    korean = post(api, negative, HTTP_ACCEPT_LANGUAGE="ko")
    assert english.json()["experience_years"] == ["Must not be negative."]
    assert korean.json()["experience_years"] == ["음수일 수 없습니다."]
