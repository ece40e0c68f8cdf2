""" "Claim next" refused by the assignment rules is a message on the queue, not a server error."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from apps.cases import assignment
from apps.cases.models import Case, CaseStatus
from tests.ministry import reviewer, sign_in, submitted_case

pytestmark = pytest.mark.django_db
CLAIM = reverse("ministry:claim_next")


def test_someone_who_may_no_longer_take_cases_is_told_so_on_the_queue(client, monkeypatch):
    waiting = submitted_case(submitted_at=timezone.now() - dt.timedelta(days=1))
    lee = reviewer()
    sign_in(client, lee)
    # Their reviewer role was withdrawn a moment after the page's access check let them in: the
    # assignment rules, checked again by claim_next, refuse them.
    monkeypatch.setattr(assignment, "is_assignable", lambda user: False)
    response = client.post(CLAIM)
    assert response.status_code == 302
    assert response["Location"] == reverse("ministry:queue")
    assert [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)] == [
        ("error", "Cases can only be assigned to active reviewers and supervisors.")
    ]
    waiting.refresh_from_db()
    assert (waiting.status, waiting.assigned_to_id) == (CaseStatus.SUBMITTED, None)
    assert Case.objects.filter(assigned_to=lee).count() == 0
