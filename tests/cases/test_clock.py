import datetime as dt

from apps.cases.clock import days_left, due_at_on_submission, paused_for, resumed_due_at

T0 = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


def test_due_date_is_submission_plus_the_configured_days():
    assert due_at_on_submission(T0, 14) == dt.datetime(2026, 11, 16, 9, 0, tzinfo=dt.UTC)


def test_days_left_round_down_and_go_negative_when_overdue():
    due = due_at_on_submission(T0, 14)
    assert days_left(due_at=due, now=T0) == 14
    assert days_left(due_at=due, now=due - dt.timedelta(days=5)) == 5
    assert days_left(due_at=due, now=due - dt.timedelta(days=5) + dt.timedelta(seconds=1)) == 4
    assert days_left(due_at=due, now=due - dt.timedelta(seconds=1)) == 0
    assert days_left(due_at=due, now=due) == 0
    assert days_left(due_at=due, now=due + dt.timedelta(seconds=1)) == -1


def test_a_pause_freezes_days_left_and_moves_the_due_date_by_the_paused_time():
    due = due_at_on_submission(T0, 14)
    paused_at = T0 + dt.timedelta(days=3)
    later = paused_at + dt.timedelta(days=4, hours=6)
    assert days_left(due_at=due, now=later, paused_at=paused_at) == 11  # frozen while paused
    new_due = resumed_due_at(due_at=due, paused_at=paused_at, now=later)
    assert new_due == due + dt.timedelta(days=4, hours=6)
    assert days_left(due_at=new_due, now=later) == 11  # and the same when it resumes


def test_a_pause_never_moves_the_due_date_backwards():
    assert paused_for(paused_at=T0, now=T0 - dt.timedelta(minutes=1)) == dt.timedelta(0)
