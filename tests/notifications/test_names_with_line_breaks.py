"""A carriage return or line feed in an organisation's or a candidate's name (issue 13).

Django refuses a line break in any header, so a sponsorship e-mail whose subject carried such a
name was never delivered. Names are now stored on one line by the forms and services that save
them, and every subject is made one line where messages are sent (for rows already stored).
"""

from __future__ import annotations

import pytest
from django.core import mail

from apps.applicants.application.forms import ProfileForm
from apps.cases.sponsorships import sponsorship_create, sponsorship_update
from apps.employers.forms import OrganisationRegisterForm, SponsorshipForm
from apps.notifications import services
from apps.notifications.models import Notification
from apps.organisations.models import Organisation, SizeClass
from apps.organisations.services import organisation_register
from apps.programmes.forms import RosterEntryForm
from apps.programmes.services import roster_import
from tests.factories import MembershipFactory, SponsorshipFactory, UserFactory
from tests.programmes.factories import programme

pytestmark = pytest.mark.django_db

HOSTILE = "Evil Corp\r\nBcc: everyone@example.org"
CLEAN = "Evil Corp Bcc: everyone@example.org"


def assert_one_line(subject: str) -> None:
    assert "\r" not in subject
    assert "\n" not in subject
    assert "  " not in subject


# --- E-mails carrying a name stored before the fix still go out ------------------------------


def test_an_organisation_name_with_a_line_break_does_not_stop_the_candidates_e_mail():
    member = MembershipFactory()
    Organisation.objects.filter(pk=member.organisation_id).update(name=HOSTILE)  # stored as it was
    sponsorship = SponsorshipFactory(organisation=member.organisation, candidate_email="cand@example.org")
    services.notify_sponsorship_change(sponsorship.pk, "submitted")
    sent = {tuple(message.to): message for message in mail.outbox}
    assert set(sent) == {(member.user.email,), ("cand@example.org",)}
    message = sent[("cand@example.org",)]
    assert message.subject == f"{CLEAN} offers to sponsor your K-Tech Pass application"
    assert_one_line(message.subject)
    assert message.message()["Bcc"] is None  # the name did not become a header
    assert "everyone@example.org" not in message.recipients()
    assert Notification.objects.filter(sent_at__isnull=True).count() == 0


def test_a_candidate_name_with_a_line_break_does_not_stop_the_employers_e_mail():
    member = MembershipFactory()
    sponsorship = SponsorshipFactory(organisation=member.organisation, candidate_name="Kim\r\nMinjun")
    services.notify_sponsorship_change(sponsorship.pk, "submitted")
    subjects = [message.subject for message in mail.outbox if message.to == [member.user.email]]
    assert subjects == ["Sponsorship of Kim Minjun: Submitted to the candidate"]
    assert Notification.objects.filter(sent_at__isnull=True).count() == 0


def test_a_message_recorded_with_a_multi_line_subject_is_sent_on_one_line():
    row = Notification.objects.create(
        dedupe_key="legacy:1",
        email="someone@example.org",
        language="en",
        subject="Line one\r\nLine two",
        body="x",
    )
    assert services.deliver(row.pk) is True
    assert [message.subject for message in mail.outbox] == ["Line one Line two"]


def test_a_subject_longer_than_its_column_is_cut_not_lost():
    subject = services.subject_line("Sponsorship of " + "가" * 300)
    assert len(subject) == 255
    assert subject.endswith("가…")


# --- Names are stored on one line --------------------------------------------------------------


def test_registering_an_organisation_stores_its_name_on_one_line():
    organisation = organisation_register(
        user=UserFactory(),
        name=HOSTILE,
        business_registration_number="124-81-00998",
        sector="Semi\tconductors\x00",
        size_class=SizeClass.SME,
    )
    organisation.refresh_from_db()
    assert (organisation.name, organisation.sector) == (CLEAN, "Semi conductors")


def test_the_registration_form_cleans_the_name():
    form = OrganisationRegisterForm(
        data={
            "name": " Hanbit\u2028Semiconductor\r\n",
            "business_registration_number": "124-81-00998",
            "sector": "Semiconductors",
            "size_class": SizeClass.SME,
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["name"] == "Hanbit Semiconductor"


def test_a_name_of_nothing_but_line_breaks_is_still_required():
    form = OrganisationRegisterForm(data={"name": "\r\n\r\n", "sector": "x"})
    assert not form.is_valid()
    assert form.errors["name"] == ["Enter the organisation's name."]


SPONSORSHIP = {
    "candidate_email": "cand@example.org",
    "candidate_name": "Kim\r\nMinjun",
    "job_title": "Lead\nengineer",
    "field": "ai",
    "offered_salary_krw": 120_000_000,
    "core_technology_role": 4,
    "core_technology_basis": "Core team",
    "transfer_plan": 3,
    "transfer_plan_text": "Mentoring\nand training",
}


def test_the_sponsorship_services_store_the_candidates_name_on_one_line():
    member = MembershipFactory()
    sponsorship = sponsorship_create(organisation=member.organisation, by=member.user, data=SPONSORSHIP)
    sponsorship.refresh_from_db()
    assert (sponsorship.candidate_name, sponsorship.job_title) == ("Kim Minjun", "Lead engineer")
    assert sponsorship.transfer_plan_text == "Mentoring\nand training"  # free text keeps its lines
    sponsorship_update(sponsorship=sponsorship, by=member.user, data={"candidate_name": "Lee\rSeoyeon"})
    sponsorship.refresh_from_db()
    assert sponsorship.candidate_name == "Lee Seoyeon"


def test_the_sponsorship_form_cleans_the_candidates_name():
    form = SponsorshipForm(data={**SPONSORSHIP, "recruiting_months": 0})
    form.is_valid()
    assert form.cleaned_data["candidate_name"] == "Kim Minjun"
    assert form.cleaned_data["job_title"] == "Lead engineer"


def test_the_profile_form_cleans_the_applicants_name():
    form = ProfileForm(data={"full_name": "Ana\r\nSouza", "nationality": "Brazil\n"})
    form.is_valid()
    assert (form.cleaned_data["full_name"], form.cleaned_data["nationality"]) == ("Ana Souza", "Brazil")


def test_roster_names_are_stored_on_one_line_from_the_form_and_from_a_file():
    form = RosterEntryForm(
        data={
            "full_name": "Ana\r\nSouza",
            "email": "ana@example.org",
            "passport_number": "FX1234567",
            "position": "Research\nfellow",
        }
    )
    form.is_valid()
    assert (form.cleaned_data["full_name"], form.cleaned_data["position"]) == ("Ana Souza", "Research fellow")
    officer = UserFactory()
    report = roster_import(
        programme=programme("KASA"),
        text='full_name,email,passport_number\n"Bo\r\nKim",bo@example.org,FX7654321\n',
        by=officer,
    )
    assert report.ok, report.errors
    assert programme("KASA").roster_entries.get().full_name == "Bo Kim"
