"""The case workspace: who may open it, the documents' authorising view, what the page shows (the
verified score next to the self-assessed one), taking a case, SME verification, roster confirmation
and internal notes."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from apps.accounts.roles import Role
from apps.cases.models import CaseEvent, CaseNote, CaseScore, CaseStatus, Track
from apps.organisations.models import Membership, SmeClaimStatus
from tests.factories import UserFactory
from tests.ministry import reviewer, submitted_case, supervisor
from tests.reviewers.test_workspace_support import (
    T0,
    claim_of,
    employer_member,
    ministry_client,
    plain_client,
    qualitative_case,
    row_of,
    text_of,
    url,
    workspace_url,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def assignee():
    return reviewer(full_name="Rae Viewer")


@pytest.fixture
def case(assignee):
    return qualitative_case(assigned_to=assignee)


# --- Who may open it -----------------------------------------------------------------------------


def test_reviewers_and_supervisors_open_the_workspace(case):
    for person in (reviewer(), supervisor()):
        response = ministry_client(person).get(workspace_url(case))
        assert response.status_code == 200
        assert case.reference in response.content.decode()


@pytest.mark.parametrize("who", ["applicant", "employer", "anonymous", "other_applicant"])
def test_everyone_else_gets_404_on_the_workspace_and_its_documents(case, who):
    person = {
        "applicant": case.applicant,
        "employer": employer_member(case),
        "anonymous": None,
        "other_applicant": UserFactory(role=Role.APPLICANT),
    }[who]
    client = plain_client(person)
    document = case.documents.first()
    assert client.get(workspace_url(case)).status_code == 404
    assert client.get(url("document", case, document_id=document.pk)).status_code == 404
    assert client.post(url("case_note", case), {"text": "hello"}).status_code == 404
    assert not CaseNote.objects.exists()


def test_a_reviewer_without_the_second_factor_is_sent_to_set_it_up(case):
    from tests.ministry import sign_in

    client = sign_in(plain_client(), reviewer(), two_factor=False)
    response = client.get(workspace_url(case))
    assert response.status_code == 302  # to the second factor's set-up, never the page
    assert "/ministry/" not in response["Location"].split("?")[0]


def test_an_unknown_or_draft_case_is_404():
    from tests.factories import CaseFactory

    client = ministry_client(reviewer())
    assert client.get(reverse("ministry:case", kwargs={"reference": "KTP-0000-0000"})).status_code == 404
    draft = CaseFactory()
    assert client.get(workspace_url(draft)).status_code == 404


# --- Documents -----------------------------------------------------------------------------------


def test_a_pdf_is_served_inline_typed_and_sandboxed(case):
    document = case.documents.get(kind="degree_certificate")
    response = ministry_client(reviewer()).get(url("document", case, document_id=document.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_images_are_inline_and_the_download_link_is_an_attachment(case):
    client = ministry_client(reviewer())
    for kind, content_type in (("cv", "image/png"), ("publications_list", "image/jpeg")):
        document = case.documents.get(kind=kind)
        response = client.get(url("document", case, document_id=document.pk))
        assert (response["Content-Type"], response["Content-Disposition"][:6]) == (content_type, "inline")
    download = client.get(url("document", case, document_id=document.pk) + "?download=1")
    assert download["Content-Disposition"].startswith("attachment")
    assert download["Content-Security-Policy"] == "sandbox"


def test_another_cases_document_is_404_under_this_case(case, assignee):
    other = qualitative_case(assigned_to=assignee)
    foreign = other.documents.first()
    response = ministry_client(reviewer()).get(url("document", case, document_id=foreign.pk))
    assert response.status_code == 404


def test_the_page_previews_pdfs_in_a_titled_iframe_and_images_with_alt_text(case):
    html = ministry_client(reviewer()).get(workspace_url(case)).content.decode()
    pdf = case.documents.get(kind="degree_certificate")
    png = case.documents.get(kind="cv")
    assert f'<iframe src="{url("document", case, document_id=pdf.pk)}" title="Preview of' in html
    assert f'<img src="{url("document", case, document_id=png.pk)}" alt="' in html
    assert f"{url('document', case, document_id=pdf.pk)}?download=1" in html


# --- What the page shows -------------------------------------------------------------------------


def test_the_page_shows_facts_sponsor_status_clock_and_assignee(case):
    with time_machine.travel(T0 + dt.timedelta(days=4), tick=False):
        html = ministry_client(reviewer()).get(workspace_url(case)).content.decode()
    text = text_of(html)
    assert "10 days left" in text  # the queue's wording (apps.reviewers.clock_text)
    assert "Rae Viewer" in text
    assert "Offered annual salary (KRW) 150,000,000" in text  # declared, as submitted
    assert "100,000,000" in text  # the sponsor's offer
    assert case.sponsorships.get().organisation.name in text


def test_self_assessed_points_are_shown_next_to_the_verified_ones(case):
    """Self-assessed: the applicant's own salary (3.0 x GNI: 20) and the SME claim counted (+10);
    verified: the sponsor's offer (2.0 x GNI: 12), an unverified claim (0), the sponsor's B2 ratings."""
    html = ministry_client(reviewer()).get(workspace_url(case)).content.decode()
    a3 = text_of(row_of(html, 'data-criterion="A3"'))
    assert "12 of 20" in a3
    assert "20 of 20" in a3
    assert "8 fewer than self-assessed" in a3
    assert "same as self-assessed" in text_of(row_of(html, 'data-criterion="A1"'))
    assert "10 fewer than self-assessed" in text_of(row_of(html, 'data-criterion="sme_bonus"'))
    # B2 was 0 in the self-assessment (no ratings declared) and 15 from the sponsor's ratings.
    assert "15 more than self-assessed" in text_of(row_of(html, 'data-criterion="B2"'))
    total = text_of(row_of(html, 'data-criterion="total"'))
    # verified 25 + 20 + 12 + 20 + 15 + 0 = 92; self-assessed 25 + 20 + 20 + 20 + 0 + 10 = 95
    assert "92" in total
    assert "95" in total
    assert "3 fewer than self-assessed" in total


def test_each_criterion_shows_its_evidence(case):
    html = ministry_client(reviewer()).get(workspace_url(case)).content.decode()
    degree = case.documents.get(kind="degree_certificate")
    a1 = html[html.index('data-evidence="A1"') : html.index('data-evidence="A2"')]
    assert "Doctorate" in a1
    assert url("document", case, document_id=degree.pk) in a1
    assert "University&#x27;s rank" in a1 or "University's rank" in a1  # the catalogue's label


def test_take_this_case_assigns_a_submitted_unassigned_case():
    case = submitted_case()
    taker = reviewer()
    client = ministry_client(taker)
    assert "Take this case" in client.get(workspace_url(case)).content.decode()
    response = client.post(url("case_take", case))
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.assigned_to) == (CaseStatus.IN_REVIEW, taker)
    html = client.get(workspace_url(case)).content.decode()
    assert "Take this case" not in html
    # The timeline names who did it; the database's history lists the fields the move changed.
    timeline = text_of(row_of(html, 'data-kind="review_started"'))
    assert taker.full_name in timeline
    assert "Submitted → In review" in timeline
    history = text_of(html[html.index("Record changes") :])
    assert "first recorded state" in history
    assert f"{taker.full_name} Review started status, assigned to, assigned at" in history


def test_taking_a_case_someone_else_took_changes_nothing():
    case = submitted_case()
    first, second = reviewer(), reviewer()
    ministry_client(first).post(url("case_take", case))
    response = ministry_client(second).post(url("case_take", case), follow=True)
    assert "Someone else took this case first" in response.content.decode()
    case.refresh_from_db()
    assert case.assigned_to == first


def test_a_get_on_an_action_leads_back_to_the_page(case):
    response = ministry_client(reviewer()).get(url("case_take", case))
    assert response.status_code == 302
    assert response["Location"] == workspace_url(case)


# --- SME verification ----------------------------------------------------------------------------


def _review_claim(client, case, decision, reason="Checked the certificate against the SME registry."):
    claim = claim_of(case)
    prefix = f"claim-{claim.pk}"
    return client.post(
        url("case_sme_review", case, claim_id=claim.pk),
        {f"{prefix}-decision": decision, f"{prefix}-reason": reason},
    )


def test_verifying_the_sme_certificate_rescores_with_the_bonus(
    case, assignee, monkeypatch, django_capture_on_commit_callbacks
):
    membership = Membership.objects.get(user=employer_member(case))
    other = qualitative_case(
        assigned_to=None, status=CaseStatus.SUBMITTED, organisation_member=membership, with_claim=False
    )
    sent: list[tuple[str, list[int]]] = []
    monkeypatch.setattr(
        "apps.cases.transitions.current_app.send_task", lambda name, args: sent.append((name, args))
    )
    assert case.score.result["sme_bonus"] == 0
    client = ministry_client(assignee)
    with django_capture_on_commit_callbacks(execute=True):
        response = _review_claim(client, case, "verify")
    assert response.status_code == 302
    claim = claim_of(case)
    assert claim.status == SmeClaimStatus.VERIFIED
    assert claim.review_reason == "Checked the certificate against the SME registry."  # kept with the claim
    score = CaseScore.objects.get(case=case)
    assert score.result["sme_bonus"] == 10
    assert score.result["sme_bonus_basis"] == "verified"
    assert score.total == 92 + 10
    event = case.events.get(kind=CaseEvent.Kind.SME_VERIFIED)
    assert (event.actor, event.reason) == (assignee, "Checked the certificate against the SME registry.")
    # Every other open case sponsored by the organisation is scored again by a worker.
    assert sent == [("cases.score_case", [other.pk])]
    html = client.get(workspace_url(case)).content.decode()
    assert "The SME bonus counts for this case." in html


def test_rejecting_the_sme_certificate_needs_a_reason_and_gives_no_bonus(case, assignee):
    client = ministry_client(assignee)
    response = _review_claim(client, case, "reject", reason="  ")
    assert response.status_code == 400
    assert "Write the reason for your decision." in response.content.decode()
    assert claim_of(case).status == SmeClaimStatus.PENDING
    response = _review_claim(client, case, "reject", reason="The certificate expired before submission.")
    assert response.status_code == 302
    claim = claim_of(case)
    assert (claim.status, claim.review_reason) == (
        SmeClaimStatus.REJECTED,
        "The certificate expired before submission.",
    )
    score = CaseScore.objects.get(case=case)
    assert (score.result["sme_bonus"], score.total) == (0, 92)
    assert case.events.filter(kind=CaseEvent.Kind.SME_REJECTED).count() == 1


def test_a_certificate_not_valid_on_the_submission_date_cannot_be_acted_on(assignee):
    case = qualitative_case(assigned_to=assignee, claim_valid_from=dt.date(2026, 12, 1))
    client = ministry_client(assignee)
    html = client.get(workspace_url(case)).content.decode()
    assert "Not valid on the submission date" in html
    assert "Record the decision on the certificate" not in html
    response = _review_claim(client, case, "verify")
    assert response.status_code == 400
    assert "not valid on the case" in response.content.decode()
    assert claim_of(case).status == SmeClaimStatus.PENDING


def test_only_the_assignee_or_a_supervisor_verifies(case):
    response = _review_claim(ministry_client(reviewer()), case, "verify")
    assert response.status_code == 302
    assert claim_of(case).status == SmeClaimStatus.PENDING
    _review_claim(ministry_client(supervisor()), case, "verify")
    assert claim_of(case).status == SmeClaimStatus.VERIFIED


# --- Programme roster ----------------------------------------------------------------------------


def test_confirming_the_roster_match(assignee):
    match = {
        "status": "matched",
        "entry_id": None,
        "matched_on": ["email", "passport"],
        "programme_code": "KASA",
        "other_entry_id": None,
    }
    case = submitted_case(
        track=Track.GOVERNMENT_PROGRAMME,
        status=CaseStatus.IN_REVIEW,
        assigned_to=assignee,
        government_programme="KASA",
    )
    case.roster_match = match
    case.save()
    client = ministry_client(assignee)
    html = client.get(workspace_url(case)).content.decode()
    assert "Confirm the roster match" in html
    version = case.lock_version
    assert client.post(url("case_roster_confirm", case)).status_code == 302
    case.refresh_from_db()
    assert case.roster_confirmed_by == assignee
    assert case.roster_confirmed_at is not None
    assert case.lock_version == version + 1
    assert case.events.filter(kind=CaseEvent.Kind.ROSTER_CONFIRMED, actor=assignee).count() == 1
    again = client.post(url("case_roster_confirm", case), follow=True)
    assert "already been confirmed" in again.content.decode()
    assert case.events.filter(kind=CaseEvent.Kind.ROSTER_CONFIRMED).count() == 1
    # The timeline says what matched in words, in the reader's language (not the code "matched").
    assert "e-mail address and passport number matched" in again.content.decode()
    korean = client.get(workspace_url(case), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "이메일 주소와 여권 번호가 일치함" in korean
    assert "명단 일치 확인자" in korean  # the record-changes table names the field in Korean


# --- Internal notes ------------------------------------------------------------------------------


def test_notes_are_shown_in_the_workspace_only(case, assignee):
    client = ministry_client(assignee)
    note = "Salary evidence looks edited; compare with the payroll records."
    assert client.post(url("case_note", case), {"text": note}).status_code == 302
    assert note in client.get(workspace_url(case)).content.decode()
    applicant_page = plain_client(case.applicant).get(
        reverse("application:status", kwargs={"reference": case.reference})
    )
    assert applicant_page.status_code == 200
    assert note not in applicant_page.content.decode()
    sponsorship = case.sponsorships.get()
    employer_page = plain_client(employer_member(case)).get(
        reverse(
            "employers:sponsored_case",
            kwargs={"pk": sponsorship.organisation_id, "sponsorship_pk": sponsorship.pk},
        )
    )
    assert employer_page.status_code == 200
    assert note not in employer_page.content.decode()


def test_an_empty_note_is_refused_with_a_linked_error(case, assignee):
    response = ministry_client(assignee).post(url("case_note", case), {"text": " "})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="error-summary"' in html
    assert 'href="#id_text"' in html
    assert not CaseNote.objects.exists()


def test_the_page_renders_in_korean(case):
    response = ministry_client(reviewer()).get(workspace_url(case), HTTP_ACCEPT_LANGUAGE="ko")
    assert response.status_code == 200
    assert '<html lang="ko">' in response.content.decode()


def test_a_supervisor_reassigns_the_case_from_its_page_and_a_reviewer_cannot():
    first, second = reviewer(full_name="First Reviewer"), reviewer(full_name="Second Reviewer")
    case = qualitative_case(assigned_to=first)
    boss = ministry_client(supervisor())
    page = boss.get(workspace_url(case)).content.decode()
    assert "Reassign this case" in page
    assert "Reassign this case" not in ministry_client(first).get(workspace_url(case)).content.decode()

    response = boss.post(
        reverse("ministry:assign", kwargs={"reference": case.reference}),
        {"to": second.pk, "reason": "Balancing caseloads", "next": workspace_url(case)},
    )
    assert response.status_code == 302
    assert response.url == workspace_url(case)
    case.refresh_from_db()
    assert case.assigned_to == second
    event = case.events.get(kind="reassigned")
    assert event.data == {"from": first.pk, "to": second.pk}
    assert "Second Reviewer" in boss.get(workspace_url(case)).content.decode()
