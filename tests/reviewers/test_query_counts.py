"""Query counts of the three pages issue 14 must not make dearer: the ministry queue, a case's
workspace and the applicant's status page, on a demo-like case (qualitative track, SME sponsor,
documents, score, a few timeline events). The ceilings are the counts measured before issue 14's
transition service (docs/benchmarks.md, "Query counts before and after issue 14"); run with -s to
print the counts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.cases.models import Case
from apps.cases.review_moves import case_request_information, information_respond
from tests.ministry import reviewer
from tests.reviewers.test_workspace_support import T0, ministry_client, qualitative_case, workspace_url

pytestmark = pytest.mark.django_db

# Measured on this fixture before the issue-14 changes (2026-12-07).
BEFORE = {"queue": 6, "workspace": 26, "status": 19}


@pytest.fixture
def demo_like() -> tuple[Case, Any]:
    assignee = reviewer(full_name="Rae Viewer")
    with time_machine.travel(T0, tick=False):
        case = qualitative_case(assigned_to=assignee)
        request = case_request_information(
            case=case,
            by=assignee,
            addressee="applicant",
            message="Please send the contract.",
            needed="The signed contract.",
            respond_by=(T0 + dt.timedelta(days=10)).date(),
        )
        information_respond(request=request, by=case.applicant, text="Attached.")
    return case, assignee


def _count(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(queries)


def test_the_three_pages_cost_no_more_queries_than_before(demo_like: tuple[Case, Any]) -> None:
    case, assignee = demo_like
    ministry = ministry_client(assignee)
    applicant = Client()
    applicant.force_login(case.applicant)
    # One warm-up request each: caches (rubric scorer, queue counts) are filled the first time.
    paths = {
        "queue": (ministry, reverse("ministry:queue")),
        "workspace": (ministry, workspace_url(case)),
        "status": (applicant, reverse("application:status", kwargs={"reference": case.reference})),
    }
    counts = {}
    for name, (client, path) in paths.items():
        _count(client, path)
        counts[name] = _count(client, path)
    print(f"\nquery counts: {counts}")
    for name, count in counts.items():
        assert count <= BEFORE[name], f"{name}: {count} queries, {BEFORE[name]} before issue 14"
