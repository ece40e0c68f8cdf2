import datetime as dt
import zoneinfo

from apps.cases.clock import days_left, due_at_on_submission, is_overdue, paused_for, resumed_due_at

SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")
T0 = dt.datetime(2026, 11, 2, 9, 0, tzinfo=SEOUL)


def test_due_date_is_submission_plus_the_configured_days():
    assert due_at_on_submission(T0, 14) == dt.datetime(2026, 11, 16, 9, 0, tzinfo=SEOUL)


def test_days_left_are_calendar_days_in_korea():
    due = due_at_on_submission(T0, 14)  # 16 November, 09:00 in Seoul
    assert days_left(due_at=due, now=T0 + dt.timedelta(hours=14, minutes=59)) == 14  # 23:59 on day 1
    assert days_left(due_at=due, now=T0 + dt.timedelta(hours=15)) == 13  # 00:00 the next day
    assert days_left(due_at=due, now=dt.datetime(2026, 11, 11, 23, 59, tzinfo=SEOUL)) == 5
    assert days_left(due_at=due, now=dt.datetime(2026, 11, 16, 0, 0, tzinfo=SEOUL)) == 0  # due today
    assert days_left(due_at=due, now=dt.datetime(2026, 11, 16, 23, 59, tzinfo=SEOUL)) == 0
    assert days_left(due_at=due, now=dt.datetime(2026, 11, 17, 0, 0, tzinfo=SEOUL)) == -1


def test_a_case_is_overdue_from_the_instant_it_is_due():
    due = due_at_on_submission(T0, 14)
    assert not is_overdue(due_at=due, now=due)
    assert is_overdue(due_at=due, now=due + dt.timedelta(seconds=1))
    assert not is_overdue(due_at=due, now=due + dt.timedelta(days=1), paused_at=due - dt.timedelta(hours=1))


def test_a_pause_freezes_days_left_and_moves_the_due_date_by_the_paused_time():
    due = due_at_on_submission(T0, 14)
    paused_at = T0 + dt.timedelta(days=3)
    later = paused_at + dt.timedelta(days=4, hours=6)  # 9 November, 15:00
    assert days_left(due_at=due, now=later, paused_at=paused_at) == 11  # frozen while paused
    new_due = resumed_due_at(due_at=due, paused_at=paused_at, now=later)
    assert new_due == due + dt.timedelta(days=4, hours=6)
    assert days_left(due_at=new_due, now=later) == 11  # and the same when it resumes


def test_a_pause_never_moves_the_due_date_backwards():
    assert paused_for(paused_at=T0, now=T0 - dt.timedelta(minutes=1)) == dt.timedelta(0)
