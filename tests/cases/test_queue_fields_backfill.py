"""Cases submitted before the queue's copied fields existed get them from migration cases/0006."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from apps.cases.models import Case, CaseStatus, SponsorshipStatus
from apps.cases.search import search_filter
from tests.factories import CaseFactory, OrganisationFactory, SponsorshipFactory, UserFactory

pytestmark = pytest.mark.django_db
backfill = importlib.import_module("apps.cases.migrations.0006_fill_queue_fields")


def test_old_submitted_cases_get_their_queue_fields_and_drafts_are_left_alone():
    applicant = UserFactory(full_name="김민준")
    old = CaseFactory(applicant=applicant, status=CaseStatus.IN_REVIEW, submitted_at="2026-07-01T09:00+09:00")
    organisation = OrganisationFactory(name="Hanbit Semiconductor", size_class="sme")
    SponsorshipFactory(organisation=organisation, case=old, status=SponsorshipStatus.CONFIRMED)
    draft = CaseFactory(status=CaseStatus.DRAFT)
    assert not Case.objects.filter(search_filter("민준")).exists()

    backfill.fill(apps, None)

    old.refresh_from_db()
    assert (old.applicant_name, old.employer_name, old.sme_claimed) == (
        "김민준",
        "Hanbit Semiconductor",
        True,
    )
    assert old.field == old.facts["field"]
    assert list(Case.objects.filter(search_filter("민준"))) == [old]
    assert list(Case.objects.filter(search_filter(old.reference))) == [old]
    draft.refresh_from_db()
    assert draft.search_text == ""


def test_the_redrive_rescored_open_cases_changed_after_their_last_score(monkeypatch):
    """A lost re-score task (an SME claim verified while the broker was down) is made good by the
    periodic re-drive, which scores again any open case changed since its score."""
    import datetime as dt

    from django.utils import timezone

    from apps.cases import tasks
    from apps.cases.models import CaseScore
    from tests.ministry import submitted_case

    sent: list[int] = []
    monkeypatch.setattr(tasks.score_case, "delay", lambda case_id: sent.append(case_id))
    current, changed, decided = (
        submitted_case(),
        submitted_case(),
        submitted_case(status=CaseStatus.APPROVED),
    )
    later = timezone.now() + dt.timedelta(minutes=1)
    for case in (current, changed, decided):
        CaseScore.objects.create(
            case=case, rubric_version=case.rubric_version, result={}, total=0, computed_at=later
        )
    Case.objects.filter(pk__in=[changed.pk, decided.pk]).update(updated_at=later + dt.timedelta(minutes=1))

    assert tasks.redrive_unscored() == 1
    assert sent == [changed.pk]  # not the current one, not the decided one
