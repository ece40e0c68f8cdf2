"""Processing-clock reminders: each threshold on its Korean day, once per case, threshold, period and
recipient, however often the sweep or a delivery runs (policy.md section 4).

The clock used throughout: submitted 1 September 2026 at 10:00 in Korea, so due 15 September at
10:00. Days left on 10 September = 5, on 13 September = 2, on 15 September = 0; 16 September is the
first day overdue.
"""

from __future__ import annotations

import copy
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from apps.accounts.roles import Role
from apps.cases.models import CaseStatus, InformationRequest
from apps.cases.review_moves import case_request_information, information_respond
from apps.notifications import reminders, services
from apps.notifications.models import Notification, Reminder, ReminderPreference
from apps.notifications.tasks import deliver_reminders, send_digest, sweep_reminders
from apps.rubric.models import RubricVersion
from tests.factories import UserFactory
from tests.ministry import reviewer, sign_in, submitted_case, supervisor

pytestmark = pytest.mark.django_db
SEOUL = ZoneInfo("Asia/Seoul")
SUBMITTED = dt.datetime(2026, 9, 1, 10, 0, tzinfo=SEOUL)


def seoul(day: int, hour: int = 12, minute: int = 0, second: int = 0, month: int = 9) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, second, tzinfo=SEOUL)


def sweep_at(moment: dt.datetime, **kwargs) -> dict[str, int]:
    with time_machine.travel(moment, tick=False):
        return reminders.sweep(inline=True, **kwargs)


def sent(kind: str | None = None) -> list[tuple[str, int, int, int]]:
    """(kind, threshold, clock period, recipient) of every reminder sent, oldest first."""
    rows = Reminder.objects.filter(sent_at__isnull=False).order_by("pk")
    if kind:
        rows = rows.filter(kind=kind)
    return list(rows.values_list("kind", "threshold", "clock_period", "recipient_id"))


@pytest.fixture
def assignee():
    return reviewer(full_name="Kim Reviewer")


@pytest.fixture
def case(assignee):
    return submitted_case(submitted_at=SUBMITTED, status=CaseStatus.IN_REVIEW, assigned_to=assignee)


# --- due soon ------------------------------------------------------------------------------------


def test_the_assignee_is_reminded_at_exactly_5_2_and_0_days_left(case, assignee):
    thresholds = []
    for day in range(1, 16):  # every day from submission to the due day, at noon
        before = len(mail.outbox)
        sweep_at(seoul(day))
        if len(mail.outbox) > before:
            thresholds.append((day, Reminder.objects.latest("pk").threshold))
    assert thresholds == [(10, 5), (13, 2), (15, 0)]
    assert [m.to for m in mail.outbox] == [[assignee.email]] * 3
    assert sent() == [
        ("due_soon", 5, 0, assignee.pk),
        ("due_soon", 2, 0, assignee.pk),
        ("due_soon", 0, 0, assignee.pk),
    ]


@pytest.mark.parametrize(
    ("last_moment_before", "first_moment_on", "threshold"),
    [
        (seoul(9, 23, 59, 59), seoul(10, 0, 0, 0), 5),
        (seoul(12, 23, 59, 59), seoul(13, 0, 0, 0), 2),
        (seoul(14, 23, 59, 59), seoul(15, 0, 0, 0), 0),
    ],
)
def test_each_threshold_starts_at_midnight_in_korea(case, last_moment_before, first_moment_on, threshold):
    assert sweep_at(last_moment_before)["due_soon"] == 0
    assert sweep_at(first_moment_on)["due_soon"] == 1
    assert sent() == [("due_soon", threshold, 0, case.assigned_to_id)]


def test_the_0_day_reminder_is_sent_on_the_due_day_even_after_the_due_hour(case):
    assert sweep_at(seoul(15, 23, 59, 59))["due_soon"] == 1  # overdue by the hour, still the due day
    assert sent() == [("due_soon", 0, 0, case.assigned_to_id)]


def test_a_threshold_missed_by_the_sweep_is_not_sent_late(case):
    sweep_at(seoul(9))  # 6 days left; no sweep ran on the 10th (5 days left)
    sweep_at(seoul(11))  # 4 days left
    sweep_at(seoul(16))  # overdue: no late 2-day or 0-day reminder either
    assert sent("due_soon") == []
    assert sent("overdue") == [("overdue", 1, 0, case.assigned_to_id)]


def test_the_e_mail_names_the_case_the_days_left_and_links_to_the_workspace(case, settings):
    settings.SITE_URL = "https://ktechpass.example"
    sweep_at(seoul(10))
    message = mail.outbox[0]
    assert message.subject == f"{case.reference}: 5 days left to decide"
    assert "Dear Kim Reviewer," in message.body
    assert "is due in 5 days" in message.body
    assert "Due: 15 September 2026, 10:00 KST" in message.body
    assert f"https://ktechpass.example/ministry/cases/{case.reference}/" in message.body
    assert "https://ktechpass.example/ministry/preferences/" in message.body


def test_the_due_day_subject_says_today(case):
    sweep_at(seoul(15, 8))
    assert mail.outbox[0].subject == f"Decision due today: {case.reference}"


def test_a_korean_reviewer_gets_korean_e_mail():
    korean = reviewer(preferred_language="ko", full_name="김민지")
    submitted_case(submitted_at=SUBMITTED, status=CaseStatus.IN_REVIEW, assigned_to=korean)
    sweep_at(seoul(10))
    message = mail.outbox[0]
    assert Notification.objects.get().language == "ko"
    assert "김민지 님께," in message.body  # Django's and our Korean catalogues
    assert "2026년 9월 15일" in message.body  # dates in the Korean format
    assert "산업통상자원부" in message.body


def test_thresholds_and_days_come_from_the_cases_rubric_version(assignee):
    """A version whose clock is 10 days with reminders at 7 and 1 days left, and an unassigned
    alert after 3 days: the same sweep follows each case's own version."""
    config = copy.deepcopy(RubricVersion.objects.get(code="2026-07").config)
    config.update(code="2020-test", effective_from="2020-01-01", effective_to="2020-12-31")
    config["clock"] = {"days": 10, "reminder_days_left": [7, 1], "unassigned_alert_days": 3}
    version = RubricVersion.objects.create(
        code="2020-test", title="Test clock", effective_from=dt.date(2020, 1, 1),
        effective_to=dt.date(2020, 12, 31), config=config,
    )  # fmt: skip
    custom = submitted_case(submitted_at=SUBMITTED, status=CaseStatus.IN_REVIEW, assigned_to=assignee)
    custom.rubric_version = version
    custom.due_at = SUBMITTED + dt.timedelta(days=10)  # 11 September, 10:00
    custom.save()
    waiting = submitted_case(submitted_at=SUBMITTED)  # no reviewer
    waiting.rubric_version = version
    waiting.due_at = SUBMITTED + dt.timedelta(days=10)
    waiting.save()
    boss = supervisor()

    for day in range(1, 12):
        sweep_at(seoul(day))
    assert sent("due_soon") == [("due_soon", 7, 0, assignee.pk), ("due_soon", 1, 0, assignee.pk)]
    assert sent("unassigned") == [("unassigned", 3, 0, boss.pk)]
    assert Reminder.objects.get(kind="unassigned").created_at == seoul(4)  # 3 days after, at noon


# --- overdue and escalation ------------------------------------------------------------------------


def test_overdue_reminders_are_daily_once_a_day_to_the_assignee_and_every_supervisor(case, assignee):
    first, second = supervisor(), supervisor()
    supervisor(is_active=False)  # a former supervisor is not told
    reviewer()  # nor is another reviewer

    assert sweep_at(seoul(15, 23, 59, 59))["overdue"] == 0  # past the hour, still the due day
    counts = sweep_at(seoul(16, 0, 0, 0))
    assert (counts["overdue"], counts["escalation"]) == (1, 2)
    assert sweep_at(seoul(16, 18))["overdue"] == 0  # once a day
    counts = sweep_at(seoul(17, 7))
    assert (counts["overdue"], counts["escalation"]) == (1, 2)

    assert sent("overdue") == [("overdue", 1, 0, assignee.pk), ("overdue", 2, 0, assignee.pk)]
    assert sorted(sent("escalation")) == sorted(
        [("escalation", n, 0, boss.pk) for n in (1, 2) for boss in (first, second)]
    )
    escalation = next(m for m in mail.outbox if m.to == [first.email])
    assert escalation.subject == f"Escalation: {case.reference} is 1 day overdue"
    assert "Assigned to: Kim Reviewer" in escalation.body


def test_an_overdue_case_nobody_took_still_escalates():
    boss = supervisor()
    submitted_case(submitted_at=SUBMITTED)
    sweep_at(seoul(16))
    assert sent("overdue") == []  # nobody to remind
    assert sent("escalation") == [("escalation", 1, 0, boss.pk)]


# --- unassigned ----------------------------------------------------------------------------------


def test_supervisors_are_alerted_when_a_case_is_unassigned_two_days_after_submission():
    first, second = supervisor(), supervisor()
    waiting = submitted_case(submitted_at=SUBMITTED)
    assert sweep_at(SUBMITTED + dt.timedelta(days=1, hours=23, minutes=59, seconds=59))["unassigned"] == 0
    assert sweep_at(SUBMITTED + dt.timedelta(days=2))["unassigned"] == 2
    assert sweep_at(SUBMITTED + dt.timedelta(days=3))["unassigned"] == 0  # once per case and period
    assert sorted(sent("unassigned")) == sorted(
        [("unassigned", 2, 0, first.pk), ("unassigned", 2, 0, second.pk)]
    )
    assert mail.outbox[0].subject == f"Unassigned: {waiting.reference} has waited 2 days for a reviewer"


def test_an_unassigned_alert_belongs_to_its_day_and_is_not_sent_late():
    supervisor()
    submitted_case(submitted_at=SUBMITTED)
    # No sweep ran in the 24 hours after the alert became due (3 September 10:00).
    assert sweep_at(SUBMITTED + dt.timedelta(days=3, seconds=1))["unassigned"] == 0
    assert sent("unassigned") == []


def test_an_unassigned_alert_is_still_sent_late_in_its_day():
    boss = supervisor()
    submitted_case(submitted_at=SUBMITTED)
    assert sweep_at(SUBMITTED + dt.timedelta(days=2, hours=23, minutes=59))["unassigned"] == 1
    assert sent("unassigned") == [("unassigned", 2, 0, boss.pk)]


def test_an_assigned_case_raises_no_unassigned_alert(case):
    supervisor()
    sweep_at(SUBMITTED + dt.timedelta(days=2))
    assert sent("unassigned") == []


# --- cases whose clock is not running ------------------------------------------------------------


@pytest.mark.parametrize("status", [CaseStatus.APPROVED, CaseStatus.REJECTED, CaseStatus.WITHDRAWN])
def test_decided_and_withdrawn_cases_get_nothing(status, assignee):
    supervisor()
    submitted_case(submitted_at=SUBMITTED, status=status, assigned_to=assignee)
    submitted_case(submitted_at=SUBMITTED, status=status)
    for day in (3, 10, 13, 15, 16, 20):
        sweep_at(seoul(day))
    assert Reminder.objects.count() == 0
    assert mail.outbox == []


def ask_for_information(case, by):
    return case_request_information(
        case=case, by=by, addressee=InformationRequest.Addressee.APPLICANT, message="Please send your CV",
        needed="CV", respond_by=dt.date(2026, 12, 31),
    )  # fmt: skip


def test_a_paused_case_gets_nothing_and_after_it_resumes_the_new_period_has_its_own_reminders(case, assignee):
    supervisor()
    with time_machine.travel(seoul(9), tick=False):  # 6 days left
        request = ask_for_information(case, assignee)
    for day in (10, 13, 15, 16, 20):  # long past the original due date
        sweep_at(seoul(day))
    assert Reminder.objects.count() == 0

    with time_machine.travel(seoul(20), tick=False):  # eleven days later, at 6 days left again
        information_respond(request=request, by=case.applicant, text="Attached")
    case.refresh_from_db()
    assert (case.clock_period, case.due_at) == (1, seoul(26, 10))
    sweep_at(seoul(20, 13))
    assert Reminder.objects.count() == 0  # 6 days left: nothing passed is sent
    sweep_at(seoul(21))
    sweep_at(seoul(26))
    assert sent() == [("due_soon", 5, 1, assignee.pk), ("due_soon", 0, 1, assignee.pk)]


def test_a_case_resumed_on_its_threshold_day_is_reminded_again_in_the_new_period(case, assignee):
    sweep_at(seoul(10, 9))  # 5 days left: reminded
    with time_machine.travel(seoul(10, 10), tick=False):
        request = ask_for_information(case, assignee)
    with time_machine.travel(seoul(10, 15), tick=False):  # five hours later: due 15:00 on the 15th
        information_respond(request=request, by=case.applicant, text="Attached")
    sweep_at(seoul(10, 16))
    assert sent() == [("due_soon", 5, 0, assignee.pk), ("due_soon", 5, 1, assignee.pk)]


def test_the_new_period_does_not_resend_a_threshold_passed_before_the_pause(case, assignee):
    sweep_at(seoul(10))  # 5 days left: reminded in period 0
    with time_machine.travel(seoul(11), tick=False):  # 4 days left
        request = ask_for_information(case, assignee)
    with time_machine.travel(seoul(12), tick=False):  # a day later: due the 16th, still 4 days left
        information_respond(request=request, by=case.applicant, text="Attached")
    for day in (12, 13, 14):
        sweep_at(seoul(day))
    assert sent() == [("due_soon", 5, 0, assignee.pk), ("due_soon", 2, 1, assignee.pk)]


def test_a_pause_across_midnight_counts_days_left_from_the_resume(case, assignee):
    with time_machine.travel(seoul(9, 23, 30), tick=False):  # 6 days left, no reminder yet
        request = ask_for_information(case, assignee)
    with time_machine.travel(seoul(10, 1), tick=False):  # 90 minutes: due the 15th 11:30
        information_respond(request=request, by=case.applicant, text="Attached")
    sweep_at(seoul(10, 1, 5))  # 5 days left now, in the new period: current, so sent
    assert sent() == [("due_soon", 5, 1, assignee.pk)]


def test_a_reminder_whose_case_was_paused_before_it_went_out_is_cancelled(case, assignee):
    with time_machine.travel(seoul(10), tick=False):
        reminders.sweep()  # recorded; its delivery task has not run yet
        ask_for_information(case, assignee)
        assert deliver_reminders([Reminder.objects.get().pk]) == 0
    assert Reminder.objects.get().cancelled_at is not None
    assert mail.outbox == []


def test_a_reminder_delivered_after_its_day_has_passed_is_cancelled(case):
    with time_machine.travel(seoul(10), tick=False):
        reminders.sweep()
    with time_machine.travel(seoul(11), tick=False):  # the broker was down until the next day
        assert deliver_reminders([Reminder.objects.get().pk]) == 0
    assert mail.outbox == []


# --- exactly once ------------------------------------------------------------------------------


def test_a_doubled_sweep_records_and_sends_each_reminder_once(case):
    supervisor()
    for moment in (seoul(10), seoul(10), seoul(16), seoul(16)):
        sweep_at(moment)
    assert Reminder.objects.count() == 3  # 5 days left; overdue; escalation
    assert len(mail.outbox) == 3
    assert Notification.objects.filter(sent_at__isnull=False).count() == 3


def test_a_redelivered_delivery_task_sends_one_e_mail(case):
    with time_machine.travel(seoul(10), tick=False):
        counts = sweep_reminders()  # records; the delivery tasks wait for a commit that never comes here
        assert counts["due_soon"] == 1
        reminder_id = Reminder.objects.get().pk
        assert deliver_reminders.apply(args=[[reminder_id]]).get() == 1
        assert deliver_reminders.apply(args=[[reminder_id]]).get() == 0  # the broker redelivered it
    assert len(mail.outbox) == 1
    assert Reminder.objects.get().sent_at is not None


def test_a_send_that_fails_leaves_the_reminder_unsent_and_the_retry_sends_it_once(case, monkeypatch):
    calls = []

    def smtp_down_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise ConnectionRefusedError("smtp down")
        return real_send_mail(*args, **kwargs)

    real_send_mail = services.send_mail
    monkeypatch.setattr(services, "send_mail", smtp_down_once)
    with time_machine.travel(seoul(10), tick=False):
        reminders.sweep()
        reminder = Reminder.objects.get()
        assert deliver_reminders([reminder.pk]) == 0
        reminder.refresh_from_db()
        assert reminder.sent_at is None
        assert reminder.notification.attempts == 1
        assert "smtp down" in reminder.notification.last_error
        assert deliver_reminders([reminder.pk]) == 1  # the retry
        assert deliver_reminders([reminder.pk]) == 0
    assert len(mail.outbox) == 1
    reminder.refresh_from_db()
    assert reminder.sent_at == reminder.notification.sent_at


class WorkerKilled(BaseException):
    """What a killed worker looks like to the code around the send: nothing after it runs."""


def test_a_worker_that_dies_mid_send_leaves_the_reminder_unsent_for_the_retry(case, monkeypatch):
    def die(*args, **kwargs):
        raise WorkerKilled

    with time_machine.travel(seoul(10), tick=False):
        reminders.sweep()
        reminder = Reminder.objects.get()
        monkeypatch.setattr(services, "send_mail", die)
        with pytest.raises(WorkerKilled):
            deliver_reminders([reminder.pk])
        reminder.refresh_from_db()
        assert (reminder.sent_at, reminder.notification_id) == (None, None)  # rolled back
        monkeypatch.undo()
        # The task is redelivered (acks_late) and the next sweep re-drives it too: one e-mail.
        assert deliver_reminders([reminder.pk]) == 1
    assert sweep_at(seoul(10, 13))["redriven"] == 0
    assert len(mail.outbox) == 1


def test_the_sweep_re_drives_a_reminder_whose_task_was_lost(case):
    with time_machine.travel(seoul(10, 9), tick=False):
        reminders.sweep()  # the fan-out never reached the broker
    assert sweep_at(seoul(10, 9, 3))["redriven"] == 0  # not yet: its task may still be on its way
    counts = sweep_at(seoul(10, 9, 6))
    assert (counts["redriven"], counts["sent"]) == (1, 1)
    assert sweep_at(seoul(10, 9, 12))["redriven"] == 0
    assert len(mail.outbox) == 1


def test_a_reminder_sent_by_the_message_re_drive_is_marked_sent_by_the_next_sweep(case, monkeypatch):
    def smtp_down(*args, **kwargs):
        raise OSError("smtp down")

    monkeypatch.setattr(services, "send_mail", smtp_down)
    with time_machine.travel(seoul(10, 9), tick=False):
        reminders.sweep(inline=True)
    monkeypatch.undo()
    with time_machine.travel(seoul(10, 9, 5), tick=False):  # its retry, on the reminder's day
        assert services.redrive_unsent() == 1  # notifications.sweep: the message goes
    assert Reminder.objects.get().sent_at is None
    sweep_at(seoul(10, 9, 5))
    assert Reminder.objects.get().sent_at is not None
    assert len(mail.outbox) == 1


# --- digests -------------------------------------------------------------------------------------


@pytest.fixture
def digest_reader(assignee):
    reminders.set_reminder_preference(user=assignee, daily_digest=True)
    return assignee


def digests_at(moment: dt.datetime) -> int:
    with time_machine.travel(moment, tick=False):
        return reminders.send_digests(inline=True)


def test_held_reminders_go_into_exactly_one_digest_a_day(case, digest_reader):
    later = submitted_case(
        submitted_at=SUBMITTED + dt.timedelta(days=3), status=CaseStatus.IN_REVIEW, assigned_to=digest_reader
    )  # due the 18th
    assert sweep_at(seoul(10, 7))["held"] == 1  # 5 days left: held, no e-mail
    assert mail.outbox == []
    assert digests_at(seoul(10, 7, 59, 59)) == 0  # before 08:00
    assert digests_at(seoul(10, 8)) == 1
    assert digests_at(seoul(10, 8, 15)) == 0
    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert digest.to == [digest_reader.email]
    assert digest.subject == "Your reminders for 10 September 2026: 1 case"
    assert case.reference in digest.body
    assert "5 days left." in digest.body
    assert Reminder.objects.get().sent_at is not None

    sweep_at(seoul(13, 7))  # the first case at 2 days left, the later one at 5
    assert digests_at(seoul(13, 9)) == 1
    assert digests_at(seoul(13, 20)) == 0
    assert len(mail.outbox) == 2
    assert later.reference in mail.outbox[1].body
    assert case.reference in mail.outbox[1].body
    assert "2 cases" in mail.outbox[1].subject

    # A case assigned in the evening at 5 days left: recorded after today's digest, in tomorrow's.
    third = submitted_case(submitted_at=SUBMITTED + dt.timedelta(days=3))
    third.status, third.assigned_to = CaseStatus.IN_REVIEW, digest_reader
    third.save()
    assert sweep_at(seoul(13, 21))["held"] == 1
    assert digests_at(seoul(13, 22)) == 0
    assert digests_at(seoul(14, 8)) == 1
    assert third.reference in mail.outbox[2].body
    assert "4 days left." in mail.outbox[2].body
    assert Reminder.objects.filter(sent_at__isnull=True).count() == 0


def test_a_digest_task_delivered_twice_sends_one_digest(case, digest_reader):
    sweep_at(seoul(10, 7))
    with time_machine.travel(seoul(10, 8), tick=False):
        assert send_digest.apply(args=[digest_reader.pk, "2026-09-10"]).get() is True
        assert send_digest.apply(args=[digest_reader.pk, "2026-09-10"]).get() is False
    assert len(mail.outbox) == 1
    assert Notification.objects.filter(dedupe_key=f"digest:{digest_reader.pk}:2026-09-10").count() == 1


def test_a_digest_leaves_out_cases_decided_since_their_reminder(case, digest_reader):
    sweep_at(seoul(10, 7))
    case.status = CaseStatus.APPROVED
    case.save()
    assert digests_at(seoul(10, 8)) == 0
    assert mail.outbox == []
    assert Reminder.objects.get().cancelled_at is not None


def test_switching_the_digest_off_sends_what_it_held_one_by_one(case, digest_reader):
    sweep_at(seoul(10, 7))
    with time_machine.travel(seoul(10, 7, 30), tick=False):
        reminders.set_reminder_preference(user=digest_reader, daily_digest=False)
    assert Reminder.objects.get().held is False
    # Its delivery task is enqueued after commit; the sweep re-drives it if that task is lost.
    assert sweep_at(seoul(10, 7, 35))["redriven"] == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == f"{case.reference}: 5 days left to decide"
    assert digests_at(seoul(10, 8)) == 0


def test_supervisors_can_take_escalations_as_a_digest(case):
    boss = supervisor()
    reminders.set_reminder_preference(user=boss, daily_digest=True)
    sweep_at(seoul(16, 1))
    assert [m.to for m in mail.outbox] == [[case.assigned_to.email]]  # the assignee's own e-mail
    digests_at(seoul(16, 8))
    assert mail.outbox[1].to == [boss.email]
    assert "Overdue, escalated. 1 day overdue." in mail.outbox[1].body
    assert "Assigned to: Kim Reviewer" in mail.outbox[1].body


# --- the preference page -------------------------------------------------------------------------


def test_a_reviewer_chooses_the_daily_digest_on_the_preference_page(client, assignee):
    sign_in(client, assignee)
    url = reverse("ministry:preferences")
    assert url == "/ministry/preferences/"
    page = client.get(url)
    assert page.status_code == 200
    assert b'type="radio"' in page.content
    assert page.context["ministry_section"] == "preferences"

    response = client.post(url, {"delivery": "digest"}, follow=True)
    assert response.redirect_chain == [(url, 302)]
    assert "Saved. Your reminders will come in one daily digest at 08:00." in response.content.decode()
    assert ReminderPreference.objects.get(user=assignee).daily_digest is True

    client.post(url, {"delivery": "single"})
    assert ReminderPreference.objects.get(user=assignee).daily_digest is False


def test_the_preference_page_refuses_a_nonsense_choice(client, assignee):
    sign_in(client, assignee)
    response = client.post(reverse("ministry:preferences"), {"delivery": "pigeon"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not ReminderPreference.objects.exists()


def test_supervisors_have_the_preference_page_too(client):
    assert sign_in(client, supervisor()).get(reverse("ministry:preferences")).status_code == 200


@pytest.mark.parametrize("role", [None, Role.APPLICANT, Role.EMPLOYER])
def test_the_preference_page_is_404_for_everyone_outside_the_ministry(client, role):
    if role is not None:
        client.force_login(UserFactory(role=role))
    assert client.get(reverse("ministry:preferences")).status_code == 404
    assert client.post(reverse("ministry:preferences"), {"delivery": "digest"}).status_code == 404


def test_a_reviewer_without_two_factor_is_sent_to_set_it_up(client, assignee):
    sign_in(client, assignee, two_factor=False)
    response = client.get(reverse("ministry:preferences"))
    assert response.status_code == 302
    assert "/accounts/2fa/" in response["Location"]


def test_the_admin_lists_reminders_read_only(client, case):
    sweep_at(seoul(10))
    sign_in(client, UserFactory(is_staff=True, is_superuser=True))  # the admin asks for a second factor
    response = client.get(reverse("admin:notifications_reminder_changelist"))
    assert response.status_code == 200
    assert case.reference in response.content.decode()
    assert reverse("admin:notifications_reminder_add") not in response.content.decode()
    reminder = Reminder.objects.get()
    page = client.get(reverse("admin:notifications_reminder_change", args=[reminder.pk]))
    assert page.status_code == 200
    assert b'name="_save"' not in page.content  # view only


def test_the_demo_loader_can_sweep_inline_at_a_given_moment_without_a_broker(case):
    counts = reminders.sweep(now=seoul(10), inline=True)  # no time travel: the moment is passed in
    assert (counts["due_soon"], counts["sent"]) == (1, 1)
    assert mail.outbox[0].subject == f"{case.reference}: 5 days left to decide"
