"""One estimate everywhere (issue 12, part 3): the track step, the review page and the status page
show apps.cases.selectors.case_estimate, agree on the same case, and say which parts are estimates;
the review page shows everything that will be submitted, the sponsorship's terms included."""

import datetime as dt
import re
import zoneinfo

import pytest
import time_machine

from apps.cases.models import Case, CaseScore, CaseStatus, SponsorshipStatus
from apps.cases.score_snapshot import case_score
from apps.cases.selectors import case_estimate
from apps.cases.services import case_start
from apps.organisations.models import SizeClass
from tests.factories import (
    QUALITATIVE_KINDS,
    QUANTITATIVE_KINDS,
    OrganisationFactory,
    SmeClaimFactory,
    SponsorshipFactory,
    applicant_with_full_profile,
    upload_documents,
)

pytestmark = pytest.mark.django_db
SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")
NOW = dt.datetime(2026, 11, 2, 9, 0, tzinfo=SEOUL)  # rules version 2026-07
OFFERED = 120_000_000
DECLARED = 90_000_000


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def ada_declaring_less_than_offered():
    return applicant_with_full_profile(offered_salary_krw=DECLARED)


@pytest.fixture
def client_a(client, ada_declaring_less_than_offered):
    client.force_login(ada_declaring_less_than_offered)
    return client


def qualitative_draft(ada_declaring_less_than_offered, client_a, *, sme_verified: bool = True) -> Case:
    case = case_start(
        applicant=ada_declaring_less_than_offered,
        track="qualitative",
        # The self-assessment's own guesses at the job's ratings: nothing counts them without a sponsor.
        answers={
            "degree_level": "master",
            "core_technology_role": 5,
            "hard_to_fill": True,
            "transfer_plan": 5,
        },
    )
    upload_documents(case, ada_declaring_less_than_offered, QUALITATIVE_KINDS)
    organisation = OrganisationFactory(size_class=SizeClass.SME, name="Hanbit Sensors")
    if sme_verified:
        SmeClaimFactory(organisation=organisation)
    sponsorship = SponsorshipFactory(
        organisation=organisation,
        candidate_email=ada_declaring_less_than_offered.email,
        offered_salary_krw=OFFERED,
    )
    response = client_a.post(f"/apply/{case.reference}/sponsorship/{sponsorship.pk}/confirm/")
    assert response.status_code == 302
    sponsorship.refresh_from_db()
    assert sponsorship.status == SponsorshipStatus.CONFIRMED
    return case


def shown_total(html: str) -> int:
    totals = set(re.findall(r'data-estimate-total="(\d+)"', html))
    assert len(totals) == 1, totals
    return int(totals.pop())


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_the_track_step_the_review_page_and_the_status_page_agree(client_a, ada_declaring_less_than_offered):
    case = qualitative_draft(ada_declaring_less_than_offered, client_a)
    track_step = shown_total(page(client_a, f"/apply/{case.reference}/track/"))
    review = shown_total(page(client_a, f"/apply/{case.reference}/review/"))
    assert client_a.post(f"/apply/{case.reference}/submit/", {"confirm": "on"}).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED
    snapshot = case_score(case_id=case.pk)
    status = shown_total(page(client_a, f"/apply/{case.reference}/status/"))
    assert track_step == review == status == snapshot.total


def test_without_a_sponsorship_the_self_assessed_ratings_count_nothing_and_the_page_says_so(
    client_a, ada_declaring_less_than_offered
):
    case = case_start(
        applicant=ada_declaring_less_than_offered,
        track="qualitative",
        answers={
            "degree_level": "master",
            "core_technology_role": 5,
            "hard_to_fill": True,
            "transfer_plan": 5,
        },
    )
    html = page(client_a, f"/apply/{case.reference}/track/")  # opening it brings the profile's answers in
    case.refresh_from_db()
    assert case.facts["core_technology_role"] == 5
    estimate = case_estimate(case)
    assert estimate is not None
    assert estimate.result.criterion("B2").points == 0  # not the self-assessment's 15
    assert estimate.awaiting_sponsorship
    assert shown_total(html) == estimate.total
    assert 'data-estimate-note="sponsorship"' in html
    assert "B1, B2: estimates from what you declared" in html


def test_a_quantitative_case_agrees_before_and_after_submission(client_a, ada_declaring_less_than_offered):
    case = case_start(
        applicant=ada_declaring_less_than_offered, track="quantitative", answers={"degree_level": "master"}
    )
    upload_documents(case, ada_declaring_less_than_offered, QUANTITATIVE_KINDS)
    before = shown_total(page(client_a, f"/apply/{case.reference}/review/"))
    assert 'data-estimate-note="sponsorship"' not in page(client_a, f"/apply/{case.reference}/review/")
    assert client_a.post(f"/apply/{case.reference}/submit/", {"confirm": "on"}).status_code == 302
    case_score(case_id=case.pk)
    after = shown_total(page(client_a, f"/apply/{case.reference}/status/"))
    assert before == after == CaseScore.objects.get(case=case).total


def test_an_unverified_sme_claim_earns_no_bonus_in_the_estimate_either(
    client_a, ada_declaring_less_than_offered
):
    case = qualitative_draft(ada_declaring_less_than_offered, client_a, sme_verified=False)
    estimate = case_estimate(case)
    assert estimate is not None
    assert estimate.result.sme_bonus == 0
    assert estimate.sme_basis != "verified"
    html = page(client_a, f"/apply/{case.reference}/review/")
    assert "counts only once a reviewer has verified your employer" in html


def test_the_review_page_shows_everything_that_will_be_submitted(client_a, ada_declaring_less_than_offered):
    case = qualitative_draft(ada_declaring_less_than_offered, client_a)
    html = page(client_a, f"/apply/{case.reference}/review/")
    for text in (
        "Ada Kim",
        "Canadian",
        "Hanseong Institute of Technology (rank 58 in the list of engineering schools)",
        "Robot perception",
        "2016",
        "Borealis Motion",
        "Listed under its parent, Borealis Group.",
        "Quill Robotics",
        "IEEE Robotics Early Career Award 2022",
        "Hanbit Sensors",
    ):
        assert text in html, text
    salary = re.search(r'<tr data-fact="offered_salary_krw">.*?</tr>', html, re.S)
    assert salary is not None
    row = salary.group(0)
    assert "90,000,000" in row  # the applicant's own figure
    assert "120,000,000" in row  # what the confirmed sponsorship sets, and what counts
    assert "the employer&#x27;s sponsorship" in row or "the employer's sponsorship" in row
    assert "Not given" not in html
