"""A draft withdrawn before it was ever submitted (``submitted_at`` NULL) stays the applicant's own
business: every ministry URL answers as for a case that does not exist, for reviewers and
supervisors alike, its documents included; bulk assignment reports it missing; the dashboard
neither counts it nor its sponsorship."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.accounts.roles import Role
from apps.cases.assignment import Outcome, bulk_assign
from apps.cases.models import Case, CaseDocument, CaseStatus, SponsorshipStatus, Track
from apps.organisations.models import SizeClass
from apps.reviewers.dashboard.selectors import has_cases, sponsor_outcomes
from tests.factories import (
    PDF_BYTES,
    CaseFactory,
    OrganisationFactory,
    SmeClaimFactory,
    SponsorshipFactory,
    UserFactory,
)
from tests.ministry import reviewer, sign_in, submitted_case, supervisor
from tests.reviewers.test_ministry_permissions import ministry_urls

pytestmark = pytest.mark.django_db

UNKNOWN_REFERENCE = "KTP-0000-0000"


def withdrawn_draft(track: str = Track.QUALITATIVE) -> Case:
    """Started, given a document, withdrawn: never submitted, so no submission time, no clock."""
    case = CaseFactory(track=track, status=CaseStatus.WITHDRAWN, decided_at=timezone.now())
    assert case.submitted_at is None
    return case


def add_document(case: Case) -> CaseDocument:
    return CaseDocument.objects.create(
        case=case,
        kind="passport",
        file=SimpleUploadedFile("passport.pdf", PDF_BYTES, content_type="application/pdf"),
        original_name="passport.pdf",
        content_type="application/pdf",
        extension=".pdf",
        size=len(PDF_BYTES),
        sha256="0" * 64,
        uploaded_by=case.applicant,
        uploaded_at=timezone.now(),
    )


def case_url(name: str, reference: str, arguments: dict[str, Any], document_id: int) -> str:
    kwargs = {key: (reference if key == "reference" else document_id) for key in arguments}
    return reverse(f"ministry:{name}", kwargs=kwargs)


def fetch(client: Client, method: str, url: str) -> int:
    with transaction.atomic():  # a POST that got through must not change what the next one sees
        response = client.get(url) if method == "get" else client.post(url, {})
        transaction.set_rollback(True)
    return response.status_code


CASE_URLS = [entry for entry in ministry_urls() if "reference" in entry.arguments()]


def test_some_ministry_urls_name_a_case():
    assert {"case", "document", "case_decide", "assign"} <= {entry.name for entry in CASE_URLS}


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("entry", CASE_URLS, ids=[entry.id for entry in CASE_URLS])
def test_a_withdrawn_draft_answers_as_a_case_that_does_not_exist(entry, method):
    case = withdrawn_draft()
    document = add_document(case)
    assert entry.name is not None
    for person in (reviewer(), supervisor()):
        client = sign_in(Client(), person)
        seen = fetch(client, method, case_url(entry.name, case.reference, entry.arguments(), document.pk))
        unknown = fetch(
            client, method, case_url(entry.name, UNKNOWN_REFERENCE, entry.arguments(), document.pk)
        )
        assert seen == unknown, f"{person.email} {method.upper()} {entry.id}: {seen}, unknown case {unknown}"
        assert seen in (404, 405)  # 405: a method the view never accepts, whatever the case


def test_the_workspace_and_its_documents_are_404_for_a_withdrawn_draft_but_not_a_withdrawn_case():
    client = sign_in(Client(), reviewer())
    draft = withdrawn_draft()
    document = add_document(draft)
    assert client.get(reverse("ministry:case", args=[draft.reference])).status_code == 404
    assert client.get(reverse("ministry:document", args=[draft.reference, document.pk])).status_code == 404
    # Withdrawn after submission: the ministry had it, and keeps its record.
    submitted = submitted_case()
    Case.objects.filter(pk=submitted.pk).update(status=CaseStatus.WITHDRAWN, decided_at=timezone.now())
    assert client.get(reverse("ministry:case", args=[submitted.reference])).status_code == 200


def test_bulk_assignment_reports_a_withdrawn_draft_missing():
    draft = withdrawn_draft()
    [outcome] = bulk_assign(case_ids=[draft.pk], to=reviewer(), by=supervisor())
    assert outcome.outcome == Outcome.MISSING
    draft.refresh_from_db()
    assert (draft.status, draft.assigned_to) == (CaseStatus.WITHDRAWN, None)


# --- The dashboard -------------------------------------------------------------------------------


def test_a_withdrawn_draft_is_not_a_case_for_the_dashboard():
    withdrawn_draft()
    Case.objects.create(applicant=UserFactory(role=Role.APPLICANT), track=Track.QUANTITATIVE)  # a draft
    assert not has_cases()
    client = sign_in(Client(), supervisor())
    assert "No cases yet" in client.get(reverse("ministry:dashboard")).content.decode()
    submitted_case()
    assert has_cases()


def test_sponsorships_on_withdrawn_drafts_are_not_counted_as_submitted():
    sme = OrganisationFactory(size_class=SizeClass.SME)
    today = timezone.localdate()
    SmeClaimFactory(
        organisation=sme, valid_from=today - dt.timedelta(days=30), valid_to=today + dt.timedelta(days=30)
    )
    SponsorshipFactory(organisation=sme, case=withdrawn_draft(), status=SponsorshipStatus.CONFIRMED)
    SponsorshipFactory(organisation=sme, case=submitted_case(), status=SponsorshipStatus.CONFIRMED)
    after_submission = submitted_case()
    Case.objects.filter(pk=after_submission.pk).update(status=CaseStatus.WITHDRAWN, decided_at=timezone.now())
    SponsorshipFactory(organisation=sme, case=after_submission, status=SponsorshipStatus.CONFIRMED)
    counts = {outcome.group: outcome.cases for outcome in sponsor_outcomes()}
    # Submitted, and withdrawn after submission; not the draft (nor counted as another group).
    assert counts == {"sme_sponsor": 2, "large_sponsor": 0}
