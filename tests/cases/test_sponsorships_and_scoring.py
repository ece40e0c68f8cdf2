"""Sponsorship rules and the score snapshot of a submitted case."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from apps.cases.models import CaseScore, SponsorshipStatus
from apps.cases.score_snapshot import case_score
from apps.cases.services import case_start, case_submit, case_withdraw, document_add
from apps.cases.sponsorships import (
    sponsorship_confirm,
    sponsorship_create,
    sponsorship_submit,
    sponsorship_withdraw,
)
from apps.organisations.models import SizeClass, SmeClaimStatus
from tests.factories import (
    FULL_ANSWERS,
    MembershipFactory,
    SmeClaimFactory,
    SponsorshipFactory,
    pdf_upload,
)

pytestmark = pytest.mark.django_db
SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")
QUALITATIVE_DOCUMENTS = [
    "passport",
    "cv",
    "degree_certificate",
    "employment_certificate",
    "salary_evidence",
    "publications_list",
]
SPONSORSHIP = {
    "candidate_name": "Priya Raman",
    "job_title": "Principal engineer",
    "field": "ai",
    "offered_salary_krw": 150_000_000,
    "core_technology_role": 5,
    "core_technology_basis": "Leads the core team.",
    "recruiting_months": 6,
    "hard_to_fill_evidence": "Six months without a domestic candidate.",
    "transfer_plan": 5,
    "transfer_plan_text": "Trains ten engineers a year.",
}


@pytest.fixture
def member():
    return MembershipFactory(organisation__size_class=SizeClass.SME)


@pytest.fixture
def case(applicant):
    case = case_start(applicant=applicant, answers=FULL_ANSWERS, track="qualitative")
    for kind in QUALITATIVE_DOCUMENTS:
        document_add(case=case, by=applicant, kind=kind, upload=pdf_upload())
    return case


def sponsor(member, case, **overrides):
    data = {**SPONSORSHIP, "candidate_email": case.applicant.email, **overrides}
    sponsorship = sponsorship_create(organisation=member.organisation, by=member.user, data=data)
    return sponsorship_submit(sponsorship=sponsorship, by=member.user, case_reference=case.reference)


def test_the_qualitative_track_needs_a_confirmed_sponsorship(case, applicant, member):
    from apps.cases.services import CaseIncomplete

    with pytest.raises(CaseIncomplete):
        case_submit(case=case, by=applicant)
    sponsorship = sponsor(member, case)
    sponsorship_confirm(sponsorship=sponsorship, case=case, by=applicant)
    case_submit(case=case, by=applicant)
    assert case.status == "submitted"


def test_a_sponsorship_for_a_withdrawn_case_is_refused(case, applicant, member):
    case_withdraw(case=case, by=applicant)
    draft = sponsorship_create(
        organisation=member.organisation,
        by=member.user,
        data={**SPONSORSHIP, "candidate_email": applicant.email},
    )
    with pytest.raises(ValidationError, match="withdrawn"):
        sponsorship_submit(sponsorship=draft, by=member.user, case_reference=case.reference)


def test_a_reference_with_the_wrong_email_reveals_nothing(case, member):
    draft = sponsorship_create(
        organisation=member.organisation,
        by=member.user,
        data={**SPONSORSHIP, "candidate_email": "someone.else@example.org"},
    )
    with pytest.raises(ValidationError, match="No application with this reference belongs"):
        sponsorship_submit(sponsorship=draft, by=member.user, case_reference=case.reference)


def test_only_the_named_applicant_confirms_and_only_once(case, applicant, member):
    sponsorship = sponsor(member, case)
    other = SponsorshipFactory(case=case, organisation=member.organisation)
    sponsorship_confirm(sponsorship=sponsorship, case=case, by=applicant)
    with pytest.raises(ValidationError, match="already has a confirmed sponsorship"):
        sponsorship_confirm(sponsorship=other, case=case, by=applicant)
    sponsorship.refresh_from_db()
    assert sponsorship.status == SponsorshipStatus.CONFIRMED


def test_a_sponsorship_cannot_be_withdrawn_after_the_case_is_submitted(case, applicant, member):
    sponsorship = sponsor(member, case)
    sponsorship_confirm(sponsorship=sponsorship, case=case, by=applicant)
    case_submit(case=case, by=applicant)
    with pytest.raises(ValidationError, match="contact the ministry"):
        sponsorship_withdraw(sponsorship=sponsorship, by=member.user)


@time_machine.travel(dt.datetime(2026, 11, 2, 9, 0, tzinfo=SEOUL), tick=False)
def test_the_snapshot_uses_the_sponsorship_and_counts_the_bonus_only_when_verified_on_the_submission_date(
    case, applicant, member
):
    SmeClaimFactory(
        organisation=member.organisation,
        status=SmeClaimStatus.VERIFIED,
        valid_from=dt.date(2026, 1, 1),
        valid_to=dt.date(2026, 11, 2),
    )
    sponsorship_confirm(sponsorship=sponsor(member, case), case=case, by=applicant)
    case_submit(case=case, by=applicant)
    snapshot = case_score(case_id=case.pk)
    criteria = {c["code"]: c["points"] for c in snapshot.result["criteria"]}
    assert criteria == {"A1": 25, "A2": 20, "A3": 20, "B1": 20, "B2": 15}
    assert snapshot.result["sme_bonus"] == 10
    assert snapshot.total == 110
    assert snapshot.rubric_version.code == "2026-07"


@time_machine.travel(dt.datetime(2026, 11, 3, 9, 0, tzinfo=SEOUL), tick=False)
@pytest.mark.parametrize(
    ("status", "valid_to"),
    [
        (SmeClaimStatus.PENDING, dt.date(2027, 1, 1)),
        (SmeClaimStatus.REJECTED, dt.date(2027, 1, 1)),
        (SmeClaimStatus.VERIFIED, dt.date(2026, 11, 2)),
    ],
)
def test_an_unverified_or_expired_sme_claim_earns_nothing(case, applicant, member, status, valid_to):
    SmeClaimFactory(
        organisation=member.organisation, status=status, valid_from=dt.date(2026, 1, 1), valid_to=valid_to
    )
    sponsorship_confirm(sponsorship=sponsor(member, case), case=case, by=applicant)
    case_submit(case=case, by=applicant)
    assert case_score(case_id=case.pk).result["sme_bonus"] == 0


def test_recruiting_below_the_configured_months_is_not_hard_to_fill(case, applicant, member):
    sponsorship_confirm(sponsorship=sponsor(member, case, recruiting_months=2), case=case, by=applicant)
    case_submit(case=case, by=applicant)
    b2 = next(c for c in case_score(case_id=case.pk).result["criteria"] if c["code"] == "B2")
    assert b2["points"] == 10  # 5 + 0 + 5


def test_scoring_twice_leaves_one_snapshot_and_one_scored_event(case, applicant, member):
    sponsorship_confirm(sponsorship=sponsor(member, case), case=case, by=applicant)
    case_submit(case=case, by=applicant)
    first = case_score(case_id=case.pk)
    second = case_score(case_id=case.pk)
    assert CaseScore.objects.filter(case=case).count() == 1
    assert first.pk == second.pk
    assert first.result == second.result
    assert case.events.filter(kind="scored").count() == 1


def test_a_draft_is_not_scored(case):
    assert case_score(case_id=case.pk) is None
    assert not CaseScore.objects.filter(case=case).exists()


def test_the_score_is_explained_in_the_readers_language_with_the_snapshots_points(case, applicant, member):
    from django.utils import translation

    from apps.cases.score_snapshot import explained_score

    sponsorship_confirm(sponsorship=sponsor(member, case), case=case, by=applicant)
    case_submit(case=case, by=applicant)
    assert explained_score(case) is None  # no snapshot yet
    snapshot = case_score(case_id=case.pk)
    case.refresh_from_db()
    with translation.override("ko"):
        korean = explained_score(case)
    assert korean.total == snapshot.total
    assert [c.points for c in korean.criteria] == [c["points"] for c in snapshot.result["criteria"]]
    assert "점" in korean.criteria[0].explanation
