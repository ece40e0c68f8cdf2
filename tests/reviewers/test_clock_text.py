"""The processing clock in words: the workspace says what the queue says, at every edge of the clock
(time frozen): before and after the due time on the due day, days past it, and paused while overdue."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine

from apps.cases.models import Case, CaseStatus
from apps.reviewers.clock_text import clock_text
from apps.reviewers.queue.selectors import QueueRow
from tests.ministry import reviewer
from tests.reviewers.test_workspace_support import (
    T0,
    ministry_client,
    qualitative_case,
    text_of,
    workspace_url,
)

pytestmark = pytest.mark.django_db

DUE = T0 + dt.timedelta(days=14)  # Monday 16 November 2026, 09:00 in Korea


@pytest.mark.parametrize(
    ("days_left", "overdue", "paused", "text"),
    [
        (1, False, False, "1 day left"),
        (10, False, False, "10 days left"),
        (0, False, False, "Due today"),
        (0, True, False, "Overdue today"),
        (-1, True, False, "1 day overdue"),
        (-3, True, True, "Paused (3 days overdue)"),
        (4, False, True, "Paused (4 days left)"),
    ],
)
def test_clock_text(days_left, overdue, paused, text):
    assert clock_text(days_left=days_left, overdue=overdue, paused=paused) == text


def test_the_queue_row_keeps_its_wording():
    case = Case(paused_at=None)
    assert QueueRow(case=case, days_left=0, overdue=True, field_label="").due_text == "Overdue today"
    case.paused_at = T0
    assert (
        QueueRow(case=case, days_left=-2, overdue=True, field_label="").due_text == "Paused (2 days overdue)"
    )


def clock_of(html: str) -> tuple[str, str]:
    """The summary's clock: its data-clock state and its words (without the due date line)."""
    match = re.search(r'<dd class="col-sm-9" data-clock="(\w+)">(.*?)</dd>', html, re.S)
    assert match, "no clock on the page"
    return match.group(1), text_of(match.group(2).split('<span class="small">')[0])


@pytest.fixture
def assignee():
    return reviewer()


@pytest.mark.parametrize(
    ("now", "state", "text"),
    [
        (T0 + dt.timedelta(days=4), "running", "10 days left"),
        (DUE - dt.timedelta(hours=1), "running", "Due today"),
        (DUE + dt.timedelta(hours=1), "overdue", "Overdue today"),  # was "Overdue by 0 days."
        (DUE + dt.timedelta(days=2), "overdue", "2 days overdue"),
    ],
)
def test_the_workspace_clock_uses_the_queues_words(assignee, now, state, text):
    case = qualitative_case(assigned_to=assignee)
    with time_machine.travel(now, tick=False):
        html = ministry_client(assignee).get(workspace_url(case)).content.decode()
    assert clock_of(html) == (state, text)


def test_a_clock_paused_while_overdue_reads_paused_and_overdue(assignee):
    case = qualitative_case(assigned_to=assignee)
    paused_at = DUE + dt.timedelta(days=3)
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.INFORMATION_REQUESTED, paused_at=paused_at)
    with time_machine.travel(paused_at + dt.timedelta(days=5), tick=False):
        client = ministry_client(assignee)
        html = client.get(workspace_url(case)).content.decode()
        korean = client.get(workspace_url(case), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    state, text = clock_of(html)
    assert state == "paused"
    assert (
        text == "Paused (3 days overdue) Paused since 19 November 2026, 09:00 KST, waiting for an answer."
    )  # not "-3 days left"
    assert "정지(3일 경과)" in clock_of(korean)[1]


def test_overdue_today_in_korean(assignee):
    case = qualitative_case(assigned_to=assignee)
    with time_machine.travel(DUE + dt.timedelta(hours=1), tick=False):
        html = ministry_client(assignee).get(workspace_url(case), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert clock_of(html)[1] == "오늘 기한 경과"
