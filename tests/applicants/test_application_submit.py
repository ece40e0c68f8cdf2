"""Submission: only when complete, with a confirmation step; the clock and the timeline; exactly one
submission on a double POST; the qualitative track's sponsorship; the government-programme roster."""

import datetime as dt
import logging
import zoneinfo

import pytest
import time_machine

from apps.accounts.roles import Role
from apps.applicants.application.views import submission as submission_views
from apps.cases.models import Case, CaseEvent, CaseStatus, SponsorshipStatus
from apps.cases.services import case_start
from tests.factories import (
    PROGRAMME_KINDS,
    QUALITATIVE_KINDS,
    SponsorshipFactory,
    UserFactory,
    upload_documents,
)
from tests.programmes.factories import RosterEntryFactory

pytestmark = pytest.mark.django_db
SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")
SUBMITTED_AT = dt.datetime(2026, 11, 2, 9, 0, tzinfo=SEOUL)
PASSPORT = "M12345678"


@pytest.fixture
def client_a(client, doctor_with_ten_years):
    client.force_login(doctor_with_ten_years)
    return client


@pytest.fixture
def draft(doctor_with_ten_years):
    return case_start(
        applicant=doctor_with_ten_years, track="quantitative", answers={"degree_level": "doctorate"}
    )


def submit_url(case):
    return f"/apply/{case.reference}/submit/"


def test_an_incomplete_application_lists_what_is_missing_and_cannot_be_submitted(client_a, draft):
    review = client_a.get(f"/apply/{draft.reference}/review/").content.decode()
    assert "Still needed before you can submit" in review
    assert "Upload: Passport." in review
    assert "Continue to submit" not in review

    page = client_a.get(submit_url(draft)).content.decode()
    assert "Your application cannot be submitted yet" in page
    assert "Submit application" not in page

    response = client_a.post(submit_url(draft), {"confirm": "on"})
    assert response.status_code == 400
    assert "Upload: Salary evidence (contract or offer letter)." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == CaseStatus.DRAFT


def test_an_incomplete_profile_blocks_submission(client_a, draft, doctor_with_ten_years):
    upload_documents(draft, doctor_with_ten_years)
    profile = doctor_with_ten_years.applicant_profile
    profile.nationality = ""
    profile.save()
    response = client_a.post(submit_url(draft), {"confirm": "on"})
    assert response.status_code == 400
    assert "Complete your profile: your full name and nationality." in response.content.decode()


def test_the_confirmation_step_warns_and_needs_the_box_ticked(client_a, draft, doctor_with_ten_years):
    upload_documents(draft, doctor_with_ten_years)
    page = client_a.get(submit_url(draft)).content.decode()
    assert "After you submit, your answers can no longer change." in page
    assert 'name="passport_number"' not in page  # only for the government-programme track
    response = client_a.post(submit_url(draft), {})
    assert response.status_code == 400
    assert "Tick the box to confirm" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == CaseStatus.DRAFT


@time_machine.travel(SUBMITTED_AT, tick=False)
def test_submitting_a_complete_application_starts_the_clock_and_shows_the_status(
    client_a, draft, doctor_with_ten_years, django_capture_on_commit_callbacks
):
    upload_documents(draft, doctor_with_ten_years)
    assert "Continue to submit" in client_a.get(f"/apply/{draft.reference}/review/").content.decode()
    with django_capture_on_commit_callbacks() as callbacks:
        response = client_a.post(submit_url(draft), {"confirm": "on"}, follow=True)
    enqueued = [
        callback for callback in callbacks if callback.__qualname__.startswith("enqueue_after_commit")
    ]
    assert len(enqueued) == 2  # the notification and the scoring, after the commit
    assert response.redirect_chain[-1][0] == f"/apply/{draft.reference}/status/"
    html = response.content.decode()
    assert "has been submitted" in html
    assert 'data-status="submitted">Submitted<' in html
    assert 'data-days-left="14"' in html
    assert "14 days left" in html
    assert "of the 14-day processing time" in html
    assert 'data-score="waiting"' in html
    timeline = html[html.index('class="ap-timeline"') :]
    assert timeline.count("<li") == 7  # started, five documents, submitted
    assert "Application submitted" in timeline
    assert '<time datetime="2026-11-02T09:00:00+09:00">' in timeline
    draft.refresh_from_db()
    assert draft.status == CaseStatus.SUBMITTED
    assert draft.facts["experience_years"] == "10"  # the profile's answers, frozen

    # After submission the wizard leads to the status page.
    assert client_a.get(f"/apply/{draft.reference}/profile/").url == f"/apply/{draft.reference}/status/"
    assert client_a.get(f"/apply/{draft.reference}/").url == f"/apply/{draft.reference}/status/"


def test_a_second_submit_post_is_answered_kindly_and_submits_nothing_more(
    client_a, draft, doctor_with_ten_years
):
    upload_documents(draft, doctor_with_ten_years)
    assert client_a.post(submit_url(draft), {"confirm": "on"}).status_code == 302
    again = client_a.post(submit_url(draft), {"confirm": "on"}, follow=True)
    assert again.status_code == 200
    assert "This application has already been submitted." in again.content.decode()
    assert draft.events.filter(kind=CaseEvent.Kind.SUBMITTED).count() == 1


def test_a_racing_second_submit_that_loaded_the_draft_gets_a_friendly_answer(
    client_a, draft, doctor_with_ten_years, monkeypatch
):
    upload_documents(draft, doctor_with_ten_years)
    stale = Case.objects.get(pk=draft.pk)  # loaded by the second request before the first committed
    assert client_a.post(submit_url(draft), {"confirm": "on"}).status_code == 302
    monkeypatch.setattr(submission_views, "get_case_for_applicant", lambda user, reference: stale)
    response = client_a.post(submit_url(draft), {"confirm": "on"}, follow=True)
    assert response.status_code == 200
    assert "This application has already been submitted." in response.content.decode()
    assert draft.events.filter(kind=CaseEvent.Kind.SUBMITTED).count() == 1


def test_the_qualitative_track_needs_a_confirmed_sponsorship(client_a, doctor_with_ten_years):
    case = case_start(
        applicant=doctor_with_ten_years, track="qualitative", answers={"degree_level": "doctorate"}
    )
    upload_documents(case, doctor_with_ten_years, QUALITATIVE_KINDS)
    response = client_a.post(submit_url(case), {"confirm": "on"})
    assert response.status_code == 400
    assert "needs a sponsorship from your employer, confirmed by you" in response.content.decode()

    sponsorship = SponsorshipFactory(
        candidate_email=doctor_with_ten_years.email, job_title="Head of perception"
    )
    page = client_a.get(f"/apply/{case.reference}/sponsorship/").content.decode()
    assert sponsorship.organisation.name in page
    assert "Head of perception" in page
    assert "150,000,000 KRW" in page
    assert "5 of 5" in page
    confirm_url = f"/apply/{case.reference}/sponsorship/{sponsorship.pk}/confirm/"
    confirm_page = client_a.get(confirm_url).content.decode()
    assert "Trains ten engineers a year." in confirm_page  # the plan, seen before confirming
    sponsorship.refresh_from_db()
    assert sponsorship.status == SponsorshipStatus.SUBMITTED  # a GET confirms nothing

    response = client_a.post(confirm_url, follow=True)
    assert "You confirmed the sponsorship" in response.content.decode()
    sponsorship.refresh_from_db()
    assert (sponsorship.status, sponsorship.case_id) == (SponsorshipStatus.CONFIRMED, case.pk)
    assert client_a.post(submit_url(case), {"confirm": "on"}).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED


def test_a_sponsorship_for_someone_else_cannot_be_confirmed(client_a, doctor_with_ten_years):
    case = case_start(applicant=doctor_with_ten_years, track="qualitative")
    theirs = SponsorshipFactory(candidate_email="someone.else@example.org")
    other_case = case_start(applicant=UserFactory(role=Role.APPLICANT), track="qualitative")
    linked_elsewhere = SponsorshipFactory(case=other_case)
    for sponsorship in (theirs, linked_elsewhere):
        url = f"/apply/{case.reference}/sponsorship/{sponsorship.pk}/confirm/"
        assert client_a.get(url).status_code == 404
        assert client_a.post(url).status_code == 404
        sponsorship.refresh_from_db()
        assert sponsorship.status == SponsorshipStatus.SUBMITTED


def test_the_government_programme_track_matches_the_roster_and_never_keeps_the_passport_number(
    client_a, doctor_with_ten_years, caplog
):
    RosterEntryFactory(email=doctor_with_ten_years.email, passport_number=PASSPORT)
    case = case_start(
        applicant=doctor_with_ten_years,
        track="government_programme",
        answers={"degree_level": "doctorate", "government_programme": "KASA"},
    )
    upload_documents(case, doctor_with_ten_years, PROGRAMME_KINDS)
    page = client_a.get(submit_url(case)).content.decode()
    assert 'type="password" name="passport_number"' in page
    assert 'autocomplete="off"' in page

    bad = client_a.post(submit_url(case), {"confirm": "on", "passport_number": "12"})
    assert bad.status_code == 400
    assert "Enter 6 to 12 letters or digits" in bad.content.decode()
    assert 'value="12"' not in bad.content.decode()

    caplog.set_level(logging.DEBUG)
    response = client_a.post(submit_url(case), {"confirm": "on", "passport_number": "m 1234-5678"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED
    assert case.roster_match["status"] == "matched"
    assert case.roster_match["programme_code"] == "KASA"
    stored = repr(Case.objects.filter(pk=case.pk).values().get()) + repr(list(case.events.values()))
    assert PASSPORT not in stored
    assert "12345678" not in stored
    assert "12345678" not in caplog.text


def test_a_roster_miss_still_submits_for_the_reviewer_to_look_at(client_a, doctor_with_ten_years):
    case = case_start(
        applicant=doctor_with_ten_years,
        track="government_programme",
        answers={"government_programme": "MOHW"},
    )
    upload_documents(case, doctor_with_ten_years, PROGRAMME_KINDS)
    response = client_a.post(submit_url(case), {"confirm": "on", "passport_number": PASSPORT})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.roster_match["status"] == "none"
