"""Changes to cases: drafts, evidence, submission, withdrawal. Views and tasks call these only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.cases.clock import due_at_on_submission
from apps.cases.documents import document_kinds, document_label
from apps.cases.models import (
    FINAL_STATUSES,
    Case,
    CaseDocument,
    CaseEvent,
    CaseStatus,
    SponsorshipStatus,
    Track,
)
from apps.cases.search import index_fields
from apps.cases.transitions import NOTIFY_TASK, SCORE_TASK, SUBMIT, WITHDRAW, record_event, transition
from apps.core.hooks import safe_on_commit
from apps.core.uploads import CheckedUpload, check_upload
from apps.rubric.answers import answers_as_json, institution_rank
from apps.rubric.language.document import Version
from apps.rubric.models import RubricVersion
from apps.rubric.selectors import rubric_version_in_force

# Evidence may change while the applicant prepares the case or answers an information request.
EDITABLE_EVIDENCE_STATUSES = (CaseStatus.DRAFT, CaseStatus.INFORMATION_REQUESTED)


class CaseIncomplete(ValidationError):
    """What is still missing before the case can be submitted, in words the applicant can act on."""


def _require_applicant(case: Case, by: User) -> None:
    if case.applicant_id != by.pk:
        raise PermissionDenied(_("Only the applicant can change this case."))


class OpenApplicationExists(ValidationError):
    """The person already has an open application (one at a time); ``case`` is it."""

    def __init__(self, case: Case) -> None:
        super().__init__(
            _("You already have an open application, %(reference)s: continue it.")
            % {"reference": case.reference}
        )
        self.case = case


def open_case_of(applicant: User) -> Case | None:
    return Case.objects.filter(applicant=applicant).exclude(status__in=FINAL_STATUSES).first()


def case_start(*, applicant: User, answers: Mapping[str, Any] | None = None, track: str = "") -> Case:
    """A new draft, unless the person has an open application (``OpenApplicationExists``). The
    database's unique constraint settles a race between two requests."""
    existing = open_case_of(applicant)
    if existing is not None:
        raise OpenApplicationExists(existing)
    try:
        with transaction.atomic():
            case = Case.objects.create(applicant=applicant, facts=answers_as_json(answers or {}), track=track)
            record_event(case=case, kind=CaseEvent.Kind.CREATED, by=applicant)
    except IntegrityError:
        raced = open_case_of(applicant)
        if raced is None:
            raise
        raise OpenApplicationExists(raced) from None
    return case


def case_update_draft(
    *, case: Case, by: User, answers: Mapping[str, Any] | None = None, track: str | None = None
) -> Case:
    """Save the applicant's answers and/or track; merges, so a partial step never loses earlier ones."""
    _require_applicant(case, by)
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.status != CaseStatus.DRAFT:
            raise ValidationError(_("This application has been submitted; its answers can no longer change."))
        fields = ["updated_at"]
        if answers is not None:
            locked.facts = {**locked.facts, **answers_as_json(answers)}
            fields.append("facts")
        if track is not None:
            if track and track not in Track.values:
                raise ValidationError(_("Choose one of the tracks offered."))
            locked.track = track
            fields.append("track")
        locked.save(update_fields=fields)
    case.refresh_from_db()
    return case


# --- Evidence ------------------------------------------------------------------------------------


def document_add(*, case: Case, by: User, kind: str, upload: UploadedFile) -> CaseDocument:
    """Check the file (size, real type), store it under a random name, and record it on the timeline."""
    _require_applicant(case, by)
    if kind not in document_kinds():
        raise ValidationError(_("Unknown kind of document."))
    checked = check_upload(upload)  # the slow part, before taking the lock
    with transaction.atomic():
        # Under the case's row lock, as a submission checks completeness under it: an upload racing
        # a submission lands either before it (and counts) or after it (and is refused).
        _lock_editable(case)
        return store_document(case=case, by=by, kind=kind, upload=upload, checked=checked)


def _lock_editable(case: Case) -> Case:
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.status not in EDITABLE_EVIDENCE_STATUSES:
        raise ValidationError(
            _("Documents can be changed only before submission or when information is requested.")
        )
    return locked


def store_document(
    *, case: Case, by: User, kind: str, upload: UploadedFile, checked: CheckedUpload
) -> CaseDocument:
    """Store an already checked file under a random name and record it on the timeline."""
    with transaction.atomic():
        document = CaseDocument(
            case=case,
            kind=kind,
            original_name=checked.original_name,
            content_type=checked.content_type,
            extension=checked.extension,
            size=checked.size,
            sha256=checked.sha256,
            uploaded_by=by,
            uploaded_at=timezone.now(),
        )
        document.file.save(f"upload{checked.extension}", upload, save=False)
        document.save()
        record_event(
            case=case,
            kind=CaseEvent.Kind.DOCUMENT_ADDED,
            by=by,
            data={"kind": kind, "name": checked.original_name},
        )
    return document


def document_replace(*, document: CaseDocument, by: User, upload: UploadedFile) -> CaseDocument:
    """A new file of the same kind; the old one is removed only once the new one is stored."""
    with transaction.atomic():
        replacement = document_add(case=document.case, by=by, kind=document.kind, upload=upload)
        document_remove(document=document, by=by)
    return replacement


def document_remove(*, document: CaseDocument, by: User) -> None:
    case = document.case
    _require_applicant(case, by)
    name, kind = document.original_name, document.kind
    stored = document.file.name
    storage = document.file.storage
    with transaction.atomic():
        _lock_editable(case)  # see document_add: a removal cannot slip past a submission's check
        document.delete()
        record_event(
            case=case, kind=CaseEvent.Kind.DOCUMENT_REMOVED, by=by, data={"kind": kind, "name": name}
        )
        safe_on_commit(lambda: storage.delete(stored), what=f"delete the stored file {stored}")


# --- Submission ----------------------------------------------------------------------------------


def case_missing_items(case: Case, *, version: RubricVersion | None = None) -> list[str]:
    """Everything that stops a submission today, as sentences; empty when the case is complete."""
    version = version or rubric_version_in_force(timezone.localdate())
    config = version.parsed_config()
    missing: list[str] = []
    track = config.track(case.track) if case.track else None
    if track is None:
        missing.append(_("Choose a track that the current rules offer."))
        return missing
    missing.extend(_missing_answers(case))
    missing.extend(_missing_documents(case, track.documents))
    if (
        case.track == Track.QUALITATIVE
        and not case.sponsorships.filter(status=SponsorshipStatus.CONFIRMED).exists()
    ):
        missing.append(_("The qualitative track needs a sponsorship from your employer, confirmed by you."))
    if case.track == Track.GOVERNMENT_PROGRAMME and not case.facts.get("government_programme"):
        missing.append(_("Name the government programme that recruited you."))
    return missing


def _missing_answers(case: Case) -> Iterable[str]:
    if not case.facts.get("degree_level"):
        yield _("Tell us your highest degree.")
    if case.facts.get("experience_years") in (None, ""):
        yield _("Tell us your years of relevant experience.")


def _missing_documents(case: Case, required: Iterable[str]) -> Iterable[str]:
    present = set(case.documents.values_list("kind", flat=True))
    for kind in required:
        if kind not in present:
            yield _("Upload: %(document)s.") % {"document": document_label(kind)}


def case_submit(
    *,
    case: Case,
    by: User,
    roster_match: Mapping[str, Any] | None = None,
    applicant_name: str = "",
    profile: Mapping[str, Any] | None = None,
) -> CaseEvent:
    """Submit a complete draft: freeze its facts (and the applicant's profile as entered, for the
    reviewer: apps.cases.casefile), start the clock, and enqueue scoring after commit.

    A second submission (a double click, a retried request) finds the case no longer a draft and is
    refused by the transition, so there is exactly one submission, one clock start and one score.
    """
    _require_applicant(case, by)
    version = rubric_version_in_force(timezone.localdate())
    clock_days = version.parsed_config().service_clock.days

    def start_clock(locked: Case, now: dt.datetime) -> dict[str, Any]:
        # Completeness is checked under the row lock that document changes also take, so nothing
        # can be removed between the check and the submission.
        missing = case_missing_items(locked, version=version)
        if missing:
            raise CaseIncomplete(missing)
        fields: dict[str, Any] = {
            "rubric_version": version,
            "submitted_at": now,
            "due_at": due_at_on_submission(now, clock_days),
            "facts": _frozen_facts(locked.facts),
            "roster_match": dict(roster_match) if roster_match else None,
            "profile": dict(profile) if profile else {},
        }
        # The queue copies read the facts, field and sponsor only: freezing changes neither.
        return {**fields, **index_fields(locked, applicant_name=applicant_name)}

    return transition(
        case=case, move=SUBMIT, by=by, change=start_clock, side_effects=(NOTIFY_TASK, SCORE_TASK)
    )


def _frozen_facts(facts: Mapping[str, Any]) -> dict[str, Any]:
    """Resolve the institution's rank now: a later change of the reference list must not rescore."""
    frozen = dict(facts)
    if frozen.get("institution") and frozen.get("institution_rank") is None:
        frozen["institution_rank"] = institution_rank(rank=None, institution=frozen["institution"])
    return frozen


def case_withdraw(*, case: Case, by: User, reason: str = "") -> CaseEvent:
    _require_applicant(case, by)

    def stop_clock(locked: Case, now: dt.datetime) -> dict[str, Any]:
        return {"decided_at": now}

    return transition(case=case, move=WITHDRAW, by=by, reason=reason, change=stop_clock)


def config_for(case: Case) -> Version:
    version = case.rubric_version or rubric_version_in_force(timezone.localdate())
    return version.parsed_config()
