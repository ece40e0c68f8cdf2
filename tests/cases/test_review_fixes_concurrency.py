"""Lock order under real concurrency: threads with their own database connections and committed data
(transactional tests), each paused at a chosen point so the interleaving is the one that used to go
wrong, not one left to chance.

- A sponsorship withdrawn while its case is being submitted: the withdrawal takes the case's lock
  first (as the submission does), so one of the two waits for the other and sees its result.
- Two reviewers verifying one SME certificate from two cases of the same sponsor: the claim is
  locked first, then the cases in key order, so they queue instead of deadlocking.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection

from apps.accounts.roles import Role
from apps.cases import reviewer_findings
from apps.cases import services as case_services
from apps.cases import sponsorships as sponsorship_services
from apps.cases.models import Case, CaseStatus, SponsorshipStatus
from apps.cases.reviewer_findings import case_sme_verify
from apps.cases.services import CaseIncomplete, case_start, case_submit, document_add
from apps.cases.sponsorships import (
    sponsorship_confirm,
    sponsorship_create,
    sponsorship_submit,
    sponsorship_withdraw,
)
from apps.organisations.models import Membership, SizeClass, SmeClaimStatus
from tests.cases.test_sponsorships_and_scoring import QUALITATIVE_DOCUMENTS, SPONSORSHIP
from tests.factories import FULL_ANSWERS, MembershipFactory, UserFactory, pdf_upload
from tests.ministry import reviewer
from tests.reviewers.test_workspace_support import claim_of, employer_member, qualitative_case

pytestmark = pytest.mark.django_db(transaction=True)
# Long enough for a thread that is not blocked to finish its work; a blocked one is still waiting.
SETTLE = 1.0


@pytest.fixture(autouse=True)
def no_broker(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, list[Any]]]:
    """Tasks enqueued after these commits are recorded, not left on the test broker."""
    sent: list[tuple[str, list[Any]]] = []
    monkeypatch.setattr(
        "apps.cases.transitions.current_app.send_task", lambda name, args: sent.append((name, args))
    )
    return sent


class Worker(threading.Thread):
    """``call`` in its own thread and database connection; its result or exception is kept."""

    def __init__(self, call: Callable[[], Any], name: str) -> None:
        super().__init__(name=name, daemon=True)
        self.call = call
        self.result: Any = None
        self.error: BaseException | None = None
        self.done = threading.Event()

    def run(self) -> None:
        try:
            self.result = self.call()
        except BaseException as exc:
            self.error = exc
        finally:
            connection.close()
            self.done.set()


def pause_in(
    monkeypatch: pytest.MonkeyPatch, module: Any, name: str, thread_name: str
) -> tuple[threading.Event, threading.Event]:
    """Wrap ``module.name`` so that, in the thread called ``thread_name``, it signals ``reached``
    and waits for ``release`` before running (the transaction around it keeps its locks)."""
    reached, release = threading.Event(), threading.Event()
    real = getattr(module, name)

    def paused(*args: Any, **kwargs: Any) -> Any:
        if threading.current_thread().name == thread_name:
            reached.set()
            assert release.wait(timeout=30), "never released"
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, paused)
    return reached, release


# --- 3. Withdrawing a sponsorship while the case is submitted --------------------------------------


@pytest.fixture
def sponsored_draft() -> tuple[Case, Any, Membership]:
    """A complete qualitative draft with a confirmed sponsorship: ready to submit."""
    applicant = UserFactory(role=Role.APPLICANT, email="priya@example.org")
    member = MembershipFactory(organisation__size_class=SizeClass.SME)
    case = case_start(applicant=applicant, answers=FULL_ANSWERS, track="qualitative")
    for kind in QUALITATIVE_DOCUMENTS:
        document_add(case=case, by=applicant, kind=kind, upload=pdf_upload())
    data = {**SPONSORSHIP, "candidate_email": applicant.email}
    sponsorship = sponsorship_create(organisation=member.organisation, by=member.user, data=data)
    sponsorship = sponsorship_submit(sponsorship=sponsorship, by=member.user, case_reference=case.reference)
    sponsorship = sponsorship_confirm(sponsorship=sponsorship, case=case, by=applicant)
    return case, sponsorship, member


def test_a_withdrawal_during_a_submission_waits_for_it_and_is_refused(sponsored_draft, monkeypatch):
    case, sponsorship, member = sponsored_draft
    # The submission has locked the case and found the confirmed sponsorship; it has not committed.
    checked, release = pause_in(monkeypatch, case_services, "index_fields", "submit")
    submit = Worker(lambda: case_submit(case=case, by=case.applicant), "submit")
    withdraw = Worker(lambda: sponsorship_withdraw(sponsorship=sponsorship, by=member.user), "withdraw")
    submit.start()
    assert checked.wait(timeout=30)
    withdraw.start()
    finished_early = withdraw.done.wait(timeout=SETTLE)  # it must wait for the case's lock
    release.set()
    submit.join(timeout=30)
    withdraw.join(timeout=30)

    assert not finished_early
    assert submit.error is None
    assert isinstance(withdraw.error, ValidationError)
    assert "The application has been submitted with this sponsorship" in str(withdraw.error)
    case.refresh_from_db()
    sponsorship.refresh_from_db()
    assert (case.status, sponsorship.status) == (CaseStatus.SUBMITTED, SponsorshipStatus.CONFIRMED)


def test_a_submission_during_a_withdrawal_waits_for_it_and_finds_the_sponsorship_gone(
    sponsored_draft, monkeypatch
):
    case, sponsorship, member = sponsored_draft
    # The withdrawal has checked the case (a draft) and is about to commit.
    checked, release = pause_in(monkeypatch, sponsorship_services, "_changed", "withdraw")
    withdraw = Worker(lambda: sponsorship_withdraw(sponsorship=sponsorship, by=member.user), "withdraw")
    submit = Worker(lambda: case_submit(case=case, by=case.applicant), "submit")
    withdraw.start()
    assert checked.wait(timeout=30)
    submit.start()
    finished_early = submit.done.wait(timeout=SETTLE)  # it must wait for the case's lock
    release.set()
    withdraw.join(timeout=30)
    submit.join(timeout=30)

    assert not finished_early
    assert withdraw.error is None
    assert isinstance(submit.error, CaseIncomplete)
    case.refresh_from_db()
    sponsorship.refresh_from_db()
    assert (case.status, sponsorship.status) == (CaseStatus.DRAFT, SponsorshipStatus.WITHDRAWN)


def test_a_withdrawal_on_a_case_submitted_meanwhile_is_refused_with_a_clear_error(sponsored_draft):
    case, sponsorship, member = sponsored_draft
    stale = sponsorship_services.Sponsorship.objects.select_related("case", "organisation").get(
        pk=sponsorship.pk
    )
    assert stale.case.status == CaseStatus.DRAFT  # what the employer's page showed
    case_submit(case=case, by=case.applicant)
    with pytest.raises(ValidationError, match="contact the ministry to change it"):
        sponsorship_withdraw(sponsorship=stale, by=member.user)
    sponsorship.refresh_from_db()
    assert sponsorship.status == SponsorshipStatus.CONFIRMED


# --- 4. Two reviewers verifying one SME certificate from two cases ---------------------------------


def test_two_reviewers_verifying_one_certificate_from_two_cases_do_not_deadlock(monkeypatch):
    first_reviewer, second_reviewer = reviewer(), reviewer()
    first = qualitative_case(assigned_to=first_reviewer)
    membership = Membership.objects.get(user=employer_member(first))
    second = qualitative_case(assigned_to=second_reviewer, organisation_member=membership, with_claim=False)
    claim = claim_of(first)
    assert claim_of(second) == claim
    assert claim.status == SmeClaimStatus.PENDING

    # The first reviewer has taken their locks and written the claim's verdict, not yet committed;
    # the second then starts on the other case. Before the fix the first held case A and the claim
    # and waited for case B, which the second held while waiting for the claim: a deadlock.
    in_event, go_on = pause_in(monkeypatch, reviewer_findings, "record_event", "first")
    reason = "Checked the certificate against the SME registry."
    one = Worker(lambda: case_sme_verify(case=first, claim=claim, by=first_reviewer, reason=reason), "first")
    two = Worker(
        lambda: case_sme_verify(case=second, claim=claim, by=second_reviewer, reason=reason), "second"
    )
    one.start()
    assert in_event.wait(timeout=30)
    two.start()
    time.sleep(SETTLE)  # the second reaches whatever lock it has to wait for
    go_on.set()
    one.join(timeout=30)
    two.join(timeout=30)

    assert not isinstance(one.error, DatabaseError), one.error
    assert not isinstance(two.error, DatabaseError), two.error
    assert one.error is None
    assert isinstance(two.error, ValidationError)
    assert "Only a claim waiting for verification can be verified or rejected." in str(two.error)
    claim.refresh_from_db()
    assert (claim.status, claim.reviewed_by) == (SmeClaimStatus.VERIFIED, first_reviewer)
