"""The profile: one form and two row sets (degrees, jobs), on its own page and as the wizard's first step."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from apps.applicants.application.forms import (
    EducationRows,
    EmploymentRows,
    ProfileForm,
    company_options,
    school_options,
)
from apps.applicants.application.views.common import add_errors, user_of
from apps.applicants.models import ApplicantProfile, Employment
from apps.applicants.services import (
    EDUCATION_FIELDS,
    EMPLOYMENT_FIELDS,
    PROFILE_FIELDS,
    fortune_global_500_choice,
    plain_decimal,
    profile_answers,
    profile_for,
    profile_save,
)
from apps.rubric.selectors import strategic_fields


@dataclass(slots=True)
class ProfileForms:
    profile: ProfileForm
    education: Any
    employment: Any

    def is_valid(self) -> bool:
        # Every form validates (all errors shown at once), not only the first invalid one.
        results = [self.profile.is_valid(), self.education.is_valid(), self.employment.is_valid()]
        return all(results)

    @property
    def has_errors(self) -> bool:
        if not self.profile.is_bound:
            return False
        return bool(
            self.profile.errors
            or any(f.errors for f in self.education.forms)
            or any(f.errors for f in self.employment.forms)
            or self.education.non_form_errors()
            or self.employment.non_form_errors()
        )


def _plain(value: Decimal | None) -> Decimal | None:
    """3.00 is shown as 3 (the database's scale is not what the person typed)."""
    return None if value is None else plain_decimal(Decimal(value))


def _initial(row: Model, names: Sequence[str]) -> dict[str, Any]:
    return {name: getattr(row, name) for name in names}


def _profile_initial(profile: ApplicantProfile) -> dict[str, Any]:
    return {
        **_initial(profile, PROFILE_FIELDS),
        "led_project_years": _plain(profile.led_project_years),
        **(profile.more_answers or {}),
    }


def _employment_initial(job: Employment) -> dict[str, Any]:
    return {
        "id": job.pk,
        **_initial(job, EMPLOYMENT_FIELDS),
        "years": _plain(job.years),
        "fortune_global_500": fortune_global_500_choice(job),
        "fortune_global_500_note": job.fortune_global_500_note,
    }


def _attach_rows(formset: Any, rows: Iterable[Model]) -> None:
    """Each row form knows the saved row it edits (None for a new one)."""
    by_id = {row.pk: row for row in rows}
    for form in formset.forms:
        form.row = by_id.get(form.initial.get("id"))


def profile_forms(request: HttpRequest, profile: ApplicantProfile) -> ProfileForms:
    data = request.POST if request.method == "POST" else None
    degrees = list(profile.education.all())
    jobs = list(profile.employment.all())
    education = EducationRows(
        data,
        prefix="education",
        initial=[{"id": e.pk, **_initial(e, EDUCATION_FIELDS)} for e in degrees],
        form_kwargs={"schools": school_options()},
    )
    employment = EmploymentRows(
        data,
        prefix="employment",
        initial=[_employment_initial(j) for j in jobs],
        form_kwargs={"companies": company_options()},
    )
    _attach_rows(education, degrees)
    _attach_rows(employment, jobs)
    return ProfileForms(ProfileForm(data, initial=_profile_initial(profile)), education, employment)


def save_profile(request: HttpRequest, forms: ProfileForms) -> bool:
    if not forms.is_valid():
        return False
    try:
        profile_save(
            user=user_of(request),
            data=forms.profile.cleaned_data,
            education=forms.education.rows(),
            employment=forms.employment.rows(),
        )
    except ValidationError as error:
        add_errors(forms.profile, error)
        return False
    return True


def profile_context(profile: ApplicantProfile, forms: ProfileForms) -> dict[str, Any]:
    answers = profile_answers(profile)
    fields = {f.code: f.display_name for f in strategic_fields()}
    return {
        "forms": forms,
        "profile": profile,
        "answers": answers,
        "field_name": fields.get(answers["field"], _("Other field")),
    }


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest) -> HttpResponse:
    profile = profile_for(user_of(request))
    forms = profile_forms(request, profile)
    if request.method == "POST" and save_profile(request, forms):
        messages.success(request, _("Your profile has been saved."))
        return redirect("application:profile")
    context = profile_context(profile, forms)
    return render(request, "applicants/profile/edit.html", context, status=400 if forms.has_errors else 200)
