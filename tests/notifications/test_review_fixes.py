"""Review fixes in composing messages: plain text is not HTML-escaped, a status e-mail names the
event's status, and the re-drive of status changes looks only at real status changes."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.template.loader import render_to_string
from django.utils import timezone

from apps.accounts.roles import Role
from apps.cases.models import CaseEvent, CaseStatus
from apps.cases.services import case_start, case_withdraw
from apps.cases.sponsorships import sponsorship_create, sponsorship_submit
from apps.cases.transitions import record_event
from apps.notifications import reminders, services
from apps.notifications.models import Notification
from tests.factories import FULL_ANSWERS, MembershipFactory, UserFactory
from tests.ministry import reviewer, submitted_case

pytestmark = pytest.mark.django_db

# An apostrophe, an ampersand and angle brackets: what HTML escaping would turn into entities.
TRICKY_NAME = "Siobhán O'Brien & <Partners>"
TRICKY_REASON = "Took O'Brien & Co's offer <effective today>"
ENTITIES = ("&#x27;", "&#39;", "&amp;", "&lt;", "&gt;", "&quot;")


def assert_unescaped(text: str) -> None:
    assert not any(entity in text for entity in ENTITIES), text


# --- 1. Plain-text e-mails are not HTML-escaped ---------------------------------------------------


def test_a_status_e_mail_keeps_the_name_and_the_reason_as_written():
    applicant = UserFactory(role=Role.APPLICANT, full_name=TRICKY_NAME)
    case = case_start(applicant=applicant, answers=FULL_ANSWERS, track="quantitative")
    event = case_withdraw(case=case, by=applicant, reason=TRICKY_REASON)
    services.notify_case_event(event.pk)
    message = mail.outbox[0]
    assert f"Dear {TRICKY_NAME}," in message.body
    assert f"Reason: {TRICKY_REASON}" in message.body
    assert_unescaped(message.body)
    assert_unescaped(message.subject)


def test_sponsorship_e_mails_keep_the_organisation_and_candidate_as_written():
    member = MembershipFactory(organisation__name="O'Brien & Sons <Korea>")
    sponsorship = sponsorship_create(
        organisation=member.organisation,
        by=member.user,
        data={
            "candidate_email": "candidate@example.org",
            "candidate_name": TRICKY_NAME,
            "job_title": "R&D lead",
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
    to_member = next(m for m in mail.outbox if m.to == [member.user.email])
    assert f"Sponsorship of {TRICKY_NAME}: " in to_member.subject
    assert f"O'Brien & Sons <Korea>'s sponsorship of {TRICKY_NAME} (R&D lead)" in to_member.body
    to_candidate = next(m for m in mail.outbox if m.to == ["candidate@example.org"])
    assert to_candidate.subject.startswith("O'Brien & Sons <Korea> offers to sponsor")
    for message in mail.outbox:
        assert_unescaped(message.subject)
        assert_unescaped(message.body)


def test_reminders_and_digests_greet_the_reviewer_by_the_name_as_written():
    assignee = reviewer(full_name=TRICKY_NAME)
    submitted = dt.datetime(2026, 9, 1, 10, 0, tzinfo=timezone.get_default_timezone())
    submitted_case(submitted_at=submitted, status=CaseStatus.IN_REVIEW, assigned_to=assignee)
    with time_machine.travel(submitted + dt.timedelta(days=9), tick=False):  # 5 days left
        reminders.sweep(inline=True)
    assert f"Dear {TRICKY_NAME}," in mail.outbox[0].body
    assert_unescaped(mail.outbox[0].body)

    reminders.set_reminder_preference(user=assignee, daily_digest=True)
    with time_machine.travel(submitted + dt.timedelta(days=12), tick=False):  # 2 days left, 10:00
        reminders.sweep(inline=True)
        assert reminders.send_digests(inline=True) == 1
    digest = mail.outbox[-1]
    assert digest.subject.startswith("Your reminders for")
    assert f"Dear {TRICKY_NAME}," in digest.body
    assert_unescaped(digest.body)


def test_only_text_is_rendered_unescaped_html_stays_escaped():
    # Escaping is switched off for the text templates only, not for the engine (pages, any HTML
    # alternative of an e-mail): the same template through the ordinary loader still escapes.
    context = {"case": None, "days": 5, "name": TRICKY_NAME}
    assert "O&#x27;Brien &amp; &lt;Partners&gt;" in render_to_string(
        "notifications/email/reminder_due_soon_body.txt", context
    )
    assert f"Dear {TRICKY_NAME}," in services.render_text(
        "notifications/email/reminder_due_soon_body.txt", context
    )
    with pytest.raises(ValueError, match="not a plain-text template"):
        services.render_text("notifications/email/case_status_body.html", context)


# --- 5. A status e-mail names the status the event moved to --------------------------------------


def test_a_status_e_mail_composed_late_names_the_events_status_not_the_cases_current_one():
    case = submitted_case(status=CaseStatus.IN_REVIEW, assigned_to=reviewer())  # moved on since
    submitted = CaseEvent.objects.create(
        case=case,
        kind=CaseEvent.Kind.SUBMITTED,
        from_status=CaseStatus.DRAFT,
        to_status=CaseStatus.SUBMITTED,
        actor=case.applicant,
        at=case.submitted_at,
    )
    services.notify_case_event(submitted.pk)  # the task ran late (a broker outage, the re-drive)
    message = mail.outbox[0]
    assert message.subject == f"Your application {case.reference} is now: Submitted"
    assert "has changed to: Submitted." in message.body
    assert "In review" not in message.subject + message.body


# --- 6. The re-drive of status changes is not crowded out by other events ------------------------


def test_the_status_change_re_drive_looks_past_events_that_change_no_status():
    applicant = UserFactory(role=Role.APPLICANT)
    case = case_start(applicant=applicant, answers=FULL_ANSWERS, track="quantitative")
    for _ in range(5):  # timeline lines with from_status == to_status, older than the change
        record_event(case=case, kind=CaseEvent.Kind.DOCUMENT_ADDED, by=applicant)
    withdrawn = case_withdraw(case=case, by=applicant, reason="Took another offer")
    assert CaseEvent.objects.count() > 3

    assert services.redrive_unnotified_events(limit=3) == 1  # its task never reached a worker
    assert Notification.objects.get().dedupe_key == f"case-event:{withdrawn.pk}:{applicant.email}"
    assert len(mail.outbox) == 1
