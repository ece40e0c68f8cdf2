"""Shared helpers for the case workspace tests (no tests here): a qualitative case with a confirmed
SME sponsor, its documents and its score, and signed-in clients for every persona."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from apps.accounts.models import User
from apps.cases.models import Case, CaseDocument, CaseStatus, SponsorshipStatus, Track
from apps.cases.score_snapshot import case_score
from apps.cases.services import store_document
from apps.core.uploads import check_upload
from apps.organisations.models import Membership, SizeClass, SmeClaim, SmeClaimStatus
from tests.factories import (
    JPEG_BYTES,
    ONE_PAGE_PDF_BYTES,
    MembershipFactory,
    SmeClaimFactory,
    SponsorshipFactory,
    png_upload,
)
from tests.ministry import sign_in, submitted_case

SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")
T0 = dt.datetime(2026, 11, 2, 9, 0, tzinfo=SEOUL)  # a Monday, under rules version 2026-07
# 150,000,000 KRW is 3.0 times the 2024 per-capita GNI (49,955,000): the applicant's own figure.
DECLARED_SALARY = 150_000_000
# The employer's offer: 100,000,000 / 49,955,000 = 2.0 times, so A3 earns 12, not 20.
OFFERED_SALARY = 100_000_000


def ministry_client(user: User) -> Client:
    return sign_in(Client(), user)


def plain_client(user: User | None = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def workspace_url(case: Case) -> str:
    return reverse("ministry:case", kwargs={"reference": case.reference})


def url(name: str, case: Case, **kwargs: Any) -> str:
    return reverse(f"ministry:{name}", kwargs={"reference": case.reference, **kwargs})


def add_document(case: Case, kind: str, upload: SimpleUploadedFile) -> CaseDocument:
    return store_document(
        case=case, by=case.applicant, kind=kind, upload=upload, checked=check_upload(upload)
    )


def qualitative_case(
    *,
    assigned_to: User | None,
    status: str = CaseStatus.IN_REVIEW,
    submitted_at: dt.datetime = T0,
    claim_status: str = SmeClaimStatus.PENDING,
    claim_valid_from: dt.date = dt.date(2026, 1, 1),
    organisation_member: Membership | None = None,
    with_claim: bool = True,
    **facts: Any,
) -> Case:
    """A submitted qualitative-track case: confirmed SME sponsor with one SME certificate, a PDF, a
    PNG and a JPEG among its documents, and its score snapshot."""
    case = submitted_case(
        track=Track.QUALITATIVE,
        status=status,
        assigned_to=assigned_to,
        submitted_at=submitted_at,
        applicant_name="Priya Raman",
        offered_salary_krw=DECLARED_SALARY,
        sponsor_is_sme=True,
        **facts,
    )
    member = organisation_member or MembershipFactory(organisation__size_class=SizeClass.SME)
    SponsorshipFactory(
        case=case,
        organisation=member.organisation,
        status=SponsorshipStatus.CONFIRMED,
        confirmed_at=submitted_at,
        offered_salary_krw=OFFERED_SALARY,
    )
    if with_claim:
        SmeClaimFactory(organisation=member.organisation, status=claim_status, valid_from=claim_valid_from)
    degree = SimpleUploadedFile("degree.pdf", ONE_PAGE_PDF_BYTES, content_type="application/pdf")
    add_document(case, "degree_certificate", degree)  # a real page: the browser test previews it
    add_document(case, "cv", png_upload("cv.png"))
    add_document(case, "publications_list", SimpleUploadedFile("list.jpg", JPEG_BYTES))
    case_score(case_id=case.pk)
    case.refresh_from_db()
    return case


def employer_member(case: Case) -> User:
    sponsorship = case.sponsorships.get(status=SponsorshipStatus.CONFIRMED)
    return Membership.objects.filter(organisation=sponsorship.organisation).first().user  # type: ignore[union-attr]


def claim_of(case: Case) -> SmeClaim:
    sponsorship = case.sponsorships.get(status=SponsorshipStatus.CONFIRMED)
    return SmeClaim.objects.get(organisation=sponsorship.organisation)


def row_of(html: str, marker: str) -> str:
    """The table row (or block) of the page that carries ``marker`` (e.g. 'data-criterion="A3"')."""
    match = re.search(rf"<tr [^>]*{re.escape(marker)}.*?</tr>", html, re.S)
    assert match, f"no row with {marker}"
    return match.group(0)


def text_of(html: str) -> str:
    """The page's text, tags stripped and white space collapsed, for assertions on sentences."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())
