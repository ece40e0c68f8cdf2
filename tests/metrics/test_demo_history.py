"""The demo history: a year of labelled past cases, loaded once, that every reader sees as cases."""

from __future__ import annotations

from typing import cast

import pytest
from django.core.management import call_command

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.cases.models import Case, CaseStatus
from apps.demo.history import HISTORY_DOMAIN, load_demo_history
from apps.metrics.models import StatisticsRelease
from apps.metrics.selectors import similar_cases_days
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_history_is_labelled_spread_and_loaded_once() -> None:
    employer = cast(User, UserFactory(role=Role.EMPLOYER))
    reviewer = cast(User, UserFactory(role=Role.REVIEWER))
    written, _seconds = load_demo_history(employer=employer, reviewers=[reviewer], cases=400)
    assert written == 400
    history = Case.objects.filter(applicant__email__endswith=f"@{HISTORY_DOMAIN}")
    assert history.count() == 400
    statuses = set(history.values_list("status", flat=True))
    assert {CaseStatus.APPROVED, CaseStatus.REJECTED, CaseStatus.WITHDRAWN} <= statuses
    assert set(history.values_list("track", flat=True)) == {
        "quantitative",
        "qualitative",
        "government_programme",
    }
    assert not history.filter(submitted_at__isnull=True).exists()
    assert history.filter(paused_total__gt="0").exists()
    assert history.filter(sponsorships__organisation__name__endswith="(demo history)").exists()
    again, _ = load_demo_history(employer=employer, reviewers=[reviewer], cases=400)
    assert again == 0
    assert history.count() == 400


def test_load_demo_publishes_a_release_with_real_figures() -> None:
    call_command("load_demo", stdout=__import__("io").StringIO())
    release = StatisticsRelease.objects.get()
    headline = next(
        r for r in release.figures["rows"] if r["period_type"] == "all" and r["group_type"] == "all"
    )
    assert headline["decided"]
    assert headline["decided"] > 1000
    assert similar_cases_days(release, "quantitative") is not None
    call_command("load_demo", stdout=__import__("io").StringIO())
    assert StatisticsRelease.objects.count() == 1
