"""The employer pages under /employer/. Thin: selector (or 404) -> form -> service -> redirect.

Every page needs a login (anonymous visitors are sent to log in). An organisation's pages answer
only its members; everyone else gets 404 and never learns that the organisation exists. Managing
members is for the organisation's administrators: a staff member asking gets 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from apps.accounts.models import User
from apps.cases.models import CaseStatus, InformationRequest, Sponsorship, SponsorshipStatus
from apps.cases.review_moves import information_respond
from apps.cases.sponsorships import (
    sponsorship_create,
    sponsorship_submit,
    sponsorship_update,
    sponsorship_withdraw,
)
from apps.cases.transitions import StaleCase, TransitionNotAllowed
from apps.core.uploads import safe_download_name
from apps.employers.forms import (
    InformationAnswerForm,
    InviteForm,
    OrganisationRegisterForm,
    OwnershipClaimForm,
    RegistrationCertificateForm,
    SmeClaimForm,
    SponsorshipForm,
    SponsorshipSubmitForm,
    WithdrawForm,
)
from apps.employers.selectors import (
    SPONSORSHIP_STATUS_EXPLAINED,
    can_withdraw,
    field_label,
    get_sponsorship,
    sponsored_case,
    sponsorship_rows,
    sponsorships_of,
)
from apps.organisations.models import MemberRole, Organisation, OwnershipClaim, SizeClass
from apps.organisations.selectors import (
    admin_count,
    get_invitation_by_token,
    get_member,
    get_organisation_for_member,
    get_pending_invitation,
    get_sme_claim,
    is_admin,
    organisation_members,
    organisations_of,
    ownership_claims_by,
    pending_invitations,
    registration_claims_of,
    sme_claim_pending,
    sme_claims_of,
    verification_state,
)
from apps.organisations.services import (
    invitation_accept,
    invitation_revoke,
    member_change_role,
    member_invite,
    member_remove,
    organisation_register,
    ownership_claim_submit,
    registration_certificate_submit,
    sme_claim_submit,
)

PER_PAGE = 25
GET_POST = ["GET", "POST"]


@dataclass(frozen=True, slots=True)
class OrganisationRow:
    organisation: Organisation
    role_label: str
    member_count: int
    verification: str


# --- helpers -------------------------------------------------------------------------------------


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):  # login_required has run; this only narrows the type
        raise Http404
    return user


def _organisation(request: HttpRequest, pk: int) -> Organisation:
    return get_organisation_for_member(request.user, pk)


def _admin_organisation(request: HttpRequest, pk: int) -> Organisation:
    organisation = _organisation(request, pk)
    if not is_admin(request.user, organisation):
        raise PermissionDenied(_("Only the organisation's administrators can manage its members."))
    return organisation


def _read_only(request: HttpRequest) -> HttpResponse | None:
    # Checked after access, so an outsider's POST gets the same 404 as their GET.
    return None if request.method in ("GET", "HEAD") else HttpResponseNotAllowed(["GET", "HEAD"])


def _page(request: HttpRequest, items: QuerySet[Any], param: str = "page") -> Page:
    return Paginator(items, PER_PAGE).get_page(request.GET.get(param))


def _add_service_errors(form: BaseForm, exc: ValidationError, field: str | None = None) -> None:
    """Put a service's refusal next to the field it is about (or at the top of the form)."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(field, exc)


def _org_url(organisation: Organisation, name: str = "organisation", **kwargs: Any) -> str:
    return reverse(f"employers:{name}", kwargs={"pk": organisation.pk, **kwargs})


def _org_context(request: HttpRequest, organisation: Organisation, section: str) -> dict[str, Any]:
    return {
        "organisation": organisation,
        "section": section,
        "user_is_admin": is_admin(request.user, organisation),
        # What every page of the organisation says is pending (its header).
        "verification": verification_state(organisation),
        "sme_claim_pending": sme_claim_pending(organisation),
    }


def _sponsorship_of(
    request: HttpRequest, pk: int, sponsorship_pk: int
) -> tuple[Organisation, Sponsorship, str]:
    """The member's organisation, one of its sponsorships (404 otherwise), and that sponsorship's page."""
    organisation = _organisation(request, pk)
    sponsorship = get_sponsorship(organisation, sponsorship_pk)
    return organisation, sponsorship, _org_url(organisation, "sponsorship", sponsorship_pk=sponsorship.pk)


def _sponsorship_page(
    request: HttpRequest, organisation: Organisation, sponsorship: Sponsorship, template: str, **extra: Any
) -> HttpResponse:
    """A page about one sponsorship, in the organisation's "Sponsorships" section."""
    context = {**_org_context(request, organisation, "sponsorships"), "sponsorship": sponsorship, **extra}
    return render(request, template, context)


# --- dashboard and registration -------------------------------------------------------------------


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    rows = []
    for organisation in organisations_of(request.user):
        annotated: Any = organisation  # organisations_of annotates my_role and member_count
        role = str(MemberRole(annotated.my_role).label)
        rows.append(
            OrganisationRow(organisation, role, annotated.member_count, verification_state(organisation))
        )
    context = {"rows": rows, "claims": list(ownership_claims_by(request.user)[:20])}
    return render(request, "employers/dashboard.html", context)


@login_required
@require_http_methods(GET_POST)
def organisation_register_view(request: HttpRequest) -> HttpResponse:
    form = OrganisationRegisterForm(request.POST or None)
    claim_url = ""
    if request.method == "POST" and form.is_valid():
        try:
            organisation = organisation_register(user=_user(request), **form.cleaned_data)
        except ValidationError as exc:
            number = form.cleaned_data["business_registration_number"]
            _add_service_errors(form, exc)
            if "duplicate" in _codes(exc):
                claim_url = f"{reverse('employers:claim_new')}?number={number}"
        else:
            messages.success(
                request,
                _(
                    "%(name)s is registered. You are its administrator. Upload its business registration "
                    "certificate so the ministry can verify it: until then its sponsorships cannot be sent."
                )
                % {"name": organisation.name},
            )
            return redirect(_org_url(organisation, "verification"))
    return render(request, "employers/organisation_register.html", {"form": form, "claim_url": claim_url})


def _codes(exc: ValidationError) -> set[str]:
    if hasattr(exc, "error_dict"):
        return {error.code for errors in exc.error_dict.values() for error in errors if error.code}
    return {error.code for error in exc.error_list if error.code}


# --- ownership: the certificate and claims to a number ---------------------------------------------


@login_required
@require_http_methods(GET_POST)
def verification(request: HttpRequest, pk: int) -> HttpResponse:
    """Where the organisation's verification stands; its administrators upload the certificate here."""
    organisation = _organisation(request, pk)
    context = _org_context(request, organisation, "verification")
    form = None
    if context["user_is_admin"] and not organisation.is_verified:
        form = RegistrationCertificateForm(
            request.POST or None, request.FILES or None, max_bytes=settings.UPLOAD_MAX_BYTES
        )
    if request.method == "POST":
        if form is None:
            if not context["user_is_admin"]:
                raise PermissionDenied(_("Only the organisation's administrators can send its certificate."))
            messages.info(request, _("This organisation is already verified."))
            return redirect(_org_url(organisation, "verification"))
        if form.is_valid():
            try:
                registration_certificate_submit(
                    organisation=organisation,
                    by=_user(request),
                    upload=form.cleaned_data["certificate"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                _add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Your business registration certificate was sent. A reviewer will verify it."),
                )
                return redirect(_org_url(organisation, "verification"))
    context.update(
        form=form,
        claims=_page(request, registration_claims_of(organisation)),
        verification=verification_state(organisation),
    )
    return render(
        request, "employers/verification.html", context, status=400 if form and form.errors else 200
    )


@login_required
def verification_certificate(request: HttpRequest, pk: int, claim_pk: int) -> HttpResponseBase:
    organisation = _organisation(request, pk)
    claim = registration_claims_of(organisation).filter(pk=claim_pk).first()
    if claim is None:
        raise Http404
    if refused := _read_only(request):
        return refused
    return _download(claim)


def _download(claim: OwnershipClaim) -> FileResponse:
    response = FileResponse(
        claim.certificate.open("rb"),
        as_attachment=True,
        filename=safe_download_name(claim.certificate_name, claim.certificate_extension),
        content_type=claim.certificate_content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(GET_POST)
def claim_new(request: HttpRequest) -> HttpResponse:
    """Claim a number someone else registered: the certificate goes to the ministry."""
    initial = {"business_registration_number": request.GET.get("number", "")[:20]}
    form = OwnershipClaimForm(
        request.POST or None, request.FILES or None, initial=initial, max_bytes=settings.UPLOAD_MAX_BYTES
    )
    if request.method == "POST" and form.is_valid():
        try:
            claim = ownership_claim_submit(
                business_registration_number=form.cleaned_data["business_registration_number"],
                by=_user(request),
                upload=form.cleaned_data["certificate"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            _add_service_errors(form, exc, "certificate")
        else:
            messages.success(
                request,
                _(
                    "Your claim to %(number)s was sent to the ministry with your certificate. Its current "
                    "administrators have been told. You will receive an e-mail when a reviewer decides."
                )
                % {"number": claim.organisation.formatted_brn},
            )
            return redirect("employers:dashboard")
    status = 400 if form.errors else 200
    return render(request, "employers/claim_new.html", {"form": form}, status=status)


@login_required
def claim_certificate(request: HttpRequest, claim_pk: int) -> HttpResponseBase:
    """The claimant's own certificate (nobody else's: 404)."""
    claim = ownership_claims_by(request.user).filter(pk=claim_pk).first()
    if claim is None:
        raise Http404
    if refused := _read_only(request):
        return refused
    return _download(claim)


# --- the organisation and its members -------------------------------------------------------------


@login_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _organisation(request, pk)
    if refused := _read_only(request):
        return refused
    context = _org_context(request, organisation, "members")
    context["members"] = _page(request, organisation_members(organisation))
    context["sole_admin"] = admin_count(organisation) == 1
    if context["user_is_admin"]:
        context["invitations"] = _page(request, pending_invitations(organisation), "invitations_page")
        context["invite_form"] = InviteForm()
    return render(request, "employers/organisation_detail.html", context)


@login_required
@require_http_methods(GET_POST)
def invite(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _admin_organisation(request, pk)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = member_invite(
                organisation=organisation, by=_user(request), email=form.cleaned_data["email"]
            )
        except ValidationError as exc:
            _add_service_errors(form, exc, "email")
        else:
            messages.success(
                request,
                _("An invitation was sent to %(email)s. It expires in 14 days.")
                % {"email": invitation.email},
            )
            return redirect(_org_url(organisation))
    context = {**_org_context(request, organisation, "members"), "form": form}
    return render(request, "employers/invite.html", context)


@login_required
@require_http_methods(GET_POST)
def member_remove_view(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    organisation = _admin_organisation(request, pk)
    member = get_member(organisation, member_pk)
    error = ""
    if request.method == "POST":
        try:
            member_remove(organisation=organisation, by=_user(request), member=member)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request,
                _("%(email)s was removed from %(name)s.")
                % {"email": member.user.email, "name": organisation.name},
            )
            if member.user_id == request.user.pk:
                return redirect("employers:dashboard")
            return redirect(_org_url(organisation))
    context = {**_org_context(request, organisation, "members"), "member": member, "error": error}
    return render(request, "employers/member_remove.html", context)


@login_required
@require_http_methods(GET_POST)
def member_role_view(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    """Make a staff member an administrator, or an administrator staff (confirmation first)."""
    organisation = _admin_organisation(request, pk)
    member = get_member(organisation, member_pk)
    new_role = MemberRole.STAFF if member.role == MemberRole.ADMIN else MemberRole.ADMIN
    error = ""
    if request.method == "POST":
        try:
            member_change_role(organisation=organisation, by=_user(request), member=member, role=new_role)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            if new_role == MemberRole.ADMIN:
                text = _("%(email)s is now an administrator.")
            else:
                text = _("%(email)s is now staff.")
            messages.success(request, text % {"email": member.user.email})
            return redirect(_org_url(organisation))
    context = {
        **_org_context(request, organisation, "members"),
        "member": member,
        "new_role": new_role,
        "error": error,
    }
    return render(request, "employers/member_role.html", context)


@login_required
@require_http_methods(GET_POST)
def invitation_revoke_view(request: HttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    organisation = _admin_organisation(request, pk)
    invitation = get_pending_invitation(organisation, invitation_pk)
    if request.method == "POST":
        try:
            invitation_revoke(invitation=invitation, by=_user(request))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, _("The invitation to %(email)s was revoked.") % {"email": invitation.email}
            )
        return redirect(_org_url(organisation))
    context = {**_org_context(request, organisation, "members"), "invitation": invitation}
    return render(request, "employers/invitation_revoke.html", context)


@login_required
@require_http_methods(GET_POST)
def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    """The invitee's page. Someone signed in with another address learns nothing about the invitation."""
    invitation = get_invitation_by_token(token)
    user = _user(request)
    addressed_to_user = invitation.email.lower() == user.email.lower()
    error = ""
    if request.method == "POST":
        try:
            membership = invitation_accept(token=token, user=user)
        except (ValidationError, PermissionDenied) as exc:
            error = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        else:
            messages.success(
                request, _("You joined %(name)s as staff.") % {"name": membership.organisation.name}
            )
            return redirect(_org_url(membership.organisation))
    context = {
        "invitation": invitation if addressed_to_user else None,
        "usable": addressed_to_user and invitation.is_usable(),
        "error": error,
    }
    return render(request, "employers/invitation_accept.html", context)


# --- SME claims ---------------------------------------------------------------------------------


@login_required
@require_http_methods(GET_POST)
def sme_claims(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _organisation(request, pk)
    offered = organisation.size_class != SizeClass.LARGE  # a large enterprise has no SME bonus to claim
    form = SmeClaimForm(request.POST or None, request.FILES or None, max_bytes=settings.UPLOAD_MAX_BYTES)
    if request.method == "POST" and not offered:
        messages.error(request, _("A large enterprise cannot claim the SME bonus."))
        return redirect(_org_url(organisation, "sme_claims"))
    if request.method == "POST" and form.is_valid():
        try:
            sme_claim_submit(
                organisation=organisation,
                by=_user(request),
                upload=form.cleaned_data["certificate"],
                valid_from=form.cleaned_data["valid_from"],
                valid_to=form.cleaned_data["valid_to"],
            )
        except ValidationError as exc:
            _add_service_errors(form, exc, "certificate")
        else:
            messages.success(
                request,
                _("Your SME confirmation certificate was uploaded. A reviewer will verify it."),
            )
            return redirect(_org_url(organisation, "sme_claims"))
    context = {
        **_org_context(request, organisation, "sme"),
        "form": form if offered else None,
        "claims": _page(request, sme_claims_of(organisation)),
    }
    return render(request, "employers/sme_claims.html", context)


@login_required
def sme_certificate(request: HttpRequest, pk: int, claim_pk: int) -> HttpResponseBase:
    """The stored certificate, always as a download with the type detected at upload (never inline)."""
    organisation = _organisation(request, pk)
    claim = get_sme_claim(organisation, claim_pk)
    if refused := _read_only(request):
        return refused
    response = FileResponse(
        claim.certificate.open("rb"),
        as_attachment=True,
        filename=safe_download_name(claim.certificate_name, claim.certificate_extension),
        content_type=claim.certificate_content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


# --- sponsorships -------------------------------------------------------------------------------


@login_required
def sponsorship_list(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _organisation(request, pk)
    if refused := _read_only(request):
        return refused
    context = {
        **_org_context(request, organisation, "sponsorships"),
        "sponsorships": (page := _page(request, sponsorships_of(organisation))),
        "rows": sponsorship_rows(page.object_list),
    }
    return render(request, "employers/sponsorship_list.html", context)


@login_required
@require_http_methods(GET_POST)
def sponsorship_new(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _organisation(request, pk)
    form = SponsorshipForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sponsorship = sponsorship_create(
                organisation=organisation, by=_user(request), data=form.sponsorship_data()
            )
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "The draft sponsorship for %(name)s was saved. Submit it to the candidate when it is ready."
                )
                % {"name": sponsorship.candidate_name},
            )
            return redirect(_org_url(organisation, "sponsorship", sponsorship_pk=sponsorship.pk))
    context = {**_org_context(request, organisation, "sponsorships"), "form": form, "sponsorship": None}
    return render(request, "employers/sponsorship_form.html", context)


@login_required
def sponsorship_detail(request: HttpRequest, pk: int, sponsorship_pk: int) -> HttpResponse:
    organisation = _organisation(request, pk)
    sponsorship = get_sponsorship(organisation, sponsorship_pk)
    if refused := _read_only(request):
        return refused
    context = {
        **_org_context(request, organisation, "sponsorships"),
        "sponsorship": sponsorship,
        "field_label": field_label(sponsorship.field),
        "status_explained": SPONSORSHIP_STATUS_EXPLAINED.get(sponsorship.status, ""),
        "is_draft": sponsorship.status == SponsorshipStatus.DRAFT,
        "can_send": organisation.is_verified,
        "is_confirmed": sponsorship.status == SponsorshipStatus.CONFIRMED,
        "can_withdraw": can_withdraw(sponsorship),
    }
    return render(request, "employers/sponsorship_detail.html", context)


@login_required
@require_http_methods(GET_POST)
def sponsorship_edit(request: HttpRequest, pk: int, sponsorship_pk: int) -> HttpResponse:
    organisation, sponsorship, detail_url = _sponsorship_of(request, pk, sponsorship_pk)
    if sponsorship.status != SponsorshipStatus.DRAFT:
        messages.error(request, _("Only a draft sponsorship can be edited. Withdraw it and start a new one."))
        return redirect(detail_url)
    form = SponsorshipForm(request.POST or None, instance=sponsorship)
    if request.method == "POST" and form.is_valid():
        try:
            sponsorship_update(sponsorship=sponsorship, by=_user(request), data=form.sponsorship_data())
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, _("Your changes to the draft sponsorship were saved."))
            return redirect(detail_url)
    return _sponsorship_page(request, organisation, sponsorship, "employers/sponsorship_form.html", form=form)


@login_required
@require_http_methods(GET_POST)
def sponsorship_submit_view(request: HttpRequest, pk: int, sponsorship_pk: int) -> HttpResponse:
    organisation, sponsorship, detail_url = _sponsorship_of(request, pk, sponsorship_pk)
    if sponsorship.status != SponsorshipStatus.DRAFT:
        messages.error(request, _("This sponsorship has already been submitted or withdrawn."))
        return redirect(detail_url)
    if not organisation.is_verified:
        messages.error(
            request,
            _(
                "Your organisation is not verified yet, so its sponsorships cannot be sent. Upload the "
                "business registration certificate; once the ministry verifies it you can send this one."
            ),
        )
        return redirect(_org_url(organisation, "verification"))
    form = SponsorshipSubmitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reference = form.cleaned_data["case_reference"]
        try:
            sponsorship_submit(sponsorship=sponsorship, by=_user(request), case_reference=reference)
        except ValidationError as exc:
            _add_service_errors(form, exc, "case_reference" if reference else None)
        else:
            if reference:
                text = _(
                    "The sponsorship was added to application %(reference)s. The candidate must now confirm it."
                )
            else:
                text = _("The sponsorship was sent to %(email)s. The candidate must now confirm it.")
            messages.success(request, text % {"reference": reference, "email": sponsorship.candidate_email})
            return redirect(detail_url)
    return _sponsorship_page(
        request, organisation, sponsorship, "employers/sponsorship_submit.html", form=form
    )


@login_required
@require_http_methods(GET_POST)
def sponsorship_withdraw_view(request: HttpRequest, pk: int, sponsorship_pk: int) -> HttpResponse:
    organisation, sponsorship, detail_url = _sponsorship_of(request, pk, sponsorship_pk)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sponsorship_withdraw(
                sponsorship=sponsorship, by=_user(request), reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("The sponsorship for %(name)s was withdrawn.") % {"name": sponsorship.candidate_name},
            )
            return redirect(detail_url)
    return _sponsorship_page(
        request,
        organisation,
        sponsorship,
        "employers/sponsorship_withdraw.html",
        form=form,
        can_withdraw=can_withdraw(sponsorship),
    )


@login_required
def sponsored_case_view(request: HttpRequest, pk: int, sponsorship_pk: int) -> HttpResponse:
    """Reference, status in words and submission date: nothing of the applicant's facts or documents;
    and a reviewer's open request addressed to the employer, with the form to answer it."""
    organisation = _organisation(request, pk)
    sponsorship = get_sponsorship(organisation, sponsorship_pk)
    if refused := _read_only(request):
        return refused
    return _sponsored_case_page(request, organisation, sponsorship, InformationAnswerForm())


def _sponsored_case_page(
    request: HttpRequest,
    organisation: Organisation,
    sponsorship: Any,
    form: InformationAnswerForm,
    status: int = 200,
) -> HttpResponse:
    context = {
        **_org_context(request, organisation, "sponsorships"),
        "sponsorship": sponsorship,
        "case": sponsored_case(sponsorship),
        "information_request": _request_to_employer(sponsorship),
        "answer_form": form,
    }
    return render(request, "employers/sponsored_case.html", context, status=status)


def _request_to_employer(sponsorship: Any) -> dict[str, Any] | None:
    """The open request addressed to the employer, as the few fields the page shows (never the case)."""
    request = (
        InformationRequest.objects.filter(
            case_id=sponsorship.case_id,
            addressee=InformationRequest.Addressee.EMPLOYER,
            responded_at__isnull=True,
            # Only while the case waits for it: a case withdrawn meanwhile has nothing to answer.
            case__status=CaseStatus.INFORMATION_REQUESTED,
        )
        .only("pk", "message", "needed", "respond_by", "requested_at")
        .first()
    )
    if request is None or sponsorship.status != SponsorshipStatus.CONFIRMED:
        return None
    return {
        "pk": request.pk,
        "message": request.message,
        "needed": request.needed,
        "respond_by": request.respond_by,
        "requested_at": request.requested_at,
    }


@login_required
@require_http_methods(["POST"])
def sponsored_case_respond(request: HttpRequest, pk: int, sponsorship_pk: int) -> HttpResponse:
    """The employer's answer (text and files) to the reviewer's request: the case's clock resumes."""
    organisation = _organisation(request, pk)
    sponsorship = get_sponsorship(organisation, sponsorship_pk)
    case_url = _org_url(organisation, "sponsored_case", sponsorship_pk=sponsorship.pk)
    open_request = _request_to_employer(sponsorship)
    if open_request is None:
        messages.info(request, _("There is no open request for your organisation to answer."))
        return redirect(case_url)
    form = InformationAnswerForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            information_respond(
                request=InformationRequest.objects.get(pk=open_request["pk"]),
                by=_user(request),
                text=form.cleaned_data["text"],
                uploads=form.cleaned_data["attachments"],
            )
        except ValidationError as exc:
            _add_service_errors(form, exc)
        except (TransitionNotAllowed, StaleCase, PermissionDenied):
            # The case moved on meanwhile (withdrawn, decided, or the sponsorship ended).
            messages.info(request, _("There is no open request for your organisation to answer."))
            return redirect(case_url)
        else:
            messages.success(
                request, _("Your answer has been sent to the reviewer. The processing clock runs again.")
            )
            return redirect(case_url)
    return _sponsored_case_page(request, organisation, sponsorship, form, status=400)
