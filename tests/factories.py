"""factory-boy factories shared by every test package. Personas are built from these in conftest."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.accounts.services import user_grant_role
from apps.cases.models import Case, Sponsorship, SponsorshipStatus
from apps.organisations.brn import brn_check_digit
from apps.organisations.models import (
    MemberRole,
    Membership,
    Organisation,
    OwnershipClaim,
    OwnershipClaimKind,
    OwnershipClaimStatus,
    SizeClass,
    SmeClaim,
    SmeClaimStatus,
)

# The smallest well-formed files of each accepted type, for upload tests.
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082"
)
JPEG_BYTES = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffd9")
ELF_BYTES = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56


def _one_page_pdf(text: bytes) -> bytes:
    """A valid one-page PDF with a line of text (cross-reference table included), for the pages
    that show a document: a browser's PDF viewer refuses PDF_BYTES, which has no pages."""
    content = b"BT /F1 24 Tf 30 70 Td (" + text + b") Tj ET"
    bodies = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 144] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(bodies, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    table = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(bodies) + 1, table)
    return bytes(out)


ONE_PAGE_PDF_BYTES = _one_page_pdf(b"Degree certificate")


def pdf_upload(name: str = "document.pdf", size: int | None = None) -> SimpleUploadedFile:
    body = PDF_BYTES if size is None else PDF_BYTES + b"0" * (size - len(PDF_BYTES))
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def png_upload(name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG_BYTES, content_type="image/png")


def valid_brn(seed: int) -> str:
    first_nine = f"{(seed * 7919) % 10**9:09d}"
    return f"{first_nine}{brn_check_digit(first_nine)}"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", "a-long-test-password")

    @factory.post_generation
    def role(self, create: bool, extracted: Role | None, **kwargs: Any) -> None:
        if create and extracted:
            user_grant_role(user=self, role=extracted)
        if create:
            self.save()
            from allauth.account.models import EmailAddress

            EmailAddress.objects.get_or_create(
                user=self, email=self.email, defaults={"verified": True, "primary": True}
            )


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Example Technologies {n}")
    business_registration_number = factory.Sequence(valid_brn)
    sector = "Semiconductors"
    size_class = SizeClass.SME

    class Params:
        # A new organisation is unverified (decision 44); ``verified=True`` is one whose business
        # registration certificate a reviewer has checked, so its sponsorships can be sent.
        verified = factory.Trait(verified_at=factory.LazyFunction(lambda: dt.datetime.now(dt.UTC)))


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    # The organisations members act for in tests sponsor candidates: verified ones.
    organisation = factory.SubFactory(OrganisationFactory, verified=True)
    user = factory.SubFactory(UserFactory, role=Role.EMPLOYER)
    role = MemberRole.ADMIN


class SmeClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SmeClaim

    organisation = factory.SubFactory(OrganisationFactory)
    certificate = factory.django.FileField(filename="certificate.pdf", data=PDF_BYTES)
    certificate_name = "certificate.pdf"
    certificate_content_type = "application/pdf"
    certificate_extension = ".pdf"
    certificate_size = len(PDF_BYTES)
    certificate_sha256 = "0" * 64
    valid_from = dt.date(2026, 1, 1)
    valid_to = dt.date(2027, 12, 31)
    status = SmeClaimStatus.VERIFIED
    submitted_by = factory.SubFactory(UserFactory, role=Role.EMPLOYER)


class OwnershipClaimFactory(factory.django.DjangoModelFactory):
    """A business registration certificate waiting for the ministry (a transfer claim by default)."""

    class Meta:
        model = OwnershipClaim

    organisation = factory.SubFactory(OrganisationFactory)
    kind = OwnershipClaimKind.TRANSFER
    certificate = factory.django.FileField(filename="registration.pdf", data=PDF_BYTES)
    certificate_name = "registration.pdf"
    certificate_content_type = "application/pdf"
    certificate_extension = ".pdf"
    certificate_size = len(PDF_BYTES)
    certificate_sha256 = "0" * 64
    note = "I am the representative director."
    status = OwnershipClaimStatus.PENDING
    submitted_by = factory.SubFactory(UserFactory)


FULL_ANSWERS: dict[str, Any] = {
    "degree_level": "doctorate",
    "institution_rank": 26,
    "experience_years": "10",
    "fortune_global_500_years": "3",
    "offered_salary_krw": 150_000_000,
    "field": "ai",
    "publications_and_patents": 10,
    "led_project_years": "3",
    "international_award": False,
    "government_programme": None,
}


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    applicant = factory.SubFactory(UserFactory, role=Role.APPLICANT)
    track = "quantitative"
    facts = factory.LazyFunction(lambda: dict(FULL_ANSWERS))


class SponsorshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sponsorship

    organisation = factory.SubFactory(OrganisationFactory, verified=True)
    candidate_email = factory.LazyAttribute(
        lambda o: o.case.applicant.email if o.case else "candidate@example.org"
    )
    candidate_name = "Candidate"
    job_title = "Principal AI engineer"
    field = "ai"
    offered_salary_krw = 150_000_000
    core_technology_role = 5
    core_technology_basis = "Leads the inference accelerator team."
    recruiting_months = 6
    hard_to_fill_evidence = "Six months of open recruiting without a suitable domestic candidate."
    transfer_plan = 5
    transfer_plan_text = "Trains ten engineers a year."
    status = SponsorshipStatus.SUBMITTED
    created_by = factory.SubFactory(UserFactory, role=Role.EMPLOYER)
    case = None


class InvitationFactory(factory.django.DjangoModelFactory):
    """An open invitation to join an organisation as staff (apps.organisations.services.member_invite)."""

    class Meta:
        model = "organisations.Invitation"

    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    invited_by = factory.SubFactory(UserFactory, role=Role.EMPLOYER)
    expires_at = factory.LazyFunction(lambda: dt.datetime.now(dt.UTC) + dt.timedelta(days=14))


def staff_membership(organisation: Organisation, **kwargs: Any) -> Membership:
    """A staff member of ``organisation`` (the employer role included)."""
    return MembershipFactory(organisation=organisation, role=MemberRole.STAFF, **kwargs)


# --- Applicant profiles and applications (apps.applicants) -----------------------------------------

QUANTITATIVE_KINDS = ("passport", "cv", "degree_certificate", "employment_certificate", "salary_evidence")
QUALITATIVE_KINDS = (*QUANTITATIVE_KINDS, "publications_list")
PROGRAMME_KINDS = ("passport", "cv", "programme_recruitment_letter")


class EngineeringSchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "rubric.EngineeringSchool"

    name = factory.Sequence(lambda n: f"Institute of Technology {n}")
    country = "Republic of Korea"
    rank = factory.Sequence(lambda n: n + 1)


class FortuneCompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "rubric.FortuneGlobal500Company"

    name = factory.Sequence(lambda n: f"Global Conglomerate {n}")
    rank = factory.Sequence(lambda n: n + 1)
    list_year = 2025


class ApplicantProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "applicants.ApplicantProfile"
        django_get_or_create = ("user",)

    user = factory.SubFactory(UserFactory, role=Role.APPLICANT)
    full_name = "Ada Kim"
    nationality = "Canadian"
    field = "ai"


class EducationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "applicants.Education"

    profile = factory.SubFactory(ApplicantProfileFactory)
    degree_level = "master"
    institution = ""
    field_of_study = "Computer science"
    year = 2015


class EmploymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "applicants.Employment"

    profile = factory.SubFactory(ApplicantProfileFactory)
    employer = factory.Sequence(lambda n: f"Employer {n}")
    years = 3
    relevant = True


def upload_documents(case: Case, by: User, kinds: tuple[str, ...] = QUANTITATIVE_KINDS) -> Case:
    """Every document ``kinds`` names, as small PDFs, through the case service."""
    from apps.cases.services import document_add

    for kind in kinds:
        document_add(case=case, by=by, kind=kind, upload=pdf_upload(f"{kind}.pdf"))
    return case


def profile_form_data(
    *,
    education: tuple[dict[str, Any], ...] | list[dict[str, Any]] = (),
    employment: tuple[dict[str, Any], ...] | list[dict[str, Any]] = (),
    initial_education: int = 0,
    initial_employment: int = 0,
    **fields: Any,
) -> dict[str, Any]:
    """POST data for the profile page (/apply/profile/ and the wizard's first step)."""
    data: dict[str, Any] = {
        "full_name": "Ada Kim",
        "nationality": "Canadian",
        "field": "ai",
        "publications_and_patents": "4",
        **fields,
    }
    for prefix, rows, initial in (
        ("education", education, initial_education),
        ("employment", employment, initial_employment),
    ):
        data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
        data[f"{prefix}-INITIAL_FORMS"] = str(initial)
        data[f"{prefix}-MIN_NUM_FORMS"] = "0"
        data[f"{prefix}-MAX_NUM_FORMS"] = "1000"
        for index, row in enumerate(rows):
            for name, value in row.items():
                data[f"{prefix}-{index}-{name}"] = value
    return data


def applicant_with_full_profile(**profile_fields: Any) -> User:
    """Ada Kim, an applicant whose profile has every kind of fact the case file shows: nationality,
    an award, a master's from a ranked school (subject and year), two employers (one a Fortune
    Global 500 company by its parent, with the note behind the claim). ``profile_fields`` add to or
    replace the profile's (say, a declared salary)."""
    user = UserFactory(role=Role.APPLICANT, email="ada@example.org", full_name="Ada Kim")
    profile = ApplicantProfileFactory(
        user=user,
        full_name="Ada Kim",
        nationality="Canadian",
        international_award=True,
        award_description="IEEE Robotics Early Career Award 2022",
        **profile_fields,
    )
    school = EngineeringSchoolFactory(name="Hanseong Institute of Technology", rank=58)
    EducationFactory(
        profile=profile,
        degree_level="master",
        institution=school.name,
        institution_rank=58,
        field_of_study="Robot perception",
        year=2016,
    )
    EmploymentFactory(
        profile=profile,
        employer="Borealis Motion",
        years=4,
        is_fortune_global_500=True,
        fortune_global_500_listed=False,
        fortune_global_500_note="Listed under its parent, Borealis Group.",
    )
    EmploymentFactory(profile=profile, employer="Quill Robotics", years=5)
    return user
