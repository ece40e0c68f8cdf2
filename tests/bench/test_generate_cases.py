"""The 1M-case generator of bench/generate_cases.py, at a small size, so it cannot rot unnoticed."""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.db import connection
from django.db.models import Count

from apps.accounts.models import User
from apps.cases.models import OPEN_STATUSES, Case
from apps.cases.search import grams, normalise, search_filter
from tests.ministry import sign_in

# bench/ is a folder of scripts, not a package: they import each other by file name, and so does this
# test (a package import would give mypy the same file under two module names).
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from generate_cases import Summary, generate, is_bench_database

pytestmark = pytest.mark.django_db

N = 2_000
NOW = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def summary() -> Summary:
    return generate(cases=N, seed=11, now=NOW, log=lambda _message: None)


def test_the_spread_of_states_is_realistic(summary):
    counts = dict(Case.objects.values_list("status").annotate(n=Count("id")))
    assert counts == dict(summary.by_status)
    assert sum(counts.values()) == N
    share = {status: count / N for status, count in counts.items()}
    assert 0.04 <= sum(share.get(s, 0) for s in OPEN_STATUSES) <= 0.11
    assert all(share.get(s, 0) > 0 for s in OPEN_STATUSES)
    assert 0.005 <= share["draft"] <= 0.03
    assert 0.52 <= share["approved"] <= 0.64
    assert 0.21 <= share["rejected"] <= 0.30
    assert 0.05 <= share["withdrawn"] <= 0.11
    tracks = dict(Case.objects.values_list("track").annotate(n=Count("id")))
    assert set(tracks) == {"quantitative", "qualitative", "government_programme"}
    assert tracks["quantitative"] > tracks["qualitative"] > tracks["government_programme"]


def test_every_foreign_key_points_at_a_real_row(summary):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM cases_case c "
            "LEFT JOIN accounts_user a ON a.id = c.applicant_id "
            "LEFT JOIN accounts_user r ON r.id = c.assigned_to_id "
            "LEFT JOIN rubric_rubricversion v ON v.id = c.rubric_version_id "
            "WHERE a.id IS NULL OR (c.assigned_to_id IS NOT NULL AND r.id IS NULL) "
            "OR (c.rubric_version_id IS NOT NULL AND v.id IS NULL)"
        )
        assert cursor.fetchone()[0] == 0
    assert set(Case.objects.exclude(assigned_to=None).values_list("assigned_to", flat=True)) <= set(
        summary.reviewer_ids
    )
    assert (
        User.objects.filter(email__startswith="bench-applicant-", groups__name="applicant").count() == N // 5
    )
    # Every applicant's name is the one on their cases.
    case = Case.objects.exclude(applicant_name="").select_related("applicant").first()
    assert case.applicant_name == case.applicant.full_name


def test_references_are_unique_and_well_formed(summary):
    references = list(Case.objects.values_list("reference", flat=True))
    assert len(set(references)) == N
    assert all(re.fullmatch(r"KTP-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}", ref) for ref in references)


def test_the_clock_and_the_queue_fields_are_consistent(summary):
    open_cases = Case.objects.filter(status__in=OPEN_STATUSES)
    for case in open_cases:
        assert case.due_at == case.submitted_at + dt.timedelta(days=14) + case.paused_total
        assert (case.paused_at is not None) == (case.status == "information_requested")
        assert case.search_text == normalise(f"{case.reference} {case.applicant_name} {case.employer_name}")
        assert case.search_grams == grams(case.search_text)
    assert open_cases.filter(due_at__lt=NOW).exists(), "some open cases are overdue"
    assert open_cases.filter(assigned_to=None).exists(), "some wait for a reviewer"
    assert not Case.objects.filter(status="draft").exclude(search_text="").exists()


def test_search_finds_a_generated_korean_name(summary):
    name = (
        Case.objects.filter(status__in=OPEN_STATUSES, applicant_name__regex=r"^[가-힣]+$")
        .values_list("applicant_name", flat=True)
        .first()
    )
    assert name
    found = Case.objects.filter(search_filter(name))
    assert found.exists()
    assert all(name in case.applicant_name for case in found)


def test_the_load_skips_history_triggers_and_restores_them(summary):
    history = apps.get_model("cases", "CaseHistory")
    assert not history.objects.exists()
    case = Case.objects.filter(status="in_review").first()
    case.lock_version += 1
    case.save()
    assert history.objects.filter(pgh_obj=case).count() == 1


def test_only_bench_databases_are_written_from_the_command_line():
    assert is_bench_database({"NAME": "postgres", "HOST": "/work/main/.data/bench1m/bench/postgres"})
    assert is_bench_database({"NAME": "ktp_bench", "HOST": "localhost"})
    assert not is_bench_database({"NAME": "postgres", "HOST": "/work/main/.data/dev/postgres"})
    assert not is_bench_database({"NAME": "ktechpass", "HOST": ""})


def test_the_admin_baseline_lists_open_cases_in_due_order(summary, client, admin_user):
    """bench/ministry_queue.py compares the queue with this admin list: same rows, same order."""
    admin_client = sign_in(client, admin_user)  # the admin asks for a second factor
    response = admin_client.get("/admin/cases/case/", {"status__in": ",".join(OPEN_STATUSES)})
    assert response.status_code == 200
    shown = list(dict.fromkeys(re.findall(r"KTP-[0-9A-Z]{4}-[0-9A-Z]{4}", response.content.decode())))
    expected = Case.objects.filter(status__in=OPEN_STATUSES).order_by("due_at", "id")[:25]
    assert shown == [case.reference for case in expected]
    assert admin_client.get("/admin/cases/case/add/").status_code == 403  # read-only
