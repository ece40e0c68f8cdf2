"""One home for what a fact is called (issue 9): a label changed in the catalogue reads on every
surface, and a fact added as data with the source "asked" is asked everywhere, with no code change.

The catalogue file is swapped for a changed copy (a test-only file; the shipped one is untouched):
- ``publications_and_patents``: a new label and question;
- ``offered_salary_krw``: a new label;
- ``korean_level``: a new fact (a TOPIK level, 0-6), asked, in no version's rules.
Then the self-assessment page, the API (its validation and its OpenAPI schema), the application's
profile step and review, the status page, the reviewer's workspace and the sponsorship e-mail are read.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from rest_framework.test import APIClient

from apps.accounts.roles import Role
from apps.applicants.services import application_start, profile_for
from apps.notifications.services import notify_sponsorship_change
from apps.rubric import models as rubric_models
from apps.rubric.language import catalogue
from apps.rubric.selectors import clear_scorer_cache
from tests.factories import OrganisationFactory, SponsorshipFactory, UserFactory, profile_form_data
from tests.ministry import reviewer, sign_in, submitted_case
from tests.reviewers.test_workspace_support import workspace_url

PAPERS_LABEL = "Peer-reviewed papers and granted patents (catalogue test)"
PAPERS_QUESTION = "How many peer-reviewed papers and granted patents? (catalogue test)"
SALARY_LABEL = "Annual pay offered, in won (catalogue test)"
TOPIK_LABEL = "TOPIK level (catalogue test)"
TOPIK_QUESTION = "Your TOPIK Korean-language level, 0 if none (catalogue test)"

NEW_FACT: dict[str, Any] = {
    "code": "korean_level",
    "type": "integer",
    "min": 0,
    "max": 6,
    "default": 0,
    "section": "more",
    "label": {"en": TOPIK_LABEL, "ko": "토픽 등급(시험)"},
    "question": {"en": TOPIK_QUESTION, "ko": "한국어능력시험(TOPIK) 등급, 없으면 0(시험)"},
    "phrase": {"en": "TOPIK level {value}", "ko": "토픽 {value}급"},
    "source": "asked",
    "verified": False,
}


def _clear() -> None:
    catalogue.default_catalogue.cache_clear()
    rubric_models._PARSED_CONFIGS.clear()
    clear_scorer_cache()


@pytest.fixture
def changed_catalogue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    data = json.loads(catalogue.CATALOGUE_FILE.read_text(encoding="utf-8"))
    for fact in data["facts"]:
        if fact["code"] == "publications_and_patents":
            fact["label"]["en"] = PAPERS_LABEL
            fact["question"]["en"] = PAPERS_QUESTION
        if fact["code"] == "offered_salary_krw":
            fact["label"]["en"] = SALARY_LABEL
    data["facts"].append(NEW_FACT)
    changed = tmp_path / "catalogue.json"
    changed.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(catalogue, "CATALOGUE_FILE", changed)
    _clear()
    yield
    monkeypatch.undo()
    _clear()


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("changed_catalogue")]


def test_the_self_assessment_asks_the_new_fact_with_the_catalogues_words(client: Client) -> None:
    page = client.get("/self-assessment/").content.decode()
    assert PAPERS_QUESTION in page
    assert TOPIK_QUESTION in page
    assert 'name="korean_level"' in page

    answered = client.get("/self-assessment/", {"degree_level": "master", "korean_level": "4"})
    assert answered.status_code == 200
    assert "A1" in answered.content.decode()  # scored as usual; the new fact is in no rule yet
    refused = client.get(
        "/self-assessment/", {"degree_level": "master", "korean_level": "9"}
    ).content.decode()
    assert "Enter at most 6." in refused


def test_the_api_takes_the_new_fact_and_its_schema_uses_the_catalogues_words() -> None:
    api = APIClient()
    answers = {"degree_level": "master", "experience_years": 3, "offered_salary_krw": 1, "field": "ai"}
    assert (
        api.post("/api/v1/self-assessment", {**answers, "korean_level": 3}, format="json").status_code == 200
    )
    refused = api.post("/api/v1/self-assessment", {**answers, "korean_level": 7}, format="json")
    assert refused.status_code == 400
    assert "korean_level" in refused.json()

    schema = api.get("/api/schema/", {"format": "json"}).json()
    request = schema["components"]["schemas"]["SelfAssessmentRequest"]["properties"]
    assert request["korean_level"]["maximum"] == 6
    assert TOPIK_QUESTION in request["korean_level"]["description"]
    assert PAPERS_QUESTION in request["publications_and_patents"]["description"]


def test_the_application_asks_it_keeps_the_answer_and_the_workspace_shows_it(client: Client) -> None:
    applicant = UserFactory(role=Role.APPLICANT)
    client.force_login(applicant)
    case = application_start(user=applicant)
    page = client.get(f"/apply/{case.reference}/profile/").content.decode()
    assert TOPIK_QUESTION in page
    assert PAPERS_QUESTION in page

    response = client.post(f"/apply/{case.reference}/profile/", profile_form_data(korean_level="5"))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert profile_for(applicant).more_answers == {"korean_level": 5}
    case.refresh_from_db()
    assert case.facts["korean_level"] == 5

    review = client.get(f"/apply/{case.reference}/review/").content.decode()
    assert TOPIK_LABEL in review
    assert PAPERS_LABEL in review
    status = client.get(f"/apply/{case.reference}/status/").content.decode()
    assert TOPIK_LABEL in status
    assert PAPERS_LABEL in status

    submitted = submitted_case(korean_level=5)
    workspace = sign_in(Client(), reviewer()).get(workspace_url(submitted)).content.decode()
    assert TOPIK_LABEL in workspace
    assert PAPERS_LABEL in workspace
    assert SALARY_LABEL in workspace


def test_the_sponsorship_e_mail_uses_the_catalogues_label() -> None:
    sponsorship = SponsorshipFactory(organisation=OrganisationFactory(), candidate_email="cand@example.org")
    notify_sponsorship_change(sponsorship.pk, "submitted")
    to_candidate = [m for m in mail.outbox if m.to == ["cand@example.org"]]
    assert to_candidate
    assert f"{SALARY_LABEL}: " in to_candidate[0].body
