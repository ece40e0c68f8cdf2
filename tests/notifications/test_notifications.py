"""Applicants hear of every status change, employers of every sponsorship change; each message once."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from apps.accounts.roles import Role
from apps.cases.services import case_start, case_withdraw
from apps.cases.sponsorships import sponsorship_create, sponsorship_submit
from apps.notifications import services
from apps.notifications.models import Notification
from apps.notifications.tasks import sweep
from tests.factories import FULL_ANSWERS, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def withdrawn_event():
    applicant = UserFactory(role=Role.APPLICANT, full_name="Priya Raman")
    case = case_start(applicant=applicant, answers=FULL_ANSWERS, track="quantitative")
    return case_withdraw(case=case, by=applicant, reason="Took another offer")


def test_a_status_change_e_mails_the_applicant_once_however_often_the_task_runs(withdrawn_event):
    services.notify_case_event(withdrawn_event.pk)
    services.notify_case_event(withdrawn_event.pk)  # a redelivered task
    sweep.apply().get()  # and the periodic sweep
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [withdrawn_event.case.applicant.email]
    assert withdrawn_event.case.reference in message.subject
    assert "Withdrawn" in message.subject
    assert "Took another offer" in message.body
    assert Notification.objects.get().sent_at is not None


def test_events_that_do_not_change_the_status_send_nothing():
    applicant = UserFactory(role=Role.APPLICANT)
    case = case_start(applicant=applicant, answers=FULL_ANSWERS)
    created = case.events.get(kind="created")
    assert services.notify_case_event(created.pk) == []
    assert mail.outbox == []


def test_a_failed_send_is_kept_and_sent_by_the_sweep_after_its_back_off(withdrawn_event, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    start = timezone.now()
    monkeypatch.setattr(services, "send_mail", broken)
    services.notify_case_event(withdrawn_event.pk)
    row = Notification.objects.get()
    assert (row.sent_at, row.attempts) == (None, 1)
    assert "smtp down" in row.last_error
    monkeypatch.undo()
    assert sweep.apply().get() == {
        "events": 0,
        "sponsorships": 0,
        "ownership_claims": 0,
        "resent": 0,
    }  # too soon: the first retry is after 5 min
    with time_machine.travel(start + dt.timedelta(minutes=5, seconds=1), tick=False):
        assert sweep.apply().get() == {"events": 0, "sponsorships": 0, "ownership_claims": 0, "resent": 1}
    assert len(mail.outbox) == 1


def test_a_day_long_mail_outage_loses_nothing(withdrawn_event, monkeypatch):
    """Retries back off (5, 10, 20 ... minutes) instead of giving up after half an hour."""

    def broken(*args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    start = timezone.now()
    monkeypatch.setattr(services, "send_mail", broken)
    services.notify_case_event(withdrawn_event.pk)
    for minutes in range(5, 24 * 60, 5):  # the sweep every 5 minutes for a day, mail still down
        with time_machine.travel(start + dt.timedelta(minutes=minutes), tick=False):
            sweep.apply().get()
    row = Notification.objects.get()
    assert row.sent_at is None
    assert row.attempts < services.MAX_ATTEMPTS  # not given up on
    assert row.attempts == 9  # 1 + retries after 5, 15, 35, 75, 155, 315, 635, 1275 minutes
    monkeypatch.undo()
    with time_machine.travel(start + dt.timedelta(hours=48), tick=False):
        assert sweep.apply().get()["resent"] == 1
    assert len(mail.outbox) == 1


def test_a_status_change_whose_task_was_lost_is_found_by_the_sweep(withdrawn_event):
    assert sweep.apply().get()["events"] == 1
    assert len(mail.outbox) == 1


def test_sponsorship_changes_reach_every_member_and_the_candidate_once():
    member = MembershipFactory()
    colleague = MembershipFactory(organisation=member.organisation)
    sponsorship = sponsorship_create(
        organisation=member.organisation,
        by=member.user,
        data={
            "candidate_email": "new.candidate@example.org",
            "candidate_name": "New Candidate",
            "job_title": "Lead engineer",
            "field": "ai",
            "offered_salary_krw": 120_000_000,
            "core_technology_role": 4,
            "core_technology_basis": "Core team",
            "transfer_plan": 3,
            "transfer_plan_text": "Mentoring",
        },
    )
    sponsorship_submit(sponsorship=sponsorship, by=member.user)
    services.notify_sponsorship_change(sponsorship.pk, "submitted")
    services.notify_sponsorship_change(sponsorship.pk, "submitted")
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == sorted([member.user.email, colleague.user.email, "new.candidate@example.org"])


def test_messages_are_written_in_the_recipients_language(withdrawn_event):
    applicant = withdrawn_event.case.applicant
    applicant.preferred_language = "ko"
    applicant.save()
    services.notify_case_event(withdrawn_event.pk)
    assert Notification.objects.get().language == "ko"


def test_a_request_to_the_employer_reaches_every_member_once_in_their_language():
    import datetime as dt

    from apps.cases.models import CaseStatus, SponsorshipStatus, Track
    from apps.cases.review_moves import case_request_information
    from tests.factories import SponsorshipFactory
    from tests.ministry import reviewer, submitted_case

    assignee = reviewer()
    case = submitted_case(track=Track.QUALITATIVE, status=CaseStatus.IN_REVIEW, assigned_to=assignee)
    admin = MembershipFactory(user__preferred_language="ko")
    colleague = MembershipFactory(organisation=admin.organisation)
    SponsorshipFactory(
        organisation=admin.organisation, case=case, status=SponsorshipStatus.CONFIRMED, created_by=admin.user
    )
    case_request_information(
        case=case,
        by=assignee,
        addressee="employer",
        message="Please send the recruiting record.",
        needed="The job advertisements since May.",
        respond_by=timezone.localdate() + dt.timedelta(days=7),
    )
    event = case.events.get(kind="information_requested")
    services.notify_case_event(event.pk)
    services.notify_case_event(event.pk)  # a redelivered task

    to_members = [m for m in mail.outbox if m.to != [case.applicant.email]]
    assert sorted(m.to[0] for m in to_members) == sorted([admin.user.email, colleague.user.email])
    korean = next(m for m in to_members if m.to == [admin.user.email])
    assert "Please send the recruiting record." in korean.body
    assert case.reference in korean.subject
    assert "/case/" in korean.body
    assert Notification.objects.get(email=admin.user.email).language == "ko"
