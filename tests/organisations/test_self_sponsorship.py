"""Issue 12, part 1: no self-sponsorship, the reviewer's sponsor checks, and declining.

An applicant cannot confirm a sponsorship from an organisation they are a member of, or were one
of while their case was open (membership history is kept). The workspace shows, for the confirmed
sponsor, every reason to doubt its independence: each flag with its reason (decision 45).
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.accounts.roles import Role
from apps.cases.models import CaseEvent, SponsorshipStatus
from apps.cases.services import case_start
from apps.cases.sponsorships import sponsorship_confirm, sponsorship_decline
from apps.organisations.models import MemberRole, MembershipPeriod
from apps.organisations.selectors import public_email_domains, was_member_since
from apps.organisations.services import member_remove
from apps.reviewers.workspace.sponsor_checks import sponsor_flags
from tests.factories import (
    FULL_ANSWERS,
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    SponsorshipFactory,
    UserFactory,
)
from tests.ministry import reviewer, sign_in, submitted_case

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 9, 1, 9, tzinfo=dt.UTC)


@pytest.fixture
def organisation():
    return OrganisationFactory(name="Hanbit Display", verified=True)


@pytest.fixture
def admin(organisation):
    return MembershipFactory(
        organisation=organisation, role=MemberRole.ADMIN, user__email="hr@hanbit.co.kr"
    ).user


@pytest.fixture
def applicant_at_the_sponsors_domain():
    return UserFactory(role=Role.APPLICANT, email="ada@hanbit.co.kr")


def draft_for(applicant_at_the_sponsors_domain):
    return case_start(applicant=applicant_at_the_sponsors_domain, answers=FULL_ANSWERS, track="qualitative")


def offer(organisation, case, by):
    return SponsorshipFactory(
        organisation=organisation, case=case, created_by=by, status=SponsorshipStatus.SUBMITTED
    )


def test_a_member_cannot_confirm_their_own_organisations_sponsorship(
    organisation, admin, applicant_at_the_sponsors_domain
):
    MembershipFactory(organisation=organisation, user=applicant_at_the_sponsors_domain, role=MemberRole.STAFF)
    case = draft_for(applicant_at_the_sponsors_domain)
    sponsorship = offer(organisation, case, admin)
    with pytest.raises(PermissionDenied, match="you are, or were while this application was open, a member"):
        sponsorship_confirm(sponsorship=sponsorship, case=case, by=applicant_at_the_sponsors_domain)
    sponsorship.refresh_from_db()
    assert sponsorship.status == SponsorshipStatus.SUBMITTED


def test_leaving_the_organisation_while_the_case_is_open_does_not_help(
    organisation, admin, applicant_at_the_sponsors_domain
):
    with time_machine.travel(START, tick=False):
        membership = MembershipFactory(
            organisation=organisation, user=applicant_at_the_sponsors_domain, role=MemberRole.STAFF
        )
        MembershipPeriod.objects.create(
            organisation=organisation, user=applicant_at_the_sponsors_domain, role="staff", started_at=START
        )
        case = draft_for(applicant_at_the_sponsors_domain)
    with time_machine.travel(START + dt.timedelta(days=3), tick=False):
        member_remove(organisation=organisation, by=admin, member=membership)
        assert MembershipPeriod.objects.get(
            user=applicant_at_the_sponsors_domain
        ).ended_at == START + dt.timedelta(days=3)
        sponsorship = offer(organisation, case, admin)
        with pytest.raises(PermissionDenied):
            sponsorship_confirm(sponsorship=sponsorship, case=case, by=applicant_at_the_sponsors_domain)


def test_a_membership_that_ended_before_the_case_was_opened_does_not_count(
    organisation, admin, applicant_at_the_sponsors_domain
):
    MembershipPeriod.objects.create(
        organisation=organisation,
        user=applicant_at_the_sponsors_domain,
        role="staff",
        started_at=START - dt.timedelta(days=400),
        ended_at=START - dt.timedelta(days=30),
    )
    with time_machine.travel(START, tick=False):
        case = draft_for(applicant_at_the_sponsors_domain)
    assert not was_member_since(applicant_at_the_sponsors_domain, organisation.pk, case.created_at)
    sponsorship = offer(organisation, case, admin)
    assert (
        sponsorship_confirm(sponsorship=sponsorship, case=case, by=applicant_at_the_sponsors_domain).status
        == SponsorshipStatus.CONFIRMED
    )


def test_the_confirmation_page_says_so_before_anyone_presses_a_button(
    organisation, admin, applicant_at_the_sponsors_domain
):
    MembershipFactory(organisation=organisation, user=applicant_at_the_sponsors_domain, role=MemberRole.STAFF)
    case = draft_for(applicant_at_the_sponsors_domain)
    sponsorship = offer(organisation, case, admin)
    client = Client()
    client.force_login(applicant_at_the_sponsors_domain)
    address = reverse(
        "application:sponsorship_confirm",
        kwargs={"reference": case.reference, "sponsorship_id": sponsorship.pk},
    )
    page = client.get(address).content.decode()
    assert "You cannot confirm this sponsorship" in page
    assert "Confirm this sponsorship</button>" not in page
    response = client.post(address, follow=True)  # a hand-made POST is refused by the service
    assert "a member of it" in response.content.decode()
    sponsorship.refresh_from_db()
    assert sponsorship.status == SponsorshipStatus.SUBMITTED


# --- declining ------------------------------------------------------------------------------------


def test_the_candidate_declines_and_the_employer_is_told(
    organisation, admin, applicant_at_the_sponsors_domain, django_capture_on_commit_callbacks, monkeypatch
):
    from apps.cases import sponsorships

    sent = []
    monkeypatch.setattr(sponsorships, "enqueue_after_commit", lambda name, *args: sent.append((name, *args)))
    case = draft_for(applicant_at_the_sponsors_domain)
    sponsorship = offer(organisation, case, admin)
    declined = sponsorship_decline(
        sponsorship=sponsorship, by=applicant_at_the_sponsors_domain, reason="I accepted another offer."
    )
    assert declined.status == SponsorshipStatus.DECLINED
    assert declined.decline_reason == "I accepted another offer."
    assert declined.declined_at is not None
    assert sent == [(sponsorships.SPONSORSHIP_TASK, sponsorship.pk, SponsorshipStatus.DECLINED)]
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.SPONSORSHIP_DECLINED).exists()

    from django.core import mail

    from apps.notifications.services import notify_sponsorship_change

    mail.outbox.clear()
    notify_sponsorship_change(sponsorship.pk, SponsorshipStatus.DECLINED)
    assert [m.to for m in mail.outbox] == [[admin.email]]
    assert "Declined by the candidate" in mail.outbox[0].subject


def test_only_the_candidate_declines_and_only_a_waiting_sponsorship(
    organisation, admin, applicant_at_the_sponsors_domain
):
    case = draft_for(applicant_at_the_sponsors_domain)
    sponsorship = offer(organisation, case, admin)
    with pytest.raises(PermissionDenied):
        sponsorship_decline(sponsorship=sponsorship, by=UserFactory())
    sponsorship_decline(sponsorship=sponsorship, by=applicant_at_the_sponsors_domain)
    with pytest.raises(ValidationError, match="not waiting for your answer"):
        sponsorship_decline(sponsorship=sponsorship, by=applicant_at_the_sponsors_domain)


def test_declining_from_the_confirmation_page(organisation, admin, applicant_at_the_sponsors_domain):
    case = draft_for(applicant_at_the_sponsors_domain)
    sponsorship = offer(organisation, case, admin)
    client = Client()
    client.force_login(applicant_at_the_sponsors_domain)
    address = reverse(
        "application:sponsorship_confirm",
        kwargs={"reference": case.reference, "sponsorship_id": sponsorship.pk},
    )
    response = client.post(address, {"action": "decline", "reason": "Not for me."}, follow=True)
    assert "You declined the sponsorship from Hanbit Display." in response.content.decode()
    sponsorship.refresh_from_db()
    assert (sponsorship.status, sponsorship.decline_reason) == (SponsorshipStatus.DECLINED, "Not for me.")


# --- the reviewer's sponsor checks -------------------------------------------------------------------


def confirmed(organisation, applicant_at_the_sponsors_domain, by, **case_kwargs):
    case = submitted_case(**case_kwargs)
    case.applicant = applicant_at_the_sponsors_domain
    case.save(update_fields=["applicant"])
    sponsorship = SponsorshipFactory(
        organisation=organisation,
        case=case,
        created_by=by,
        status=SponsorshipStatus.CONFIRMED,
        confirmed_at=timezone.now(),
    )
    return case, sponsorship


def codes(flags):
    return [flag.code for flag in flags]


def test_an_independent_sponsor_raises_no_flag(organisation, admin):
    outsider = UserFactory(role=Role.APPLICANT, email="ada@kaist.ac.kr")
    case, sponsorship = confirmed(organisation, outsider, admin)
    assert sponsor_flags(case, sponsorship) == []


def test_a_shared_company_domain_is_flagged_with_who_shares_it(
    organisation, admin, applicant_at_the_sponsors_domain
):
    case, sponsorship = confirmed(organisation, applicant_at_the_sponsors_domain, admin)
    flags = sponsor_flags(case, sponsorship)
    assert codes(flags) == ["same_domain"]
    assert "hanbit.co.kr" in flags[0].reason
    assert "hr@hanbit.co.kr" in flags[0].reason


def test_a_public_webmail_domain_says_nothing(organisation):
    assert {"gmail.com", "naver.com"} <= public_email_domains()
    MembershipFactory(organisation=organisation, user__email="boss@gmail.com")
    applicant = UserFactory(role=Role.APPLICANT, email="ada@gmail.com")
    case, sponsorship = confirmed(organisation, applicant, organisation.memberships.first().user)
    assert sponsor_flags(case, sponsorship) == []


def test_a_past_membership_registration_authorship_and_invitation_are_each_flagged(organisation, admin):
    applicant = UserFactory(role=Role.APPLICANT, email="ada@kaist.ac.kr")
    MembershipPeriod.objects.create(
        organisation=organisation,
        user=applicant,
        role="admin",
        started_at=START - dt.timedelta(days=100),
        ended_at=START - dt.timedelta(days=10),
    )
    InvitationFactory(organisation=organisation, invited_by=admin, email="ADA@kaist.ac.kr")
    organisation.created_by = applicant
    organisation.verified_at = None
    organisation.save()
    case, sponsorship = confirmed(organisation, applicant, applicant)
    flags = {flag.code: flag.reason for flag in sponsor_flags(case, sponsorship)}
    assert set(flags) == {"membership", "registered", "author", "same_email", "unverified"}
    assert (
        "was a member of Hanbit Display (Administrator from 2026-05-24 to 2026-08-22)" in flags["membership"]
    )
    assert "ada@kaist.ac.kr" in flags["same_email"]


def test_the_workspace_shows_each_flag_with_its_reason(organisation, admin, applicant_at_the_sponsors_domain):
    the_reviewer = reviewer()
    case, _sponsorship = confirmed(organisation, applicant_at_the_sponsors_domain, admin)
    client = sign_in(Client(), the_reviewer)
    page = client.get(reverse("ministry:case", kwargs={"reference": case.reference})).content.decode()
    assert "Is the sponsor independent of the applicant?" in page
    assert 'data-flag="same_domain"' in page
    assert "The applicant&#x27;s e-mail domain hanbit.co.kr is also that of hr@hanbit.co.kr" in page
