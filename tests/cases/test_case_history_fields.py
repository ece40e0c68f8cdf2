"""The case's row history (pghistory, CaseHistory) keeps the fields worth auditing and leaves out the
ministry queue's copies (apps.cases.search, decision 20): a change of those copies alone writes no
history row, while a change of status, assignee, clock or facts still does, with who and why."""

from __future__ import annotations

import pghistory
import pytest
from django.db.models import F

from apps.cases.models import QUEUE_COPY_FIELDS, Case, CaseStatus
from apps.cases.search import index_fields
from apps.reviewers.workspace.selectors import HISTORY_FIELDS
from tests.ministry import reviewer, submitted_case

pytestmark = pytest.mark.django_db

CaseHistory = Case.pgh_event_model  # type: ignore[attr-defined]  # set by @pghistory.track


def history_count(case: Case) -> int:
    return CaseHistory.objects.filter(pgh_obj_id=case.pk).count()


def test_the_history_model_has_no_queue_copies_and_every_audited_field():
    columns = {field.attname for field in CaseHistory._meta.concrete_fields}
    assert set(QUEUE_COPY_FIELDS) == {
        "applicant_name",
        "employer_name",
        "field",
        "sme_claimed",
        "search_text",
        "search_grams",
    }
    assert not columns & {Case._meta.get_field(name).attname for name in QUEUE_COPY_FIELDS}
    # What the workspace's record-changes table reads, and the rest of the case's own state.
    assert set(HISTORY_FIELDS) <= columns
    assert {
        "reference",
        "applicant_id",
        "rubric_version_id",
        "submitted_at",
        "roster_match",
        "lock_version",
    } <= columns


def test_the_history_table_in_the_database_has_no_queue_copies():
    from django.db import connection

    with connection.cursor() as cursor:
        described = connection.introspection.get_table_description(cursor, CaseHistory._meta.db_table)
    names = {column.name for column in described}
    assert "status" in names
    assert not names & {
        "applicant_name",
        "employer_name",
        "field",
        "sme_claimed",
        "search_text",
        "search_grams",
    }


def test_a_change_of_the_queue_copies_alone_writes_no_history_row():
    case = submitted_case(applicant_name="김민준")
    before = history_count(case)
    fields = index_fields(case, applicant_name="Kim Minjun")
    assert fields["search_text"] != case.search_text
    # Both ways the copies are written: a queryset update (the backfill's kind) and a save of those
    # fields only.
    Case.objects.filter(pk=case.pk).update(**fields)
    case.refresh_from_db()
    case.field = "semiconductors" if case.field != "semiconductors" else "batteries"
    case.sme_claimed = not case.sme_claimed
    case.save(update_fields=QUEUE_COPY_FIELDS)
    case.refresh_from_db()
    assert case.applicant_name == "Kim Minjun"
    assert history_count(case) == before


def test_a_status_or_assignee_change_still_writes_a_row_with_who_and_why():
    case = submitted_case()
    before = history_count(case)
    someone = reviewer()
    with pghistory.context(actor=someone.pk, move="review_started"):
        Case.objects.filter(pk=case.pk).update(
            status=CaseStatus.IN_REVIEW, assigned_to=someone, lock_version=F("lock_version") + 1
        )
    assert history_count(case) == before + 1
    latest = CaseHistory.objects.filter(pgh_obj_id=case.pk).order_by("pgh_id").last()
    assert (latest.status, latest.assigned_to_id, latest.pgh_label) == (
        CaseStatus.IN_REVIEW,
        someone.pk,
        "update",
    )
    assert latest.pgh_context.metadata == {"actor": someone.pk, "move": "review_started"}


def test_a_change_of_facts_together_with_the_copies_writes_one_row():
    case = submitted_case()
    before = history_count(case)
    Case.objects.filter(pk=case.pk).update(
        facts={**case.facts, "field": "batteries"}, field="batteries", search_text="changed"
    )
    assert history_count(case) == before + 1
    assert (
        CaseHistory.objects.filter(pgh_obj_id=case.pk).order_by("pgh_id").last().facts["field"] == "batteries"
    )
