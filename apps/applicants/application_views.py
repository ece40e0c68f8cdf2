"""The applicant's pages under /apply/: applications, the profile, the wizard, evidence, submission,
the status page and withdrawal.

Thin views: a form validates, a service in ``apps.applicants.services`` / ``apps.cases.services``
acts, and the view redirects with a message. Every case is fetched through
``get_case_for_applicant``: another person's case is a 404, the same as one that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.accounts.models import User
from apps.applicants.application_forms import (
    EducationRows,
    EmploymentRows,
    InformationResponseForm,
    ProfileForm,
    SubmitForm,
    TrackForm,
    UploadForm,
    WithdrawForm,
    company_options,
    school_options,
)
from apps.applicants.forms import SelfAssessmentForm
from apps.applicants.models import ApplicantProfile
from apps.applicants.services import (
    application_assessment,
    application_choose_track,
    application_missing_items,
    application_start,
    application_submit,
    application_sync_answers,
    confirmed_sponsorship,
    fortune_global_500_choice,
    plain_decimal,
    profile_answers,
    profile_for,
    profile_missing_items,
    profile_save,
    sponsorships_for_case,
)
from apps.cases.documents import document_label
from apps.cases.models import (
    Case,
    CaseDocument,
    CaseEvent,
    CaseScore,
    CaseStatus,
    DecisionReason,
    InformationRequest,
    Sponsorship,
    SponsorshipStatus,
    Track,
)
from apps.cases.review import information_respond, may_answer
from apps.cases.scoring import explained_score
from apps.cases.selectors import (
    case_days_left,
    cases_of_applicant,
    get_case_for_applicant,
    get_document_for_applicant,
    public_timeline,
)
from apps.cases.services import (
    EDITABLE_EVIDENCE_STATUSES,
    CaseIncomplete,
    case_withdraw,
    config_for,
    document_add,
    document_remove,
    document_replace,
)
from apps.cases.sponsorships import sponsorship_confirm, sponsorships_offered_to
from apps.cases.transitions import StaleCase, TransitionNotAllowed
from apps.core.uploads import safe_download_name
from apps.organisations.models import Membership
from apps.rubric.engine import TrackResult
from apps.rubric.policy_config import DOCUMENT_KINDS, RubricConfig
from apps.rubric.selectors import NoGniFigure, NoVersionInForce, government_programmes, strategic_fields

# --- Steps of the wizard -------------------------------------------------------------------------

PROFILE, TRACK, DOCUMENTS, SPONSORSHIP, REVIEW = "profile", "track", "documents", "sponsorship", "review"
STEP_TITLES: dict[str, Promise] = {
    PROFILE: gettext_lazy("Your profile"),
    TRACK: gettext_lazy("Track"),
    DOCUMENTS: gettext_lazy("Documents"),
    SPONSORSHIP: gettext_lazy("Sponsorship"),
    REVIEW: gettext_lazy("Review and submit"),
}
CONTINUE, LATER = "continue", "later"

STATUS_EXPLANATIONS: dict[str, Promise] = {
    CaseStatus.DRAFT: gettext_lazy("You have not submitted this application yet."),
    CaseStatus.SUBMITTED: gettext_lazy(
        "Your application has been submitted and is waiting for a reviewer. The processing clock is running."
    ),
    CaseStatus.IN_REVIEW: gettext_lazy(
        "A reviewer is assessing your application. The processing clock is running."
    ),
    CaseStatus.INFORMATION_REQUESTED: gettext_lazy(
        "The reviewer needs more information before they can decide. The processing clock is paused until "
        "you respond."
    ),
    CaseStatus.APPROVED: gettext_lazy("Your application has been approved."),
    CaseStatus.REJECTED: gettext_lazy("Your application has not been approved."),
    CaseStatus.WITHDRAWN: gettext_lazy("You withdrew this application. It will not be processed."),
}
NEXT_ACTIONS: dict[str, Promise] = {
    CaseStatus.DRAFT: gettext_lazy("Continue your application and submit it when it is complete."),
    CaseStatus.SUBMITTED: gettext_lazy(
        "Nothing for now. We will e-mail you whenever the status of your application changes."
    ),
    CaseStatus.IN_REVIEW: gettext_lazy(
        "Nothing for now. We will e-mail you whenever the status of your application changes."
    ),
    CaseStatus.INFORMATION_REQUESTED: gettext_lazy(
        "Read the reviewer's request below and send your answer, with the documents it asks for."
    ),
    CaseStatus.APPROVED: gettext_lazy("Read the decision below. We have also e-mailed you."),
    CaseStatus.REJECTED: gettext_lazy(
        "Read the decision and its reasons below. We have also e-mailed you. You may apply again."
    ),
    CaseStatus.WITHDRAWN: gettext_lazy("Nothing. You can start a new application at any time."),
}


@dataclass(frozen=True, slots=True)
class StepLink:
    slug: str
    number: int
    title: Promise
    url: str
    done: bool
    current: bool


@dataclass(slots=True)
class ChecklistItem:
    kind: str
    label: str
    required: bool
    documents: list[CaseDocument]
    errors: list[str] = field(default_factory=list)

    @property
    def present(self) -> bool:
        return bool(self.documents)


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    event: CaseEvent
    title: str
    detail: str
    by: str


def _case_steps(case: Case) -> list[str]:
    steps = [PROFILE, TRACK, DOCUMENTS]
    if case.track == Track.QUALITATIVE:
        steps.append(SPONSORSHIP)
    steps.append(REVIEW)
    return steps


def _config(case: Case) -> RubricConfig | None:
    try:
        return config_for(case)
    except NoVersionInForce:
        return None


def _required_kinds(case: Case, config: RubricConfig | None) -> tuple[str, ...]:
    track = config.track(case.track) if config and case.track else None
    return track.required_documents if track else ()


def _step_done(case: Case, step: str, profile: ApplicantProfile, config: RubricConfig | None) -> bool:
    if step == PROFILE:
        return not profile_missing_items(profile)
    if step == TRACK:
        return bool(case.track)
    if step == DOCUMENTS:
        required = _required_kinds(case, config)
        present = set(case.documents.values_list("kind", flat=True))
        return bool(required) and set(required) <= present
    if step == SPONSORSHIP:
        return confirmed_sponsorship(case) is not None
    return False


def _step_links(case: Case, current: str, profile: ApplicantProfile) -> list[StepLink]:
    config = _config(case)
    return [
        StepLink(
            slug=slug,
            number=number,
            title=STEP_TITLES[slug],
            url=_step_url(case, slug),
            done=_step_done(case, slug, profile, config),
            current=slug == current,
        )
        for number, slug in enumerate(_case_steps(case), start=1)
    ]


def _step_url(case: Case, step: str) -> str:
    return reverse("application:step", args=[case.reference, step])


def _after_save(request: HttpRequest, case: Case, step: str) -> HttpResponse:
    """ "Save and continue" goes to the next step; "Save and come back later" to the list."""
    if request.POST.get("action") == LATER:
        messages.success(
            request,
            _("Saved. Your application %(reference)s is waiting for you here; continue whenever you like.")
            % {"reference": case.reference},
        )
        return redirect("application:list")
    steps = _case_steps(case)
    following = steps[min(steps.index(step) + 1, len(steps) - 1)] if step in steps else REVIEW
    return redirect(_step_url(case, following))


def _draft_or_status(request: HttpRequest, case: Case) -> HttpResponse | None:
    """After submission the wizard's pages lead to the status page."""
    if case.status != CaseStatus.DRAFT:
        return redirect("application:status", reference=case.reference)
    return None


def _synced(request: HttpRequest, case: Case) -> bool:
    """Bring the draft's answers up to date with the profile (it may have changed elsewhere).

    False when the case stopped being a draft since it was loaded (submitted in another tab).
    """
    try:
        application_sync_answers(case=case, by=_user(request))
    except ValidationError:
        case.refresh_from_db()
        return case.status == CaseStatus.DRAFT
    return True


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


# --- My applications, starting one ---------------------------------------------------------------


@login_required
@require_GET
def application_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    cases = list(cases_of_applicant(user))
    rows = [{"case": case, "days_left": case_days_left(case)} for case in cases]
    waiting = [s for s in sponsorships_offered_to(user) if s.case_id is None]
    return render(
        request,
        "applicants/application/list.html",
        {
            "rows": rows,
            "sponsorships_waiting": waiting,
            "has_draft": any(c.status == CaseStatus.DRAFT for c in cases),
        },
    )


def _answers_summary(form: SelfAssessmentForm) -> list[tuple[str, str]]:
    shown: list[tuple[str, str]] = []
    for name in (
        "degree_level",
        "institution",
        "institution_rank",
        "experience_years",
        "fortune_global_500_years",
        "field",
        "publications_and_patents",
        "led_project_years",
        "international_award",
        "offered_salary_krw",
        "government_programme",
    ):
        bound = form[name]
        value: Any = form.cleaned_data.get(name)
        if value is None or value in ("", False):
            continue
        choices = dict(getattr(bound.field, "choices", []) or [])
        text = choices.get(value, value) if choices else value
        if value is True:
            text = _("Yes")
        elif name == "offered_salary_krw":
            text = number_format(int(value), force_grouping=True)
        shown.append((str(bound.label), str(text)))
    return shown


@login_required
@require_http_methods(["GET", "POST"])
def application_start_view(request: HttpRequest) -> HttpResponse:
    """From a self-assessment's query string (the answers are kept through log-in) or blank."""
    user = _user(request)
    answered = SelfAssessmentForm.is_answered(request.GET)
    form = SelfAssessmentForm(request.GET) if answered else None
    valid = form is not None and form.is_valid()
    if request.method == "POST" and (form is None or valid):
        case = application_start(user=user, answers=form.cleaned_data if form is not None else None)
        if form is not None:
            messages.success(
                request,
                _(
                    "Application %(reference)s started. Your profile was filled in from your self-assessment "
                    "where it was empty: check it, name your employers, and save."
                )
                % {"reference": case.reference},
            )
        else:
            messages.success(request, _("Application %(reference)s started.") % {"reference": case.reference})
        return redirect(_step_url(case, PROFILE))
    query = request.GET.urlencode()
    context = {
        "form": form,
        "answered": answered,
        "valid": valid,
        "summary": _answers_summary(form) if form is not None and valid else [],
        "drafts": [c for c in cases_of_applicant(user) if c.status == CaseStatus.DRAFT],
        "self_assessment_url": reverse("self_assessment") + (f"?{query}" if query else ""),
        "action_url": request.get_full_path(),
    }
    return render(
        request, "applicants/application/start.html", context, status=400 if answered and not valid else 200
    )


# --- The profile ---------------------------------------------------------------------------------


@dataclass(slots=True)
class ProfileForms:
    profile: ProfileForm
    education: Any
    employment: Any

    def is_valid(self) -> bool:
        # Every form validates (all errors shown at once), not only the first invalid one.
        results = [self.profile.is_valid(), self.education.is_valid(), self.employment.is_valid()]
        return all(results)

    def all_forms(self) -> Iterable[Any]:
        yield self.profile
        yield from self.education.forms
        yield from self.employment.forms

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


def _profile_forms(request: HttpRequest, profile: ApplicantProfile) -> ProfileForms:
    data = request.POST if request.method == "POST" else None
    degrees = list(profile.education.all())
    jobs = list(profile.employment.all())
    profile_initial = {
        "full_name": profile.full_name,
        "nationality": profile.nationality,
        "date_of_birth": profile.date_of_birth,
        "field": profile.field,
        "offered_salary_krw": profile.offered_salary_krw,
        "publications_and_patents": profile.publications_and_patents,
        "led_project_years": _plain(profile.led_project_years),
        "international_award": profile.international_award,
        "award_description": profile.award_description,
    }
    education = EducationRows(
        data,
        prefix="education",
        initial=[
            {
                "id": e.pk,
                "degree_level": e.degree_level,
                "institution": e.institution,
                "field_of_study": e.field_of_study,
                "year": e.year,
            }
            for e in degrees
        ],
        form_kwargs={"schools": school_options()},
    )
    employment = EmploymentRows(
        data,
        prefix="employment",
        initial=[
            {
                "id": j.pk,
                "employer": j.employer,
                "start_year": j.start_year,
                "end_year": j.end_year,
                "years": _plain(j.years),
                "relevant": j.relevant,
                "fortune_global_500": fortune_global_500_choice(j),
                "fortune_global_500_note": j.fortune_global_500_note,
            }
            for j in jobs
        ],
        form_kwargs={"companies": company_options()},
    )
    by_id_degrees = {e.pk: e for e in degrees}
    by_id_jobs = {j.pk: j for j in jobs}
    for form in education.forms:
        form.row = by_id_degrees.get(form.initial.get("id"))
    for form in employment.forms:
        form.row = by_id_jobs.get(form.initial.get("id"))
    return ProfileForms(ProfileForm(data, initial=profile_initial), education, employment)


def _save_profile(request: HttpRequest, forms: ProfileForms) -> bool:
    if not forms.is_valid():
        return False
    try:
        profile_save(
            user=_user(request),
            data=forms.profile.cleaned_data,
            education=forms.education.rows(),
            employment=forms.employment.rows(),
        )
    except ValidationError as error:
        for message in error.messages:
            forms.profile.add_error(None, message)
        return False
    return True


def _profile_context(profile: ApplicantProfile, forms: ProfileForms) -> dict[str, Any]:
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
    profile = profile_for(_user(request))
    forms = _profile_forms(request, profile)
    if request.method == "POST" and _save_profile(request, forms):
        messages.success(request, _("Your profile has been saved."))
        return redirect("application:profile")
    context = _profile_context(profile, forms)
    return render(request, "applicants/profile/edit.html", context, status=400 if forms.has_errors else 200)


# --- The wizard ----------------------------------------------------------------------------------


@login_required
@require_GET
def wizard(request: HttpRequest, reference: str) -> HttpResponse:
    """The first step not yet done (or the review), or the status page once submitted."""
    case = get_case_for_applicant(_user(request), reference)
    if (response := _draft_or_status(request, case)) is not None:
        return response
    profile = profile_for(_user(request))
    config = _config(case)
    for step in _case_steps(case):
        if step == REVIEW or not _step_done(case, step, profile, config):
            return redirect(_step_url(case, step))
    return redirect(_step_url(case, REVIEW))


@login_required
@require_http_methods(["GET", "POST"])
def wizard_step(request: HttpRequest, reference: str, step: str) -> HttpResponse:
    case = get_case_for_applicant(_user(request), reference)
    if step not in STEP_TITLES:
        raise Http404
    if (response := _draft_or_status(request, case)) is not None:
        return response
    if step not in _case_steps(case):  # the sponsorship step of a track that needs none
        return redirect("application:wizard", reference=case.reference)
    if not _synced(request, case):
        return redirect("application:status", reference=case.reference)
    handler: Callable[[HttpRequest, Case], HttpResponse] = STEP_HANDLERS[step]
    return handler(request, case)


def _render_step(
    request: HttpRequest, case: Case, step: str, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    profile = context.get("profile") or profile_for(_user(request))
    steps = _step_links(case, step, profile)
    current = next(s for s in steps if s.current)
    context = {
        **context,
        "case": case,
        "step": step,
        "steps": steps,
        "current_step": current,
        "step_count": len(steps),
        "step_template": f"applicants/application/steps/{step}.html",
    }
    return render(request, "applicants/application/wizard.html", context, status=status)


def _profile_step(request: HttpRequest, case: Case) -> HttpResponse:
    profile = profile_for(_user(request))
    forms = _profile_forms(request, profile)
    if request.method == "POST" and _save_profile(request, forms):
        return _after_save(request, case, PROFILE)
    profile.refresh_from_db()
    return _render_step(
        request, case, PROFILE, _profile_context(profile, forms), status=400 if forms.has_errors else 200
    )


def _track_step(request: HttpRequest, case: Case) -> HttpResponse:
    config = _config(case)
    codes = [t.code for t in config.tracks] if config else []
    initial = {"track": case.track, "government_programme": case.facts.get("government_programme") or ""}
    form = TrackForm(request.POST if request.method == "POST" else None, initial=initial, tracks=codes)
    if request.method == "POST" and form.is_valid():
        try:
            application_choose_track(
                case=case,
                by=_user(request),
                track=form.cleaned_data["track"],
                government_programme=form.cleaned_data.get("government_programme") or None,
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            return _after_save(request, case, TRACK)
    assessment = application_assessment(case)
    results: dict[str, TrackResult] = assessment.tracks if assessment else {}
    options = [{"radio": radio, "result": results.get(str(radio.data["value"]))} for radio in form["track"]]
    context = {
        "form": form,
        "options": options,
        "assessment": assessment,
        "version_code": config.code if config else "",
        "programmes": government_programmes(),
    }
    return _render_step(request, case, TRACK, context, status=400 if form.errors else 200)


def _checklist(case: Case, errors: dict[str, list[str]] | None = None) -> tuple[list[ChecklistItem], bool]:
    """The track's documents in the configured order, then any others on the case."""
    errors = errors or {}
    config = _config(case)
    required = _required_kinds(case, config)
    documents: dict[str, list[CaseDocument]] = {}
    for document in case.documents.order_by("uploaded_at", "pk"):
        documents.setdefault(document.kind, []).append(document)
    others = [k for k in DOCUMENT_KINDS if k in documents and k not in required]
    others += [k for k in documents if k not in DOCUMENT_KINDS]  # e.g. files sent with an answer
    kinds = list(required) + others
    items = [
        ChecklistItem(
            kind=kind,
            label=document_label(kind),
            required=kind in required,
            documents=documents.get(kind, []),
            errors=errors.get(kind, []),
        )
        for kind in kinds
    ]
    return items, bool(required)


def _documents_context(case: Case, errors: dict[str, list[str]] | None = None) -> dict[str, Any]:
    items, has_track = _checklist(case, errors)
    return {
        "items": items,
        "has_track": has_track,
        "upload_errors": [(item, message) for item in items for message in item.errors],
        "editable": case.status in EDITABLE_EVIDENCE_STATUSES,
        "max_upload": settings.UPLOAD_MAX_BYTES,
    }


def _documents_step(request: HttpRequest, case: Case) -> HttpResponse:
    if request.method == "POST":
        return _after_save(request, case, DOCUMENTS)
    return _render_step(request, case, DOCUMENTS, _documents_context(case))


def _sponsorship_step(request: HttpRequest, case: Case) -> HttpResponse:
    if request.method == "POST":
        return _after_save(request, case, SPONSORSHIP)
    context = {
        "confirmed": confirmed_sponsorship(case),
        "offered": sponsorships_for_case(case, sponsorships_offered_to(_user(request))),
    }
    return _render_step(request, case, SPONSORSHIP, context)


FACT_LABELS: dict[str, Promise] = {
    "degree_level": gettext_lazy("Highest degree"),
    "institution": gettext_lazy("University"),
    "institution_rank": gettext_lazy("Rank in the list of engineering schools"),
    "experience_years": gettext_lazy("Years of relevant experience"),
    "fortune_global_500_years": gettext_lazy("Years at Fortune Global 500 companies"),
    "offered_salary_krw": gettext_lazy("Offered annual salary (KRW)"),
    "field": gettext_lazy("Field of work"),
    "publications_and_patents": gettext_lazy("Publications and granted patents"),
    "led_project_years": gettext_lazy("Years leading a major R&D project"),
    "international_award": gettext_lazy("International award"),
    "government_programme": gettext_lazy("Government programme"),
}
DEGREE_NAMES: dict[str, Promise] = {
    "none": gettext_lazy("No university degree"),
    "bachelor": gettext_lazy("Bachelor's degree"),
    "master": gettext_lazy("Master's degree"),
    "doctorate": gettext_lazy("Doctorate (PhD)"),
}


def _facts_summary(case: Case) -> list[tuple[str, str]]:
    """The declared facts in words, in a fixed order (what will be frozen at submission)."""
    facts = case.facts
    fields = {f.code: f.display_name for f in strategic_fields()}
    programmes = {p.code: p.display_name for p in government_programmes()}
    rows: list[tuple[str, str]] = []
    for name, label in FACT_LABELS.items():
        value = facts.get(name)
        if name == "degree_level":
            text = str(DEGREE_NAMES.get(str(value or "none"), value))
        elif name == "field":
            text = str(fields.get(str(value), _("Other field")))
        elif name == "international_award":
            text = _("Yes") if value else _("No")
        elif name == "government_programme":
            text = str(programmes.get(str(value), _("None"))) if value else _("None")
        elif name == "offered_salary_krw":
            text = f"{int(value):,}" if value not in (None, "") else _("Not given")
        elif name == "institution_rank":
            text = str(value) if value not in (None, "") else _("Unranked or not listed")
        elif name == "institution":
            text = str(value) if value else _("Not given")
        else:
            text = str(value) if value not in (None, "") else "0"
        rows.append((str(label), text))
    return rows


def _review_step(request: HttpRequest, case: Case) -> HttpResponse:
    if request.method == "POST":
        return _after_save(request, case, REVIEW)
    items, _has_track = _checklist(case)
    context = {
        "missing": application_missing_items(case),
        "facts": _facts_summary(case),
        "items": items,
        "confirmed": confirmed_sponsorship(case),
        "track_label": Track(case.track).label if case.track else "",
    }
    return _render_step(request, case, REVIEW, context)


STEP_HANDLERS: dict[str, Callable[[HttpRequest, Case], HttpResponse]] = {
    PROFILE: _profile_step,
    TRACK: _track_step,
    DOCUMENTS: _documents_step,
    SPONSORSHIP: _sponsorship_step,
    REVIEW: _review_step,
}


# --- Sponsorship ---------------------------------------------------------------------------------


def _offered(request: HttpRequest, case: Case, sponsorship_id: int) -> Sponsorship:
    for sponsorship in sponsorships_for_case(case, sponsorships_offered_to(_user(request))):
        if sponsorship.pk == sponsorship_id:
            return sponsorship
    raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def sponsorship_confirm_view(request: HttpRequest, reference: str, sponsorship_id: int) -> HttpResponse:
    case = get_case_for_applicant(_user(request), reference)
    if (response := _draft_or_status(request, case)) is not None:
        return response
    sponsorship = _offered(request, case, sponsorship_id)
    if request.method == "POST":
        try:
            sponsorship_confirm(sponsorship=sponsorship, case=case, by=_user(request))
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(
                request,
                _("You confirmed the sponsorship from %(organisation)s.")
                % {"organisation": sponsorship.organisation.name},
            )
        return redirect(_step_url(case, SPONSORSHIP))
    profile = profile_for(_user(request))
    steps = _step_links(case, SPONSORSHIP, profile)
    return render(
        request,
        "applicants/application/sponsorship_confirm.html",
        {"case": case, "sponsorship": sponsorship, "steps": steps, "step_count": len(steps)},
    )


# --- Evidence ------------------------------------------------------------------------------------


def _evidence_return(case: Case, kind: str = "") -> str:
    base = (
        _step_url(case, DOCUMENTS)
        if case.status == CaseStatus.DRAFT
        else reverse("application:status", args=[case.reference])
    )
    return f"{base}#doc-{kind}" if kind else base


def _render_evidence_errors(request: HttpRequest, case: Case, errors: dict[str, list[str]]) -> HttpResponse:
    if case.status == CaseStatus.DRAFT:
        return _render_step(request, case, DOCUMENTS, _documents_context(case, errors), status=400)
    return render(
        request, "applicants/application/status.html", _status_context(request, case, errors), status=400
    )


@login_required
@require_POST
def document_upload(request: HttpRequest, reference: str, kind: str) -> HttpResponse:
    user = _user(request)
    case = get_case_for_applicant(user, reference)
    if kind not in DOCUMENT_KINDS:
        raise Http404
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_evidence_errors(request, case, {kind: [str(e) for e in form.errors.get("file", [])]})
    upload = form.cleaned_data["file"]
    replace_id = form.cleaned_data.get("replace")
    try:
        if replace_id:
            previous = get_document_for_applicant(user, reference, replace_id)
            if previous.kind != kind:
                raise Http404
            document = document_replace(document=previous, by=user, upload=upload)
        else:
            document = document_add(case=case, by=user, kind=kind, upload=upload)
    except ValidationError as error:
        return _render_evidence_errors(request, case, {kind: list(error.messages)})
    messages.success(
        request,
        _("“%(name)s” (%(size)s) was added to %(document)s.")
        % {
            "name": document.original_name,
            "size": filesizeformat(document.size),
            "document": document_label(kind),
        },
    )
    return redirect(_evidence_return(case, kind))


@login_required
@require_http_methods(["GET", "POST"])
def document_remove_view(request: HttpRequest, reference: str, document_id: int) -> HttpResponse:
    user = _user(request)
    document = get_document_for_applicant(user, reference, document_id)
    case = document.case
    if case.status != CaseStatus.DRAFT:
        # Submitted evidence may be replaced or added to when a reviewer asks, never taken away.
        messages.error(request, _("After submission a document can be replaced, but not removed."))
        return redirect(_evidence_return(case, document.kind))
    if request.method == "POST":
        name, kind = document.original_name, document.kind
        try:
            document_remove(document=document, by=user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("“%(name)s” was removed.") % {"name": name})
        return redirect(_evidence_return(case, kind))
    return render(
        request,
        "applicants/application/document_remove.html",
        {
            "case": case,
            "document": document,
            "label": document_label(document.kind),
            "back": _evidence_return(case, document.kind),
        },
    )


@login_required
@require_GET
def document_download(request: HttpRequest, reference: str, document_id: int) -> HttpResponseBase:
    """The file as an attachment, typed as detected at upload, never rendered by the browser."""
    document = get_document_for_applicant(_user(request), reference, document_id)
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=safe_download_name(document.original_name, document.extension),
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Submission ----------------------------------------------------------------------------------


@login_required
@never_cache
@sensitive_post_parameters("passport_number")
@sensitive_variables("passport_number")
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest, reference: str) -> HttpResponse:
    user = _user(request)
    case = get_case_for_applicant(user, reference)
    if case.status != CaseStatus.DRAFT:
        _already_submitted(request, case)
        return redirect("application:status", reference=case.reference)
    needs_passport = case.track == Track.GOVERNMENT_PROGRAMME
    form = SubmitForm(request.POST if request.method == "POST" else None, needs_passport=needs_passport)
    submitting = request.method == "POST" and form.is_valid()
    # A submission brings the answers up to date and checks completeness itself, under the case's
    # row lock; only the page shown otherwise needs them synced here first.
    if not submitting and not _synced(request, case):
        _already_submitted(request, case)
        return redirect("application:status", reference=case.reference)
    if submitting:
        passport_number = form.cleaned_data.get("passport_number", "")
        try:
            application_submit(case=case, by=user, passport_number=passport_number)
        except CaseIncomplete:
            pass  # the page below lists everything that is missing
        except (TransitionNotAllowed, StaleCase):
            _already_submitted(request, case)
            return redirect("application:status", reference=case.reference)
        except (NoVersionInForce, NoGniFigure):
            form.add_error(
                None, _("Applications cannot be submitted right now: no rules are in force today.")
            )
        except ValidationError as error:
            case.refresh_from_db()
            if case.status != CaseStatus.DRAFT:
                _already_submitted(request, case)
                return redirect("application:status", reference=case.reference)
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _(
                    "Your application %(reference)s has been submitted. The processing time of %(days)s days "
                    "starts now."
                )
                % {"reference": case.reference, "days": _clock_days(case)},
            )
            return redirect("application:status", reference=case.reference)
    missing = application_missing_items(case)
    profile = profile_for(user)
    steps = _step_links(case, REVIEW, profile)
    context = {
        "case": case,
        "form": form,
        "missing": missing,
        "steps": steps,
        "step_count": len(steps),
        "track_label": Track(case.track).label if case.track else "",
    }
    status = 400 if (request.method == "POST" and (missing or form.errors)) else 200
    return render(request, "applicants/application/submit.html", context, status=status)


def _already_submitted(request: HttpRequest, case: Case) -> None:
    case.refresh_from_db()
    if case.status == CaseStatus.WITHDRAWN:
        messages.info(request, _("This application has been withdrawn; it can no longer be submitted."))
    else:
        messages.info(
            request,
            _("This application has already been submitted. Nothing more is needed from you to submit it."),
        )


def _clock_days(case: Case) -> int | None:
    config = _config(case)
    return config.clock.days if config else None


# --- The status page -----------------------------------------------------------------------------


def _timeline(case: Case, user: User) -> list[TimelineEntry]:
    # An answer's text is on its request; the request's answer time is its event's time.
    answers = dict(
        case.information_requests.filter(responded_at__isnull=False).values_list(
            "responded_at", "response_text"
        )
    )
    employer_people = set(
        Membership.objects.filter(
            organisation__sponsorships__case=case,
            organisation__sponsorships__status=SponsorshipStatus.CONFIRMED,
        ).values_list("user_id", flat=True)
    )
    entries = []
    # The ministry's internal lines (assignments, assessments, verifications) are not the applicant's.
    for event in public_timeline(case):
        if event.actor_id is None:
            by = _("automatically")
        elif event.actor_id == user.pk:
            by = _("by you")
        elif event.actor_id in employer_people:
            by = _("by your employer")
        else:
            by = _("by the K-Tech Pass team")
        if event.kind == CaseEvent.Kind.INFORMATION_PROVIDED:
            detail = answers.get(event.at, "")
        else:
            detail = _event_detail(event)
        entries.append(TimelineEntry(event=event, title=event.get_kind_display(), detail=detail, by=by))
    return entries


def _event_detail(event: CaseEvent) -> str:
    data = event.data or {}
    if event.kind in (CaseEvent.Kind.DOCUMENT_ADDED, CaseEvent.Kind.DOCUMENT_REMOVED):
        return f"{document_label(str(data.get('kind', '')))}: {data.get('name', '')}"
    if event.kind == CaseEvent.Kind.SPONSORSHIP_CONFIRMED:
        return str(data.get("organisation", ""))
    if event.kind == CaseEvent.Kind.SCORED and "total" in data:
        return _("Total: %(total)s points") % {"total": data["total"]}
    if event.kind in (CaseEvent.Kind.APPROVED, CaseEvent.Kind.REJECTED) and data.get("reason_codes"):
        codes = [code for code in data["reason_codes"] if code in DecisionReason.values]
        reasons = "; ".join(str(DecisionReason(code).label) for code in codes)
        return f"{reasons}. {event.reason}".strip() if reasons else event.reason
    return event.reason


def _score_view(case: Case) -> dict[str, Any] | None:
    snapshot = CaseScore.objects.filter(case=case).first()
    if snapshot is None:
        return None
    # The snapshot's points, with the sentences in the reader's language (it was written in the worker's).
    explained = explained_score(case)
    result = explained.as_dict() if explained is not None else snapshot.result
    criteria = result.get("criteria", [])
    track = (result.get("tracks") or {}).get(case.track)
    return {
        "snapshot": snapshot,
        "criteria": criteria,
        "total": result.get("total", snapshot.total),
        "pass_mark": result.get("pass_mark"),
        "sme_bonus": result.get("sme_bonus", 0),
        "sme_bonus_basis": result.get("sme_bonus_basis", "none"),
        "has_estimates": any(c.get("basis") == "estimate" for c in criteria),
        "has_assessed": any(c.get("basis") == "assessed" for c in criteria),
        "track": track,
        "version": result.get("rubric_version", ""),
    }


def _open_request(case: Case) -> InformationRequest | None:
    if case.status != CaseStatus.INFORMATION_REQUESTED:
        return None
    return case.information_requests.filter(responded_at__isnull=True).order_by("-requested_at").first()


def _decision(case: Case) -> CaseEvent | None:
    if case.status not in (CaseStatus.APPROVED, CaseStatus.REJECTED):
        return None
    kinds = [CaseEvent.Kind.APPROVED, CaseEvent.Kind.REJECTED]
    return case.events.filter(kind__in=kinds).order_by("-at", "-pk").first()


def _status_context(
    request: HttpRequest,
    case: Case,
    errors: dict[str, list[str]] | None = None,
    response_form: InformationResponseForm | None = None,
) -> dict[str, Any]:
    user = _user(request)
    open_request = _open_request(case)
    decision = _decision(case)
    days_left = case_days_left(case)
    return {
        "case": case,
        "explanation": STATUS_EXPLANATIONS.get(case.status, ""),
        "next_action": NEXT_ACTIONS.get(case.status, ""),
        "days_left": days_left,
        "clock_days": _clock_days(case),
        "overdue_days": -days_left if days_left is not None and days_left < 0 else None,
        "paused": case.paused_at is not None,
        "timeline": _timeline(case, user),
        "score": _score_view(case) if case.submitted_at else None,
        "information_request": open_request,
        "can_answer": open_request is not None and may_answer(open_request, user),
        "response_form": response_form or InformationResponseForm(),
        "decision": decision,
        "decision_detail": _event_detail(decision) if decision else "",
        "track_label": Track(case.track).label if case.track else "",
        "can_withdraw": not case.is_final,
        **_documents_context(case, errors),
    }


@login_required
@require_GET
def status(request: HttpRequest, reference: str) -> HttpResponse:
    case = get_case_for_applicant(_user(request), reference)
    return render(request, "applicants/application/status.html", _status_context(request, case))


@login_required
@require_POST
def respond(request: HttpRequest, reference: str) -> HttpResponse:
    """The applicant's answer to an open information request (text and files): the clock resumes."""
    user = _user(request)
    case = get_case_for_applicant(user, reference)
    open_request = _open_request(case)
    if open_request is None or not may_answer(open_request, user):
        messages.info(request, _("There is no open request for you to answer on this application."))
        return redirect("application:status", reference=case.reference)
    form = InformationResponseForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            information_respond(
                request=open_request,
                by=user,
                text=form.cleaned_data["text"],
                uploads=form.cleaned_data["attachments"],
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        except (TransitionNotAllowed, StaleCase):
            messages.info(request, _("This request has already been answered."))
            return redirect("application:status", reference=case.reference)
        else:
            messages.success(
                request, _("Your answer has been sent to the reviewer. The processing clock runs again.")
            )
            return redirect("application:status", reference=case.reference)
    context = _status_context(request, case, response_form=form)
    return render(request, "applicants/application/status.html", context, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, reference: str) -> HttpResponse:
    user = _user(request)
    case = get_case_for_applicant(user, reference)
    if case.is_final:
        messages.info(
            request,
            _("This application is already closed (%(status)s).") % {"status": case.get_status_display()},
        )
        return redirect("application:status", reference=case.reference)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            case_withdraw(case=case, by=user, reason=form.cleaned_data["reason"].strip())
        except (TransitionNotAllowed, StaleCase):
            messages.info(request, _("This application is already closed."))
        else:
            messages.success(
                request, _("You withdrew application %(reference)s.") % {"reference": case.reference}
            )
        return redirect("application:status", reference=case.reference)
    return render(
        request,
        "applicants/application/withdraw.html",
        {"case": case, "form": form},
        status=400 if form.errors else 200,
    )


# Re-exported for the URLconf's readability.
__all__ = [
    "application_list",
    "application_start_view",
    "document_download",
    "document_remove_view",
    "document_upload",
    "profile_edit",
    "respond",
    "sponsorship_confirm_view",
    "status",
    "submit",
    "withdraw",
    "wizard",
    "wizard_step",
]
