""" "Claim next": the most urgent unassigned case, and never the same case for two reviewers at once."""

from __future__ import annotations

import datetime as dt
import threading
import zoneinfo
from concurrent.futures import ThreadPoolExecutor

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.db import connections, transaction
from django.urls import reverse
from django.utils import timezone

from apps.cases.assignment import claim_next
from apps.cases.models import Case, CaseEvent, CaseStatus
from tests.ministry import reviewer, sign_in, submitted_case

SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")
NOW = dt.datetime(2026, 11, 2, 9, 0, tzinfo=SEOUL)
CLAIM = reverse("ministry:claim_next")


def waiting(*, days_ago: float) -> Case:
    return submitted_case(submitted_at=timezone.now() - dt.timedelta(days=days_ago))


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_claim_next_takes_the_most_urgent_unassigned_case():
    lee, park = reviewer(), reviewer()
    waiting(days_ago=3)
    oldest_taken = submitted_case(
        status=CaseStatus.IN_REVIEW, assigned_to=park, submitted_at=NOW - dt.timedelta(days=20)
    )
    overdue = waiting(days_ago=16)
    waiting(days_ago=10)
    case = claim_next(reviewer=lee)
    assert case is not None
    assert case.pk == overdue.pk != oldest_taken.pk
    assert (case.status, case.assigned_to_id, case.assigned_at) == (CaseStatus.IN_REVIEW, lee.pk, NOW)
    event = case.events.get()
    assert (event.kind, event.actor, event.data) == (CaseEvent.Kind.REVIEW_STARTED, lee, {"reviewer": lee.pk})


@pytest.mark.django_db
def test_claim_next_with_nothing_waiting_returns_none():
    lee = reviewer()
    submitted_case(status=CaseStatus.IN_REVIEW, assigned_to=reviewer())
    assert claim_next(reviewer=lee) is None


@pytest.mark.django_db
def test_the_button_opens_the_claimed_case(client):
    lee = reviewer()
    case = waiting(days_ago=1)
    sign_in(client, lee)
    response = client.post(CLAIM)
    assert response.status_code == 302
    assert response["Location"] == reverse("ministry:case", args=[case.reference])
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"Case {case.reference} is now yours and in review."
    ]


@pytest.mark.django_db
def test_the_button_with_nothing_waiting_goes_back_to_the_queue(client):
    sign_in(client, reviewer())
    response = client.post(CLAIM)
    assert response["Location"] == reverse("ministry:queue")
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["No unassigned cases are waiting."]


@pytest.mark.django_db
def test_claim_next_is_post_only_and_for_ministry_staff(client):
    from apps.accounts.roles import Role
    from tests.factories import UserFactory

    assert client.post(CLAIM).status_code == 404
    sign_in(client, UserFactory(role=Role.APPLICANT), two_factor=False)
    assert client.post(CLAIM).status_code == 404
    sign_in(client, reviewer())
    assert client.get(CLAIM).status_code == 405


# --- Concurrency: real transactions on separate connections ------------------------------------


def _in_own_connection(work):
    """Run ``work`` in this thread's own database connection, and close it afterwards."""

    def run(*args):
        try:
            return work(*args)
        finally:
            connections.close_all()

    return run


@pytest.mark.django_db(transaction=True)
def test_a_case_being_claimed_is_skipped_not_waited_for():
    first, second = waiting(days_ago=12), waiting(days_ago=11)
    lee, park = reviewer(), reviewer()
    locked, release = threading.Event(), threading.Event()

    @_in_own_connection
    def hold_the_most_urgent_row():
        with transaction.atomic():
            Case.objects.select_for_update().get(pk=first.pk)
            locked.set()
            release.wait(timeout=30)

    holder = threading.Thread(target=hold_the_most_urgent_row)
    holder.start()
    try:
        assert locked.wait(timeout=30)
        claimed = claim_next(reviewer=park)
        assert claimed is not None
        assert claimed.pk == second.pk  # not blocked behind the lock, and not the locked case
    finally:
        release.set()
        holder.join(timeout=30)
    # Once the lock is gone, the first case is there for the next reviewer.
    assert claim_next(reviewer=lee).pk == first.pk


@pytest.mark.django_db(transaction=True)
def test_many_reviewers_claiming_at_once_get_different_cases():
    cases = [waiting(days_ago=10 - index) for index in range(5)]
    people = [reviewer() for _ in range(8)]
    start = threading.Barrier(len(people))

    @_in_own_connection
    def press(person):
        start.wait(timeout=30)
        case = claim_next(reviewer=person)
        return case.pk if case else None

    with ThreadPoolExecutor(max_workers=len(people)) as pool:
        results = list(pool.map(press, people))
    claimed = [pk for pk in results if pk is not None]
    assert len(claimed) == len(set(claimed))  # never the same case twice
    assert sorted(claimed) == sorted(case.pk for case in cases)  # and every case was taken
    assert results.count(None) == len(people) - len(cases)
    assigned = dict(Case.objects.filter(pk__in=claimed).values_list("pk", "assigned_to_id"))
    by_person = {pk: person.pk for person, pk in zip(people, results, strict=True) if pk}
    assert assigned == by_person
    assert CaseEvent.objects.filter(kind=CaseEvent.Kind.REVIEW_STARTED).count() == len(cases)
