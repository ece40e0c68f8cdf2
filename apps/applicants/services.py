"""The applicant's side of an application: the profile, and the draft's answers derived from it.

The profile is the source of the declared facts: ``profile_answers`` derives the self-assessment
answer shape (``apps.rubric.answers.answer_fields()``) from it, and every save of the profile pushes
those answers into the person's drafts (``application_sync_answers``). State changes of a case go
through ``apps.cases.services`` only; nothing here sets a case's status. Reads for the applicant's
pages are in ``apps.applicants.selectors``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from apps.accounts.models import User
from apps.applicants.models import ApplicantProfile, DegreeLevel, Education, Employment
from apps.cases.models import Case, CaseEvent, CaseStatus, Track
from apps.cases.services import CaseIncomplete, case_missing_items, case_start, case_submit, case_update_draft
from apps.core.text import one_line
from apps.programmes.services import roster_match
from apps.rubric.answers import answers_as_json
from apps.rubric.language.catalogue import default_catalogue
from apps.rubric.language.scorer import Scorer
from apps.rubric.models import EngineeringSchool, FortuneGlobal500Company
from apps.rubric.selectors import (
    NoVersionInForce,
    school_by_name,
    scorer_for,
)
from apps.rubric.wording import further_facts

PROFILE_FIELDS: tuple[str, ...] = (
    "full_name",
    "nationality",
    "date_of_birth",
    "field",
    "offered_salary_krw",
    "publications_and_patents",
    "led_project_years",
    "international_award",
    "award_description",
)
EDUCATION_FIELDS: tuple[str, ...] = ("degree_level", "institution", "field_of_study", "year")
EMPLOYMENT_FIELDS: tuple[str, ...] = ("employer", "start_year", "end_year", "years", "relevant")

# How an employment row's Fortune Global 500 status is decided (the form's choice).
FG500_FROM_LIST = "list"
FG500_YES = "yes"
FG500_NO = "no"
FG500_CHOICES: tuple[str, ...] = (FG500_FROM_LIST, FG500_YES, FG500_NO)

ZERO = Decimal(0)


# --- Reference lookups ---------------------------------------------------------------------------


def fortune_company_by_name(name: str) -> FortuneGlobal500Company | None:
    """Exact, case-insensitive match on the English or Korean name in the reference list."""
    needle = name.strip().lower()
    if not needle:
        return None
    return (
        FortuneGlobal500Company.objects.annotate(lname=Lower("name"), lname_ko=Lower("name_ko"))
        .filter(Q(lname=needle) | Q(lname_ko=needle))
        .first()
    )


def listed_school(name: str) -> EngineeringSchool | None:
    return school_by_name(name) if name.strip() else None


# --- The profile ---------------------------------------------------------------------------------


def profile_for(user: User) -> ApplicantProfile:
    profile, _created = ApplicantProfile.objects.get_or_create(
        user=user, defaults={"full_name": user.full_name}
    )
    return profile


def profile_save(
    *,
    user: User,
    data: Mapping[str, Any],
    education: Sequence[Mapping[str, Any]] = (),
    employment: Sequence[Mapping[str, Any]] = (),
) -> ApplicantProfile:
    """Save the profile and its rows in one transaction, then bring the person's drafts up to date.

    Each row is a mapping of the row's fields plus ``id`` (None for a new row) and ``delete``. A row
    whose id is not this profile's (removed in another window) is saved as a new row: nothing the
    person typed is lost.
    """
    with transaction.atomic():
        profile = ApplicantProfile.objects.select_for_update().get(pk=profile_for(user).pk)
        for name in PROFILE_FIELDS:
            if name in data:
                setattr(profile, name, data[name])
        more = dict(profile.more_answers or {})
        for fact in further_facts():
            if fact.code in data:
                value = data[fact.code]
                if value in (None, ""):
                    more.pop(fact.code, None)
                else:
                    more[fact.code] = _json_safe(value)
        profile.more_answers = more
        profile.full_name = one_line(profile.full_name or "")  # it becomes the case's applicant name
        profile.nationality = one_line(profile.nationality or "")
        if not profile.international_award:
            profile.award_description = ""
        profile.full_clean(exclude=["user"])
        profile.save()
        for row in education:
            _save_education(profile, row)
        for row in employment:
            _save_employment(profile, row)
        for case in Case.objects.filter(applicant=user, status=CaseStatus.DRAFT):
            application_sync_answers(case=case, by=user, profile=profile)
    return profile


def _existing(rows: Any, row_id: Any) -> Any:
    return rows.filter(pk=row_id).first() if row_id else None


def _deleted(existing: Education | Employment | None, row: Mapping[str, Any]) -> bool:
    """Whether the form row asks for its removal (done here, if the saved row is still there)."""
    if not row.get("delete"):
        return False
    if existing is not None:
        existing.delete()
    return True


def _save_education(profile: ApplicantProfile, row: Mapping[str, Any]) -> None:
    existing: Education | None = _existing(profile.education, row.get("id"))
    if _deleted(existing, row):
        return
    education = existing or Education(profile=profile)
    name = str(row.get("institution") or "").strip()
    if name:
        school = listed_school(name)
        if school is None:
            raise ValidationError(
                _("We could not find “%(name)s” in the list of engineering schools.") % {"name": name}
            )
        education.institution, education.institution_rank = school.name, school.rank
    else:
        # No name: keep a rank stated in the self-assessment (only while the name stays empty).
        if education.institution:
            education.institution_rank = None
        education.institution = ""
    education.degree_level = row["degree_level"]
    education.field_of_study = str(row.get("field_of_study") or "").strip()
    education.year = row.get("year")
    education.full_clean(exclude=["profile"])
    education.save()


def fortune_global_500_status(*, employer: str, choice: str, note: str) -> tuple[bool, bool, str]:
    """(listed, counts as FG500, note) for an employer name and the person's choice.

    The reference list decides unless the person says otherwise; then a note explaining why is
    required (for example: "listed under its parent company's name"), for the reviewer to check.
    """
    listed = fortune_company_by_name(employer) is not None
    if choice not in FG500_CHOICES:
        raise ValidationError(_("Choose how to count this employer."))
    counts = listed if choice == FG500_FROM_LIST else choice == FG500_YES
    if counts == listed:
        return listed, counts, ""
    note = note.strip()
    if not note:
        raise ValidationError(
            _("Explain why this employer should count differently from the Fortune Global 500 list.")
        )
    return listed, counts, note


def _save_employment(profile: ApplicantProfile, row: Mapping[str, Any]) -> None:
    existing: Employment | None = _existing(profile.employment, row.get("id"))
    if _deleted(existing, row):
        return
    employment = existing or Employment(profile=profile)
    for name in EMPLOYMENT_FIELDS:
        if name in row:
            setattr(employment, name, row[name])
    employment.employer = str(employment.employer or "").strip()
    listed, counts, note = fortune_global_500_status(
        employer=employment.employer,
        choice=str(row.get("fortune_global_500") or FG500_FROM_LIST),
        note=str(row.get("fortune_global_500_note") or ""),
    )
    employment.fortune_global_500_listed = listed
    employment.is_fortune_global_500 = counts
    employment.fortune_global_500_note = note
    if employment.years is None and employment.start_year is None:
        raise ValidationError(_("Give the number of years, or the year you started."))
    employment.full_clean(exclude=["profile"])
    employment.save()


def fortune_global_500_choice(employment: Employment) -> str:
    """The form's choice that reproduces a saved row."""
    if employment.is_fortune_global_500 == employment.fortune_global_500_listed:
        return FG500_FROM_LIST
    return FG500_YES if employment.is_fortune_global_500 else FG500_NO


# --- Profile -> answers --------------------------------------------------------------------------


def _degree_rank(education: Education) -> tuple[str, int | None]:
    """The institution's name and rank as they count today.

    A listed name is looked up again (the reference list may have changed since the row was saved);
    a name no longer listed counts as unranked; no name keeps a rank the person stated.
    """
    if education.institution:
        school = listed_school(education.institution)
        if school is None:
            return "", None
        return school.name, school.rank
    return "", education.institution_rank


def _highest_degree(degrees: Iterable[Education]) -> tuple[Education, str, int | None] | None:
    """The degree the rubric in force values most (a master's from a top-100 school beats a doctorate
    from an unlisted one); then the higher level; then the best-ranked institution."""
    best: tuple[tuple[int, int, int, int], Education, str, int | None] | None = None
    scorer = scorer_for()
    levels = default_catalogue().fact("degree_level").option_codes()  # lowest first
    for education in degrees:
        name, rank = _degree_rank(education)
        key = (
            _degree_points(scorer, education.degree_level, rank),
            levels.index(education.degree_level),
            1 if rank is not None else 0,
            -(rank or 0),
        )
        if best is None or key > best[0]:
            best = (key, education, name, rank)
    return None if best is None else best[1:]


def _degree_points(scorer: Scorer, degree_level: str, rank: int | None) -> int:
    """What the degree alone earns: the quantitative points of a profile with nothing else."""
    profile = scorer.profile({"degree_level": degree_level, "institution_rank": rank})  # the rest: defaults
    return scorer.score(profile).quantitative


def plain_decimal(value: Decimal) -> Decimal:
    """6.00 -> 6 and 2.50 -> 2.5 (the database's scale is not part of the answer); never 1E+1."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def profile_answers(profile: ApplicantProfile) -> dict[str, Any]:
    """The profile in the answer shape of ``answer_fields()`` (the ones a profile holds).

    - degree_level / institution / institution_rank: the highest degree (ties: the best-ranked
      institution); "none" without a degree row. The rank is the reference list's today.
    - experience_years: the sum of the years of every employment marked relevant.
    - fortune_global_500_years: the sum of the years at employers that count as Fortune Global 500
      (the reference list, or the person's statement with a note), relevant or not.
    - field, offered salary, publications and patents, years leading a project, award: as entered
      ("other" field and zeros when empty).

    Years are ``Decimal`` throughout (no float rounding).
    """
    highest = _highest_degree(profile.education.all())
    experience = ZERO
    fortune = ZERO
    for employment in profile.employment.all():
        years = employment.duration_years()
        if employment.relevant:
            experience += years
        if employment.is_fortune_global_500:
            fortune += years
    return {
        "degree_level": highest[0].degree_level if highest else "none",
        "institution": highest[1] if highest else "",
        "institution_rank": highest[2] if highest else None,
        "experience_years": plain_decimal(experience),
        "fortune_global_500_years": plain_decimal(fortune),
        "offered_salary_krw": profile.offered_salary_krw,
        "field": profile.field or "other",
        "publications_and_patents": profile.publications_and_patents or 0,
        "led_project_years": plain_decimal(Decimal(profile.led_project_years or 0)),
        "international_award": profile.international_award,
        **further_answers(profile),
    }


def profile_snapshot(profile: ApplicantProfile) -> dict[str, Any]:
    """The profile as the applicant entered it, JSON-safe, in the shape ``apps.cases.casefile`` reads:
    frozen on the case at submission, and shown on the review page as what will be submitted.

    Each degree carries the rank it counts with today (the reference list looked up again, as
    ``profile_answers`` does); each job the years it counts for.
    """
    degrees = []
    for education in profile.education.all():
        _name, rank = _degree_rank(education)
        degrees.append(
            {
                "degree_level": education.degree_level,
                "institution": education.institution,
                "institution_rank": rank,
                "field_of_study": education.field_of_study,
                "year": education.year,
            }
        )
    jobs = [
        {
            "employer": employment.employer,
            "start_year": employment.start_year,
            "end_year": employment.end_year,
            "years": str(plain_decimal(employment.duration_years())),
            "years_stated": employment.years is not None,
            "relevant": employment.relevant,
            "fortune_global_500_listed": employment.fortune_global_500_listed,
            "is_fortune_global_500": employment.is_fortune_global_500,
            "fortune_global_500_note": employment.fortune_global_500_note,
        }
        for employment in profile.employment.all()
    ]
    return {
        "full_name": profile.full_name,
        "nationality": profile.nationality,
        "date_of_birth": profile.date_of_birth.isoformat() if profile.date_of_birth else "",
        "award_description": profile.award_description if profile.international_award else "",
        "education": degrees,
        "employment": jobs,
    }


def further_answers(profile: ApplicantProfile) -> dict[str, Any]:
    """The answers to the catalogue's further questions that are still asked (a fact since removed
    from the catalogue is left out)."""
    asked = {fact.code for fact in further_facts()}
    return {code: value for code, value in (profile.more_answers or {}).items() if code in asked}


def _json_safe(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


# --- Self-assessment -> profile ------------------------------------------------------------------


def profile_prefill(*, user: User, answers: Mapping[str, Any]) -> ApplicantProfile:
    """Fill what the profile does not say yet from self-assessment answers; never overwrite."""
    with transaction.atomic():
        profile = ApplicantProfile.objects.select_for_update().get(pk=profile_for(user).pk)
        if not profile.full_name and user.full_name:
            profile.full_name = user.full_name
        if not profile.field and answers.get("field"):
            profile.field = str(answers["field"])
        for name in ("offered_salary_krw", "publications_and_patents"):
            if getattr(profile, name) is None and answers.get(name) is not None:
                setattr(profile, name, int(answers[name]))
        if profile.led_project_years is None and answers.get("led_project_years") not in (None, ""):
            profile.led_project_years = Decimal(str(answers["led_project_years"]))
        if not profile.international_award and answers.get("international_award"):
            profile.international_award = True
        profile.save()
        if not profile.education.exists():
            _prefill_education(profile, answers)
        if not profile.employment.exists():
            _prefill_employment(profile, answers)
    return profile


def _prefill_education(profile: ApplicantProfile, answers: Mapping[str, Any]) -> None:
    level = answers.get("degree_level")
    if level not in DegreeLevel.values:
        return
    school = listed_school(str(answers.get("institution") or ""))
    stated_rank = answers.get("institution_rank")
    Education.objects.create(
        profile=profile,
        degree_level=level,
        institution=school.name if school else "",
        institution_rank=school.rank if school else (int(stated_rank) if stated_rank else None),
    )


def _prefill_employment(profile: ApplicantProfile, answers: Mapping[str, Any]) -> None:
    """Employer names are unknown from a self-assessment: placeholder rows the person renames."""
    experience = Decimal(str(answers.get("experience_years") or 0))
    fortune = Decimal(str(answers.get("fortune_global_500_years") or 0))
    if fortune > 0:
        Employment.objects.create(
            profile=profile,
            employer=_("Fortune Global 500 employer (from your self-assessment)"),
            fortune_global_500_listed=False,
            is_fortune_global_500=True,
            fortune_global_500_note=_("Stated in the self-assessment; name the employer."),
            years=fortune,
            relevant=True,
        )
    other = experience - fortune
    if other > 0:
        Employment.objects.create(
            profile=profile,
            employer=_("Employer (from your self-assessment)"),
            years=other,
            relevant=True,
        )


# --- Applications --------------------------------------------------------------------------------


def application_start(*, user: User, answers: Mapping[str, Any] | None = None) -> Case:
    """A new draft: the profile filled from the answers where empty, the draft's facts from both.

    The profile's answers win over the self-assessment's; answers a profile does not hold (the
    job offer's ratings, a government programme) are kept from the self-assessment.
    """
    answers = answers or {}
    with transaction.atomic():
        profile = profile_prefill(user=user, answers=answers)
        facts = {**answers_as_json(answers), **answers_as_json(profile_answers(profile))}
        return case_start(applicant=user, answers=facts)


def application_sync_answers(*, case: Case, by: User, profile: ApplicantProfile | None = None) -> Case:
    """Push the profile's answers into the draft (only when they differ); a submitted case keeps its
    frozen facts. Called on every profile save, when a wizard page opens, and at submission."""
    if case.status != CaseStatus.DRAFT:
        return case
    answers = answers_as_json(profile_answers(profile or profile_for(by)))
    if all(name in case.facts and case.facts[name] == value for name, value in answers.items()):
        return case  # already up to date: no write
    return case_update_draft(case=case, by=by, answers=answers)


def application_choose_track(*, case: Case, by: User, track: str, government_programme: str | None) -> Case:
    """The track, and the programme that recruited the person (a fact kept whatever the track)."""
    if track == Track.GOVERNMENT_PROGRAMME and not government_programme:
        raise ValidationError(_("Choose the government programme that recruited you."))
    return case_update_draft(
        case=case, by=by, track=track, answers={"government_programme": government_programme or None}
    )


def profile_missing_items(profile: ApplicantProfile) -> list[str]:
    if not profile.full_name or not profile.nationality:
        return [_("Complete your profile: your full name and nationality.")]
    return []


def application_missing_items(case: Case) -> list[str]:
    """What stops a submission today: the profile's gaps, then the case's (documents, sponsorship)."""
    try:
        case_items = case_missing_items(case)
    except NoVersionInForce:
        case_items = [_("No rules are in force today, so applications cannot be submitted. Try again later.")]
    return profile_missing_items(profile_for(case.applicant)) + case_items


@sensitive_variables("passport_number")
def application_submit(*, case: Case, by: User, passport_number: str = "") -> CaseEvent:
    """Bring the answers up to date, check completeness, match the roster, and submit.

    The passport number only goes to the roster match (which keeps a keyed hash's verdict); it is
    never stored or logged here.
    """
    application_sync_answers(case=case, by=by)
    missing = profile_missing_items(profile_for(by)) if case.status == CaseStatus.DRAFT else []
    if missing:
        raise CaseIncomplete(missing)
    roster: dict[str, Any] | None = None
    if case.track == Track.GOVERNMENT_PROGRAMME and case.status == CaseStatus.DRAFT:
        programme = case.facts.get("government_programme")
        if not programme:
            raise CaseIncomplete([_("Name the government programme that recruited you.")])
        if not passport_number.strip():
            raise ValidationError(_("Enter your passport number."))
        roster = roster_match(
            programme_code=str(programme), email=by.email, passport_number=passport_number
        ).as_dict()
    profile = profile_for(by)
    return case_submit(
        case=case,
        by=by,
        roster_match=roster,
        applicant_name=profile.full_name,
        profile=profile_snapshot(profile),
    )
