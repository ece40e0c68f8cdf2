"""Asking the ministry once a case has taken longer than 80% of similar ones: only then, only the
applicant, once per release, recorded with who asked (pghistory), and seen by reviewers in the
workspace."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client

from apps.cases.models import Case, CaseStatus, Track
from apps.metrics.models import ProcessingInquiry
from apps.metrics.services import inquiry_send, release_publish
from tests.ministry import reviewer, sign_in, submitted_case

pytestmark = pytest.mark.django_db

SEOUL = ZoneInfo("Asia/Seoul")
NOW = dt.datetime(2026, 12, 7, 10, 0, tzinfo=SEOUL)
DAY = dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def released() -> None:
    """12 quantitative cases decided in November after 1..12 days: 80% within 10 days."""
    for i in range(12):
        submitted = dt.datetime(2026, 11, 1 + i, 9, 0, tzinfo=SEOUL)
        case = submitted_case(submitted_at=submitted, track=Track.QUANTITATIVE)
        Case.objects.filter(pk=case.pk).update(
            status=CaseStatus.APPROVED, decided_at=submitted + (1 + i) * DAY, due_at=submitted + 14 * DAY
        )
    release_publish()


def test_an_applicant_may_ask_once_past_the_figure(client: Client, released: None) -> None:
    early = submitted_case(submitted_at=NOW - 9 * DAY, track=Track.QUANTITATIVE)
    with pytest.raises(ValidationError, match="taken longer than 80%"):
        inquiry_send(case=early, by=early.applicant, message="Any news?")

    late = submitted_case(submitted_at=NOW - 11 * DAY, track=Track.QUANTITATIVE)
    sign_in(client, late.applicant, two_factor=False)
    page = client.get(f"/apply/{late.reference}/status/").content.decode()
    assert 'id="inquiry-form"' in page
    response = client.post(f"/apply/{late.reference}/inquiry/", {"message": "  "})
    assert response.status_code == 400
    assert "Write your question." in response.content.decode()
    response = client.post(f"/apply/{late.reference}/inquiry/", {"message": "Is anything missing?"})
    assert response.status_code == 302
    inquiry = ProcessingInquiry.objects.get()
    assert (inquiry.case_id, inquiry.asked_by_id, inquiry.similar_days) == (late.pk, late.applicant_id, 10)
    assert inquiry.clock_days_used == pytest.approx(11)
    event = ProcessingInquiry.pgh_event_model.objects.get(pgh_obj=inquiry)
    assert event.pgh_context.metadata["actor"] == late.applicant_id  # audited: who asked

    page = client.get(f"/apply/{late.reference}/status/").content.decode()
    assert 'id="inquiry-sent"' in page
    assert 'id="inquiry-form"' not in page
    with pytest.raises(ValidationError, match="already asked"):
        inquiry_send(case=late, by=late.applicant, message="Again?")


def test_paused_time_does_not_count_towards_the_figure(released: None) -> None:
    case = submitted_case(submitted_at=NOW - 12 * DAY, track=Track.QUANTITATIVE)
    Case.objects.filter(pk=case.pk).update(paused_total=3 * DAY)  # 9 days of the clock used
    case.refresh_from_db()
    with pytest.raises(ValidationError):
        inquiry_send(case=case, by=case.applicant, message="Any news?")


def test_someone_else_cannot_ask_and_their_page_is_404(client: Client, released: None) -> None:
    late = submitted_case(submitted_at=NOW - 11 * DAY, track=Track.QUANTITATIVE)
    other = submitted_case(submitted_at=NOW - 11 * DAY, track=Track.QUANTITATIVE)
    with pytest.raises(ValidationError, match="Only the applicant"):
        inquiry_send(case=late, by=other.applicant, message="Hello")
    sign_in(client, other.applicant, two_factor=False)
    assert client.post(f"/apply/{late.reference}/inquiry/", {"message": "Hello"}).status_code == 404


def test_reviewers_see_the_question_in_the_workspace(client: Client, released: None) -> None:
    late = submitted_case(submitted_at=NOW - 11 * DAY, track=Track.QUANTITATIVE, assigned_to=reviewer())
    inquiry_send(case=late, by=late.applicant, message="Is anything missing?")
    assert late.assigned_to is not None
    sign_in(client, late.assigned_to)
    page = client.get(f"/ministry/cases/{late.reference}/").content.decode()
    assert 'id="inquiries"' in page
    assert "Is anything missing?" in page
