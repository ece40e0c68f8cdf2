"""Who may open every /apply/ URL. Personas: applicant A (owns the case), applicant B, a member of the
employer sponsoring A, a programme officer, and an anonymous visitor.

A's case is A's alone: everyone else gets 404 (the case's existence is never revealed), anonymous
visitors are sent to log in, and no refused request changes anything.
"""

import pytest
from django.test import Client

from apps.accounts.roles import Role
from apps.cases.models import CaseDocument, CaseStatus, SponsorshipStatus
from apps.cases.services import case_start
from apps.programmes.services import programme_officer_appoint
from apps.rubric.models import GovernmentProgramme
from tests.factories import (
    ApplicantProfileFactory,
    MembershipFactory,
    SponsorshipFactory,
    UserFactory,
    pdf_upload,
    upload_documents,
)

pytestmark = pytest.mark.django_db

PERSONAS = ("owner", "other_applicant", "employer", "programme_officer", "anonymous")
OUTSIDERS = ("other_applicant", "employer", "programme_officer")


@pytest.fixture
def world():
    owner = UserFactory(role=Role.APPLICANT, email="a@example.org")
    ApplicantProfileFactory(user=owner)
    other = UserFactory(role=Role.APPLICANT, email="b@example.org")
    ApplicantProfileFactory(user=other)
    case = case_start(applicant=owner, track="qualitative")
    upload_documents(case, owner, ("cv",))
    sponsorship = SponsorshipFactory(candidate_email=owner.email)
    employer = MembershipFactory(organisation=sponsorship.organisation).user  # A's own sponsor
    officer = UserFactory()
    programme_officer_appoint(user=officer, programme=GovernmentProgramme.objects.get(code="KASA"))
    users = {"owner": owner, "other_applicant": other, "employer": employer, "programme_officer": officer}
    return {"case": case, "document": case.documents.get(), "sponsorship": sponsorship, "users": users}


def client_for(world, persona):
    client = Client()
    if persona != "anonymous":
        client.force_login(world["users"][persona])
    return client


def case_urls(world):
    ref, doc, sponsorship = world["case"].reference, world["document"].pk, world["sponsorship"].pk
    return {
        f"/apply/{ref}/": 302,  # to the first step not done
        f"/apply/{ref}/profile/": 200,
        f"/apply/{ref}/track/": 200,
        f"/apply/{ref}/documents/": 200,
        f"/apply/{ref}/sponsorship/": 200,
        f"/apply/{ref}/review/": 200,
        f"/apply/{ref}/submit/": 200,
        f"/apply/{ref}/status/": 200,
        f"/apply/{ref}/withdraw/": 200,
        f"/apply/{ref}/documents/{doc}/remove/": 200,
        f"/apply/{ref}/documents/{doc}/download/": 200,
        f"/apply/{ref}/sponsorship/{sponsorship}/confirm/": 200,
    }


OWN_PAGES = ("/apply/", "/apply/start/", "/apply/profile/")


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_case_page(world, persona):
    client = client_for(world, persona)
    for url, owner_status in case_urls(world).items():
        response = client.get(url)
        if persona == "owner":
            assert response.status_code == owner_status, url
        elif persona == "anonymous":
            assert response.status_code == 302, url
            assert response.url.startswith("/accounts/login/?next="), url
        else:
            assert response.status_code == 404, (persona, url)


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persons_own_pages(world, persona):
    client = client_for(world, persona)
    for url in OWN_PAGES:
        response = client.get(url)
        if persona == "anonymous":
            assert response.status_code == 302
            assert response.url.startswith("/accounts/login/?next=")
        elif persona == "owner" and url == "/apply/start/":
            # One open application at a time: starting another leads to the open one.
            assert response.status_code == 302
            assert world["case"].reference in response.url
        else:
            assert response.status_code == 200, (persona, url)
            if persona != "owner":
                assert world["case"].reference not in response.content.decode()
    if persona == "owner":
        assert world["case"].reference in client.get("/apply/").content.decode()


@pytest.mark.parametrize("persona", [*OUTSIDERS, "anonymous"])
def test_no_outsider_can_change_the_case(world, persona):
    client = client_for(world, persona)
    case, document, sponsorship = world["case"], world["document"], world["sponsorship"]
    ref = case.reference
    posts = {
        f"/apply/{ref}/profile/": {"action": "continue"},
        f"/apply/{ref}/track/": {"track": "quantitative", "action": "continue"},
        f"/apply/{ref}/documents/cv/upload/": {"file": pdf_upload("intruder.pdf")},
        f"/apply/{ref}/documents/cv/upload/?replace": {
            "file": pdf_upload("intruder.pdf"),
            "replace": document.pk,
        },
        f"/apply/{ref}/documents/{document.pk}/remove/": {},
        f"/apply/{ref}/sponsorship/{sponsorship.pk}/confirm/": {},
        f"/apply/{ref}/submit/": {"confirm": "on"},
        f"/apply/{ref}/withdraw/": {"reason": "not mine"},
        f"/apply/{ref}/respond/": {"text": "not mine"},
    }
    for url, data in posts.items():
        response = client.post(url, data)
        expected = 302 if persona == "anonymous" else 404
        assert response.status_code == expected, (persona, url)
    case.refresh_from_db()
    sponsorship.refresh_from_db()
    assert case.status == CaseStatus.DRAFT
    assert case.track == "qualitative"
    assert list(CaseDocument.objects.values_list("pk", flat=True)) == [document.pk]
    assert sponsorship.status == SponsorshipStatus.SUBMITTED


def test_a_reference_in_another_case_is_not_found_even_in_lower_case(world):
    client = client_for(world, "other_applicant")
    assert client.get(f"/apply/{world['case'].reference.lower()}/status/").status_code == 404
    owner = client_for(world, "owner")
    assert owner.get(f"/apply/{world['case'].reference.lower()}/status/").status_code == 200
    assert owner.get("/apply/KTP-0000-0000/status/").status_code == 404
