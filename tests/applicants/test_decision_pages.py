"""The decision pages (issue 12 part 4): the letter download and the review request belong to the
applicant alone (everyone else 404, anonymous visitors to sign in, nothing changed by a refused
POST); the public verification page needs no sign-in, tells only genuine / replaced / withdrawn /
no match, and is throttled; the status page offers the letter or the review; the workspace's
after-decision panel lets a supervisor decide the review."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client

from apps.accounts.roles import Role
from apps.cases.decision_review import review_request
from apps.cases.letters import code_of, current_letter, letter_reissue, letter_withdraw
from apps.cases.models import CaseStatus, ReviewRequest
from tests.cases.decided import SEOUL, decided_case
from tests.factories import MembershipFactory, SponsorshipFactory, UserFactory, pdf_upload
from tests.ministry import reviewer, sign_in, supervisor

pytestmark = pytest.mark.django_db

DECIDED = dt.datetime(2026, 11, 10, 15, 30, tzinfo=SEOUL)
SOON_AFTER = dt.datetime(2026, 11, 12, 10, 0, tzinfo=SEOUL)
PERSONAS = ("owner", "other_applicant", "employer", "reviewer", "supervisor", "anonymous")


def personas(case) -> dict[str, Client]:
    sponsorship = SponsorshipFactory(candidate_email=case.applicant.email, case=case, status="confirmed")
    users = {
        "owner": case.applicant,
        "other_applicant": UserFactory(role=Role.APPLICANT),
        "employer": MembershipFactory(organisation=sponsorship.organisation).user,
    }
    clients = {}
    for name, user in users.items():
        clients[name] = Client()
        clients[name].force_login(user)
    clients["reviewer"] = sign_in(Client(), reviewer())
    clients["supervisor"] = sign_in(Client(), supervisor())
    clients["anonymous"] = Client()
    return clients


def expect(persona: str, response, owner_status: int) -> None:
    if persona == "owner":
        assert response.status_code == owner_status, response.content[:500]
    elif persona == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/?next=")
    else:
        assert response.status_code == 404, (persona, response.status_code)


# --- The permission matrix -----------------------------------------------------------------------


@time_machine.travel(SOON_AFTER, tick=False)
def test_the_letter_is_the_approved_applicants_alone():
    case = decided_case(approve=True, at=DECIDED)
    for persona, client in personas(case).items():
        response = client.get(f"/apply/{case.reference}/letter/")
        expect(persona, response, 200)
        if persona == "owner":
            assert response["Content-Type"] == "application/pdf"
            assert f'filename="k-tech-pass-decision-{case.reference}.pdf"' in response["Content-Disposition"]
            assert response.content.startswith(b"%PDF-")


@time_machine.travel(SOON_AFTER, tick=False)
def test_the_review_request_is_the_rejected_applicants_alone():
    case = decided_case(approve=False, at=DECIDED)
    url = f"/apply/{case.reference}/review-request/"
    for persona, client in personas(case).items():
        expect(persona, client.get(url), 200)
        if persona != "owner":
            expect(persona, client.post(url, {"grounds": "Let me in."}), 200)
    case.refresh_from_db()
    assert case.status == CaseStatus.REJECTED
    assert not ReviewRequest.objects.exists()


@time_machine.travel(SOON_AFTER, tick=False)
def test_there_is_no_letter_for_a_rejection_nor_a_review_for_an_approval():
    rejected = decided_case(approve=False, at=DECIDED)
    approved = decided_case(approve=True, at=DECIDED)
    assert personas(rejected)["owner"].get(f"/apply/{rejected.reference}/letter/").status_code == 404
    owner = Client()
    owner.force_login(approved.applicant)
    response = owner.get(f"/apply/{approved.reference}/review-request/")
    assert response.status_code == 302
    assert response.url == f"/apply/{approved.reference}/status/"


@pytest.mark.parametrize("persona", PERSONAS)
def test_anyone_may_open_the_verification_page(persona):
    case = decided_case(approve=True, at=DECIDED)
    response = personas(case)[persona].get("/letters/verify/")
    assert response.status_code == 200
    assert "Check a K-Tech Pass decision letter" in response.content.decode()


# --- Asking for a review -------------------------------------------------------------------------


@time_machine.travel(SOON_AFTER, tick=False)
def test_the_status_page_offers_a_review_until_the_last_day_and_the_request_goes_through():
    case = decided_case(approve=False, at=DECIDED)
    client = Client()
    client.force_login(case.applicant)
    page = client.get(f"/apply/{case.reference}/status/").content.decode()
    assert "within 30 days of the decision, until 10 December 2026" in page
    assert f"/apply/{case.reference}/review-request/" in page

    refused = client.post(f"/apply/{case.reference}/review-request/", {"grounds": "  "})
    assert refused.status_code == 400
    assert "Write why the decision should be reviewed." in refused.content.decode()
    assert not ReviewRequest.objects.exists()

    sent = client.post(
        f"/apply/{case.reference}/review-request/",
        {"grounds": "The transcript shows a doctorate.", "attachments": [pdf_upload("transcript.pdf")]},
    )
    assert sent.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.REVIEW_REQUESTED
    page = client.get(sent.url).content.decode()
    assert "Your request for a review" in page
    assert "Sent 12 November 2026, 10:00 KST." in page
    assert "Withdraw this application" not in page


def test_after_the_last_day_the_status_page_says_the_period_ended():
    case = decided_case(approve=False, at=DECIDED)
    client = Client()
    with time_machine.travel(dt.datetime(2026, 12, 11, 0, 0, tzinfo=SEOUL), tick=False):
        client.force_login(case.applicant)  # signed in now (an idle session ends)
        page = client.get(f"/apply/{case.reference}/status/").content.decode()
        assert "The period to ask for a review of this decision ended on 10 December 2026." in page
        response = client.post(f"/apply/{case.reference}/review-request/", {"grounds": "Late."})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.REJECTED


@time_machine.travel(SOON_AFTER, tick=False)
def test_the_approved_status_page_offers_the_letter_in_korean_too():
    case = decided_case(approve=True, at=DECIDED)
    client = Client()
    client.force_login(case.applicant)
    page = client.get(f"/apply/{case.reference}/status/").content.decode()
    assert f"/apply/{case.reference}/letter/" in page
    assert "Download the decision letter (PDF)" in page
    client.cookies["ktp_language"] = "ko"
    page = client.get(f"/apply/{case.reference}/status/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "결정 서한" in page
    assert "2026년 11월 10일" in page


# --- The public check ----------------------------------------------------------------------------


def check(client: Client, reference: str, code: str, address: str = "10.0.0.1"):
    return client.post("/letters/verify/", {"reference": reference, "code": code}, REMOTE_ADDR=address)


def verdict(response) -> str:
    found = re.search(r'data-verdict="([a-z_]+)"', response.content.decode())
    return found.group(1) if found else ""


def test_the_check_says_genuine_replaced_withdrawn_or_no_match_and_nothing_more():
    case = decided_case(approve=True, at=DECIDED)
    letter = current_letter(case)
    client = Client()
    genuine = check(client, case.reference.lower(), code_of(letter).replace("-", " "))
    page = genuine.content.decode()
    assert (genuine.status_code, verdict(genuine)) == (200, "genuine")
    assert "the application was approved on 10 November 2026, and the letter is current" in page
    assert "Ada Lovelace" not in page
    assert str(letter.score_total) + " points" not in page

    assert verdict(check(client, case.reference, "AAAA-BBBB-CCCC-DDDD")) == "no_match"
    assert verdict(check(client, "KTP-0000-0000", code_of(letter))) == "no_match"

    new = letter_reissue(case=case, by=supervisor())
    assert verdict(check(client, case.reference, code_of(letter))) == "superseded"
    letter_withdraw(letter=new, by=supervisor(), reason="Issued in error.")
    assert verdict(check(client, case.reference, code_of(new))) == "withdrawn"


def test_an_empty_check_is_answered_with_what_is_missing():
    response = Client().post("/letters/verify/", {"reference": "", "code": ""})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Enter the case reference printed on the letter." in page
    assert "Enter the verification code printed on the letter." in page


def test_checks_are_throttled_per_address():
    case = decided_case(approve=True, at=DECIDED)
    code = code_of(current_letter(case))
    client = Client()
    for _ in range(10):
        assert check(client, case.reference, code).status_code == 200
    throttled = check(client, case.reference, code)
    assert throttled.status_code == 429
    assert "Too many checks" in throttled.content.decode()
    assert verdict(throttled) == ""  # not even the right code is checked
    assert check(client, case.reference, code, address="10.0.0.2").status_code == 200


def test_wrong_codes_for_one_reference_are_throttled_from_every_address():
    case = decided_case(approve=True, at=DECIDED)
    code = code_of(current_letter(case))
    client = Client()
    for attempt in range(20):
        assert (
            verdict(check(client, case.reference, f"AAAA-BBBB-CCCC-{attempt:04d}", f"10.1.0.{attempt}"))
            == "no_match"
        )
    assert check(client, case.reference, code, "10.2.0.1").status_code == 429
    other = decided_case(approve=True, at=DECIDED)
    assert verdict(check(client, other.reference, code_of(current_letter(other)), "10.2.0.1")) == "genuine"


# --- The workspace's after-decision panel --------------------------------------------------------


@time_machine.travel(SOON_AFTER, tick=False)
def test_a_supervisor_decides_the_review_in_the_workspace_and_a_refusal_keeps_the_text():
    case = decided_case(approve=False, at=DECIDED)
    review_request(case=case, by=case.applicant, grounds="The transcript shows a doctorate.")
    case.refresh_from_db()
    boss = sign_in(Client(), supervisor())
    page = boss.get(f"/ministry/cases/{case.reference}/").content.decode()
    assert "Request for a review of the rejection" in page
    assert "The transcript shows a doctorate." in page
    assert "Review clock: 14 days left" in page
    assert "Decide the review" in page

    helper = sign_in(Client(), reviewer())
    page = helper.get(f"/ministry/cases/{case.reference}/").content.decode()
    assert "Request for a review of the rejection" in page
    assert "Decide the review</button>" not in page

    url = f"/ministry/cases/{case.reference}/review/"
    refused = boss.post(url, {"explanation": "Kept text.", "lock_version": case.lock_version})
    assert refused.status_code == 400
    assert "Choose to uphold or to overturn the rejection." in refused.content.decode()
    assert "Kept text." in refused.content.decode()

    done = boss.post(
        url, {"outcome": "upheld", "explanation": "Bachelor's only.", "lock_version": case.lock_version}
    )
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.REJECTED
    assert ReviewRequest.objects.get(case=case).outcome == "upheld"


@time_machine.travel(SOON_AFTER, tick=False)
def test_supervisors_find_the_reviews_waiting_the_earliest_due_first():
    first = decided_case(approve=False, at=DECIDED)
    second = decided_case(approve=False, at=DECIDED)
    decided_case(approve=False, at=DECIDED)  # no review asked
    with time_machine.travel(SOON_AFTER - dt.timedelta(hours=1), tick=False):
        review_request(case=second, by=second.applicant, grounds="Earlier.")
    review_request(case=first, by=first.applicant, grounds="Later.")
    page = sign_in(Client(), supervisor()).get("/ministry/reviews/").content.decode()
    listed = re.findall(r'data-review-case="([A-Z0-9-]+)"', page)
    assert listed == [second.reference, first.reference]
    assert "14 days left" in page
    assert sign_in(Client(), reviewer()).get("/ministry/reviews/").status_code == 404
