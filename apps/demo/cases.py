"""Demo employers, applicants and cases in every state, made through the real services.

Everything here is invented and labelled demo data. It is loaded once: if the demo SME already
exists, nothing is changed (a second `make run` keeps whatever people did in the demo).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.accounts.services import user_grant_role
from apps.applicants.services import profile_for, profile_save, profile_snapshot
from apps.cases.decision_review import review_request
from apps.cases.documents import document_kinds, document_label
from apps.cases.models import Case
from apps.cases.review_moves import (
    case_decide,
    case_request_information,
    case_start_review,
    information_respond,
)
from apps.cases.reviewer_findings import QualitativeValues, qualitative_assess
from apps.cases.services import case_start, case_submit, case_withdraw, document_add
from apps.cases.sponsorships import sponsorship_confirm, sponsorship_create, sponsorship_submit
from apps.demo.pdfs import one_page_pdf
from apps.organisations.models import Organisation, SizeClass
from apps.organisations.services import (
    organisation_register,
    ownership_claim_verify,
    registration_certificate_submit,
    sme_claim_submit,
    sme_claim_verify,
)
from apps.programmes.services import roster_match
from apps.rubric.models import EngineeringSchool

SME_NAME = "Hanbit Semiconductor (demo)"
LARGE_NAME = "Daehan Heavy Industries (demo)"
QUANTITATIVE_DOCS = ("passport", "cv", "degree_certificate", "employment_certificate", "salary_evidence")
QUALITATIVE_DOCS = (*QUANTITATIVE_DOCS, "publications_list")
PROGRAMME_DOCS = ("passport", "cv", "programme_recruitment_letter")
assert set(QUALITATIVE_DOCS + PROGRAMME_DOCS) <= set(document_kinds())

STRONG: dict[str, Any] = {
    "degree_level": "doctorate",
    "institution_rank": 26,  # ranks, not names: an official school list may replace the demo one
    "experience_years": "11",
    "fortune_global_500_years": "0",
    "offered_salary_krw": 125_000_000,
    "field": "semiconductors",
    "publications_and_patents": 12,
    "led_project_years": "4",
    "international_award": False,
}
# What the demo reviewer verified for the approved STRONG case: B1 and B2 with their reasons.
DEMO_ASSESSMENT = QualitativeValues(
    field="semiconductors",
    field_justification="The CV and the publications are in semiconductor process engineering.",
    publications_and_patents=12,
    publications_justification="Twelve papers and patents checked on DBLP and KIPRIS.",
    led_project_years=Decimal(4),
    international_award=False,
    leadership_justification="A letter from the former employer confirms four years as technical lead.",
    core_technology_role=4,
    core_technology_justification="Leads the etch-process team for the new fab line.",
    hard_to_fill=True,
    hard_to_fill_justification="The employer advertised the post for five months without a suitable candidate.",
    transfer_plan=3,
    transfer_plan_justification="The training plan for 2027 covers four engineers.",
)
MID_CAREER: dict[str, Any] = {
    "degree_level": "master",
    "institution_rank": 150,
    "experience_years": "9",
    "fortune_global_500_years": "0",
    "offered_salary_krw": 98_000_000,
    "field": "ai",
    "publications_and_patents": 6,
    "led_project_years": "2",
    "international_award": False,
}
QUANTITATIVE: dict[str, Any] = {
    "degree_level": "master",
    "institution_rank": 58,
    "experience_years": "6",
    "fortune_global_500_years": "4",
    "offered_salary_krw": 160_000_000,
    "field": "robotics",
    "publications_and_patents": 1,
    "led_project_years": "0",
    "international_award": False,
}

# The profile behind each set of answers, as an applicant enters it: a degree (the university by its
# rank in whatever school list is loaded, its subject and year) and jobs whose years add up to the
# answers' (the Fortune Global 500 years at a listed company, or one the applicant vouches for).
PROFILES: dict[str, dict[str, Any]] = {
    "strong": {
        "subject": ("Electrical engineering (semiconductor devices)", 2014),
        "employers": ("Orion Foundry (demo)", "Nordlicht Photonics (demo)"),
    },
    "mid_career": {
        "subject": ("Computer science", 2016),
        "employers": ("Kestrel Vision Labs (demo)", "Lumen AI Systems (demo)"),
    },
    "quantitative": {
        "subject": ("Mechanical engineering", 2018),
        "employers": ("Hanul Robotics (demo)", "Gaon Automation (demo)"),
        "fortune_global_500": ("Siemens", ""),  # on the demo Fortune Global 500 list
    },
    "quantitative_note": {
        "subject": ("Mechanical engineering", 2017),
        "employers": ("Hanul Robotics (demo)", "Gaon Automation (demo)"),
        "fortune_global_500": (
            "Daewoo Precision Motion (demo)",
            "A subsidiary of a listed group; the list names only the parent company.",
        ),
    },
}
NATIONALITIES = {
    "applicant@demo.ktechpass.kr": "India",
    "ana.souza@demo.ktechpass.kr": "Brazil",
    "lucas.meyer@demo.ktechpass.kr": "Germany",
    "wei.chen@demo.ktechpass.kr": "Singapore",
    "fatima.khan@demo.ktechpass.kr": "Pakistan",
    "diego.ramirez@demo.ktechpass.kr": "Mexico",
    "olga.ivanova@demo.ktechpass.kr": "Kazakhstan",
    "tom.becker@demo.ktechpass.kr": "Austria",
}


def pdf(name: str, title: str = "", lines: tuple[str, ...] = ()) -> SimpleUploadedFile:
    """A real one-page PDF (apps.demo.pdfs) that previews in the browser and passes the upload checks."""
    content = one_page_pdf(title or name, lines)
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _school(rank: int) -> EngineeringSchool | None:
    return EngineeringSchool.objects.filter(rank=rank).order_by("pk").first()


def _profile_kind(answers: dict[str, Any]) -> str:
    if answers.get("degree_level") == "doctorate":
        return "strong"
    return "mid_career" if (answers.get("institution_rank") or 0) > 100 else "quantitative"


def _jobs(answers: dict[str, Any], spec: dict[str, Any]) -> list[dict[str, Any]]:
    fortune = Decimal(str(answers.get("fortune_global_500_years") or 0))
    rest = Decimal(str(answers.get("experience_years") or 0)) - fortune
    row = {"id": None, "relevant": True, "fortune_global_500": "list", "fortune_global_500_note": ""}
    jobs = []
    if fortune > 0:
        name, note = spec.get("fortune_global_500", ("Siemens", ""))
        choice = "yes" if note else "list"
        jobs.append(
            {
                **row,
                "employer": name,
                "years": fortune,
                "fortune_global_500": choice,
                "fortune_global_500_note": note,
            }
        )
    first, second = spec["employers"]
    later = min(Decimal(4), (rest / 2).to_integral_value()) if rest >= 2 else Decimal(0)
    if rest - later > 0:
        jobs.append({**row, "employer": first, "years": rest - later})
    if later > 0:
        jobs.append({**row, "employer": second, "years": later})
    return jobs


def demo_profile(user: User, answers: dict[str, Any], kind: str | None = None) -> dict[str, Any]:
    """Fill the person's profile as they would have (name, nationality, degree, jobs, research) and
    return the answers with the university's name, when the loaded school list has that rank."""
    spec = PROFILES[kind or _profile_kind(answers)]
    subject, year = spec["subject"]
    rank = answers.get("institution_rank")
    school = _school(int(rank)) if rank else None
    profile_save(
        user=user,
        data={
            "full_name": user.full_name,
            "nationality": NATIONALITIES.get(user.email, "Canada"),
            "date_of_birth": dt.date(1988, 5, 14),
            "field": answers["field"],
            "offered_salary_krw": answers["offered_salary_krw"],
            "publications_and_patents": answers["publications_and_patents"],
            "led_project_years": Decimal(str(answers["led_project_years"])),
            "international_award": answers["international_award"],
        },
        education=[
            {
                "id": None,
                "degree_level": answers["degree_level"],
                "institution": school.name if school else "",
                "field_of_study": subject,
                "year": year,
            }
        ],
        employment=_jobs(answers, spec),
    )
    return {**answers, "institution": school.name} if school else dict(answers)


def demo_user(email: str, name: str, role: Role, password: str) -> User:
    from allauth.account.models import EmailAddress

    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, password, full_name=name)
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    user_grant_role(user=user, role=role)
    return user


def load_demo_cases(*, password: str) -> list[tuple[str, str, str]]:
    """Create the demo organisations and cases once; return (email, role, what to try) for the README."""
    if Organisation.objects.filter(name=SME_NAME).exists():
        return []
    employer = User.objects.get(email="employer@demo.ktechpass.kr")
    reviewer = User.objects.get(email="reviewer@demo.ktechpass.kr")
    large_admin = demo_user("employer2@demo.ktechpass.kr", "Oh Sejin", Role.EMPLOYER, password)
    sme = organisation_register(
        user=employer,
        name=SME_NAME,
        business_registration_number="220-81-62517",
        sector="Semiconductors",
        size_class=SizeClass.SME,
    )
    large = organisation_register(
        user=large_admin,
        name=LARGE_NAME,
        business_registration_number="124-81-00998",
        sector="Shipbuilding and aerospace",
        size_class=SizeClass.LARGE,
    )
    # Both demo organisations are verified the way a real one is (decision 44): the administrator
    # sends the business registration certificate and a reviewer verifies it.
    for organisation, admin in ((sme, employer), (large, large_admin)):
        certificate = registration_certificate_submit(
            organisation=organisation, by=admin, upload=pdf("business-registration-certificate.pdf")
        )
        ownership_claim_verify(
            claim=certificate, by=reviewer, reason="Demo: the number and name match the certificate."
        )
    today = timezone.localdate()
    claim = sme_claim_submit(
        organisation=sme,
        by=employer,
        upload=pdf(
            "sme-certificate.pdf",
            "SME confirmation certificate",
            (SME_NAME, "Framework Act on Small and Medium Enterprises"),
        ),
        valid_from=today - dt.timedelta(days=200),
        valid_to=today + dt.timedelta(days=165),
    )
    sme_claim_verify(claim=claim, by=reviewer)

    people = {
        "draft": demo_user("applicant@demo.ktechpass.kr", "Priya Raman", Role.APPLICANT, password),
        "submitted": demo_user("ana.souza@demo.ktechpass.kr", "Ana Souza", Role.APPLICANT, password),
        "programme": demo_user("lucas.meyer@demo.ktechpass.kr", "Lucas Meyer", Role.APPLICANT, password),
        "in_review": demo_user("wei.chen@demo.ktechpass.kr", "Wei Chen", Role.APPLICANT, password),
        "information": demo_user("fatima.khan@demo.ktechpass.kr", "Fatima Khan", Role.APPLICANT, password),
        "approved": demo_user("diego.ramirez@demo.ktechpass.kr", "Diego Ramírez", Role.APPLICANT, password),
        "rejected": demo_user("olga.ivanova@demo.ktechpass.kr", "Olga Ivanova", Role.APPLICANT, password),
        "withdrawn": demo_user("tom.becker@demo.ktechpass.kr", "Tom Becker", Role.APPLICANT, password),
        "review": demo_user("kenji.sato@demo.ktechpass.kr", "Kenji Sato", Role.APPLICANT, password),
    }

    # Draft: qualitative, documents partly uploaded, the SME's sponsorship waiting for confirmation.
    draft = _case(people["draft"], STRONG, "qualitative", QUALITATIVE_DOCS[:3], "strong")
    _sponsor(sme, employer, draft, confirm=False)

    _submitted(_case(people["submitted"], QUANTITATIVE, "quantitative", QUANTITATIVE_DOCS))
    programme_case = _case(
        people["programme"],
        {**MID_CAREER, "government_programme": "KASA"},
        "government_programme",
        PROGRAMME_DOCS,
        "mid_career",
    )
    match = roster_match(programme_code="KASA", email=people["programme"].email, passport_number="DEMO000002")
    _submit(programme_case, roster_match=match.as_dict())

    in_review = _qualitative_submitted(people["in_review"], STRONG, sme, employer, "strong")
    case_start_review(case=in_review, reviewer=reviewer, by=reviewer)

    waiting = _qualitative_submitted(people["information"], MID_CAREER, sme, employer, "mid_career")
    case_start_review(case=waiting, reviewer=reviewer, by=reviewer)
    case_request_information(
        case=waiting,
        by=reviewer,
        addressee="applicant",
        message="The employment certificate from your previous employer is not signed.",
        needed="A signed employment certificate (PDF or photo).",
        respond_by=today + dt.timedelta(days=7),
    )

    approved = _qualitative_submitted(people["approved"], STRONG, sme, employer, "strong")
    case_start_review(case=approved, reviewer=reviewer, by=reviewer)
    asked = case_request_information(
        case=approved,
        by=reviewer,
        addressee="employer",
        message="Please describe the training plan in more detail.",
        needed="A one-page training plan.",
        respond_by=today + dt.timedelta(days=5),
    )
    information_respond(
        request=asked,
        by=employer,
        text="Attached: the plan for 2027.",
        uploads=[pdf("plan.pdf", "Training plan 2027", ("Four engineers, quarterly courses",))],
    )
    # A qualitative approval rests on the reviewer's assessment of B1 and B2 (decision 8).
    qualitative_assess(case=approved, by=reviewer, values=DEMO_ASSESSMENT)
    approved.refresh_from_db()
    case_decide(
        case=approved,
        by=reviewer,
        approve=True,
        reason_codes=["criteria_met"],
        explanation="The verified score reaches the pass mark of the qualitative track.",
        expected_version=approved.lock_version,
    )

    _rejected(
        people["rejected"],
        reviewer,
        "None of the quantitative track's conditions is met by the verified documents.",
    )

    # Rejected, and the applicant asked for a review: waiting for a supervisor (/ministry/reviews/).
    contested = _rejected(
        people["review"],
        reviewer,
        "The salary certificate does not reach the quantitative track's threshold.",
    )
    review_request(
        case=contested,
        by=people["review"],
        grounds="My contract was amended in March; the new salary certificate is attached to my e-mail.",
    )

    case_withdraw(
        case=_submitted(_case(people["withdrawn"], QUANTITATIVE, "quantitative", QUANTITATIVE_DOCS)),
        by=people["withdrawn"],
        reason="Accepted an offer elsewhere.",
    )
    return [
        (people["draft"].email, "applicant", "a draft: confirm the sponsorship, upload the rest, submit"),
        (people["information"].email, "applicant", "answer the reviewer's information request"),
        (people["approved"].email, "applicant", "an approved case and its timeline"),
        (people["review"].email, "applicant", "a rejection under review (a supervisor decides it)"),
        (employer.email, "employer (SME, verified)", "sponsorships and the SME claim"),
        (large_admin.email, "employer (large company)", "register sponsorships"),
    ]


def _rejected(applicant: User, reviewer: User, explanation: str) -> Case:
    """A quantitative case whose salary falls short, submitted, reviewed and rejected."""
    case = _submitted(
        _case(
            applicant,
            {**QUANTITATIVE, "fortune_global_500_years": "1", "offered_salary_krw": 70_000_000},
            "quantitative",
            QUANTITATIVE_DOCS,
            "quantitative_note",
        )
    )
    case_start_review(case=case, reviewer=reviewer, by=reviewer)
    case_decide(
        case=case,
        by=reviewer,
        approve=False,
        reason_codes=["track_criteria_not_met"],
        explanation=explanation,
        expected_version=case.lock_version,
    )
    return case


def _case(
    user: User, answers: dict[str, Any], track: str, documents: tuple[str, ...], profile: str | None = None
) -> Case:
    answers = demo_profile(user, answers, profile)
    case = case_start(applicant=user, answers=answers, track=track)
    for kind in documents:
        title = str(document_label(kind))
        lines = (f"Holder: {user.full_name}", f"Application {case.reference}")
        document_add(case=case, by=user, kind=kind, upload=pdf(f"{kind}.pdf", title, lines))
    return case


def _submit(case: Case, **kwargs: Any) -> None:
    """Submit with the applicant's profile frozen on the case, as the application wizard does."""
    user = case.applicant
    profile = profile_for(user)
    case_submit(
        case=case, by=user, applicant_name=profile.full_name, profile=profile_snapshot(profile), **kwargs
    )


def _submitted(case: Case) -> Case:
    _submit(case)
    return case


def _sponsor(organisation: Organisation, by: User, case: Case, *, confirm: bool) -> None:
    sponsorship = sponsorship_create(
        organisation=organisation,
        by=by,
        data={
            "candidate_email": case.applicant.email,
            "candidate_name": case.applicant.full_name,
            "job_title": "Principal process engineer",
            "field": case.facts.get("field", "other"),
            "offered_salary_krw": case.facts.get("offered_salary_krw", 100_000_000),
            "core_technology_role": 4,
            "core_technology_basis": "Leads the 3 nm process-integration team.",
            "recruiting_months": 5,
            "hard_to_fill_evidence": "Five months of postings without a suitable candidate.",
            "transfer_plan": 4,
            "transfer_plan_text": "Mentors six junior engineers; quarterly internal courses.",
        },
    )
    sponsorship = sponsorship_submit(sponsorship=sponsorship, by=by, case_reference=case.reference)
    if confirm:
        sponsorship_confirm(sponsorship=sponsorship, case=case, by=case.applicant)


def _qualitative_submitted(
    user: User, answers: dict[str, Any], sme: Organisation, employer: User, profile: str | None = None
) -> Case:
    case = _case(user, answers, "qualitative", QUALITATIVE_DOCS, profile)
    _sponsor(sme, employer, case, confirm=True)
    return _submitted(case)
