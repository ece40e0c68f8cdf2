"""The shared case model: one case per application, seen by applicants, employers and the ministry.

Every change of ``Case.status`` goes through ``apps.cases.transitions`` (one atomic function per
move, which checks the current state and the actor, writes a ``CaseEvent`` and enqueues side effects
after commit). pghistory also records every row change, including ``.update()`` and bulk writes.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CaseStatus(models.TextChoices):
    """The states of a case.

    - draft: the applicant is preparing it; only they (and confirmed sponsors, by status) see it.
    - submitted: complete and submitted; the processing clock runs; waiting for a reviewer.
    - in_review: a reviewer is assessing it; the clock runs.
    - information_requested: waiting on the applicant or employer; the clock is paused.
    - approved / rejected: decided; the clock has stopped.
    - review_requested: rejected, and the applicant asked for a review within the rubric version's
      period (``clock.review_request_days``); the review runs on its own clock
      (``ReviewRequest.due_at``) until a supervisor upholds the rejection (rejected again, final) or
      overturns it (approved).
    - withdrawn: the applicant withdrew it before a decision; final.
    """

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    INFORMATION_REQUESTED = "information_requested", _("Information requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REVIEW_REQUESTED = "review_requested", _("Review requested")


OPEN_STATUSES = (CaseStatus.SUBMITTED, CaseStatus.IN_REVIEW, CaseStatus.INFORMATION_REQUESTED)
FINAL_STATUSES = (CaseStatus.APPROVED, CaseStatus.REJECTED, CaseStatus.WITHDRAWN)


class Track(models.TextChoices):
    QUANTITATIVE = "quantitative", _("Quantitative track")
    QUALITATIVE = "qualitative", _("Qualitative track")
    GOVERNMENT_PROGRAMME = "government_programme", _("Government programme track")


# Crockford's base-32 without I, L, O and U: no letter is mistaken for a digit when read aloud.
REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_case_reference() -> str:
    body = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"KTP-{body[:4]}-{body[4:]}"


# The ministry queue's copies (apps.cases.search), left out of the row history (decision 20): each is
# derived at submission from something with its own history (the facts, the confirmed sponsorship and
# its organisation, the applicant's profile), and the bigrams alone made most of a history row.
QUEUE_COPY_FIELDS = ["applicant_name", "employer_name", "field", "sme_claimed", "search_text", "search_grams"]


# "CaseEvent" below is the human timeline; pghistory's row history is "CaseHistory" / case.history.
# Only the fields worth auditing are copied, and a change of the queue's copies alone writes no row.
@pghistory.track(
    model_name="CaseHistory",
    obj_field=pghistory.ObjForeignKey(related_name="history"),
    exclude=QUEUE_COPY_FIELDS,
)
class Case(models.Model):
    reference = models.CharField(_("reference"), max_length=13, unique=True, default=new_case_reference)
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cases")
    track = models.CharField(_("track"), max_length=32, choices=Track.choices, blank=True)
    status = models.CharField(
        _("status"), max_length=32, choices=CaseStatus.choices, default=CaseStatus.DRAFT
    )
    # The applicant's declared facts in the self-assessment answer shape (see
    # apps.rubric.answers.answer_fields()); frozen at submission.
    facts = models.JSONField(_("declared facts"), default=dict, blank=True)
    # For the government-programme track: the roster match found at submission (RosterMatch.as_dict()).
    roster_match = models.JSONField(_("programme roster match"), null=True, blank=True)

    rubric_version = models.ForeignKey(
        "rubric.RubricVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    paused_at = models.DateTimeField(_("paused since"), null=True, blank=True)
    paused_total = models.DurationField(_("time paused"), default=dt.timedelta)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("assigned to"),
    )
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    # Optimistic concurrency: a change made on a stale copy of the case is refused, not applied.
    lock_version = models.PositiveIntegerField(_("version"), default=1)
    # Which stretch of the clock this is: 0 from submission, +1 each time it resumes after a pause.
    # Reminders are "once per case, threshold and clock period" (policy.md section 4).
    clock_period = models.PositiveSmallIntegerField(_("clock period"), default=0)

    # The applicant's profile as submitted (apps.cases.casefile.SNAPSHOT_KEYS): name, nationality,
    # each degree and job as entered, the award. Frozen with the facts, so the reviewer sees the file
    # the applicant sent, whatever the profile says later. Empty for cases submitted before it was kept.
    profile = models.JSONField(_("profile as submitted"), default=dict, blank=True)

    # Copied at submission (apps.cases.search) so the ministry queue filters and searches one table.
    applicant_name = models.CharField(_("applicant's name"), max_length=200, blank=True)
    employer_name = models.CharField(_("employer"), max_length=200, blank=True)
    field = models.CharField(_("field"), max_length=50, blank=True)
    sme_claimed = models.BooleanField(_("SME bonus claimed"), default=False)
    # Lower-cased "reference name employer" and its character bigrams: the embedded PostgreSQL has
    # no pg_trgm (docs/decisions/0002), so a GIN index on the bigrams finds Korean and Latin names.
    search_text = models.TextField(blank=True)
    search_grams = ArrayField(models.CharField(max_length=2), default=list, blank=True)

    # The government-programme track: a reviewer confirms the roster match found at submission.
    roster_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("roster match confirmed by"),
    )
    roster_confirmed_at = models.DateTimeField(_("roster match confirmed at"), null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            # "Open cases due before X": the queue's default order and the reminder sweep.
            # "Open cases due before X": the queue's default order (keyset on due date, then id) and
            # the reminder sweep.
            # It carries the queue's filter columns, so the counts per filter and the caseloads
            # are answered from the index alone (an index-only scan), not from table rows.
            models.Index(
                fields=["due_at", "id"],
                name="case_open_due_idx",
                include=["status", "track", "field", "sme_claimed", "assigned_to", "paused_at"],
                condition=Q(status__in=["submitted", "in_review", "information_requested"]),
            ),
            # A reviewer's own open cases, and each reviewer's caseload.
            models.Index(
                fields=["assigned_to", "due_at", "id"],
                name="case_open_assignee_idx",
                condition=Q(status__in=["submitted", "in_review", "information_requested"]),
            ),
            GinIndex(fields=["search_grams"], name="case_search_grams_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                # A draft can be withdrawn without ever being submitted.
                condition=Q(status__in=["draft", "withdrawn"]) | Q(submitted_at__isnull=False),
                name="case_submitted_has_submission_time",
            ),
            # One open application per person (a draft, or anything not yet decided or withdrawn):
            # enforced here, so two windows or a retried request cannot open a second (issue 12).
            models.UniqueConstraint(
                fields=["applicant"],
                condition=~Q(status__in=["approved", "rejected", "withdrawn"]),
                name="case_one_open_per_applicant",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES


class CaseEvent(models.Model):
    """One line of a case's timeline: who did what, when and why. Written by the transition service."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Application started")
        SUBMITTED = "submitted", _("Application submitted")
        SCORED = "scored", _("Score calculated")
        REVIEW_STARTED = "review_started", _("Review started")
        INFORMATION_REQUESTED = "information_requested", _("Information requested")
        INFORMATION_PROVIDED = "information_provided", _("Information provided")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        DOCUMENT_ADDED = "document_added", _("Document added")
        DOCUMENT_REMOVED = "document_removed", _("Document removed")
        SPONSORSHIP_CONFIRMED = "sponsorship_confirmed", _("Sponsorship confirmed")
        SPONSORSHIP_DECLINED = "sponsorship_declined", _("Sponsorship declined")
        ASSIGNED = "assigned", _("Assigned to a reviewer")
        REASSIGNED = "reassigned", _("Reassigned to another reviewer")
        QUALITATIVE_ASSESSED = "qualitative_assessed", _("Qualitative criteria assessed")
        SME_VERIFIED = "sme_verified", _("SME status verified")
        SME_REJECTED = "sme_rejected", _("SME status rejected")
        ROSTER_CONFIRMED = "roster_confirmed", _("Programme roster match confirmed")
        REVIEW_REQUESTED = "review_requested", _("Review of the decision requested")
        REVIEW_UPHELD = "review_upheld", _("Review decided: the rejection is upheld")
        REVIEW_OVERTURNED = "review_overturned", _("Review decided: the rejection is overturned")
        LETTER_ISSUED = "letter_issued", _("Decision letter issued")
        LETTER_WITHDRAWN = "letter_withdrawn", _("Decision letter withdrawn")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    from_status = models.CharField(max_length=32, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(max_length=32, choices=CaseStatus.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )  # null: the system (a worker)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["case", "at"], name="case_event_timeline_idx")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} at {self.at:%Y-%m-%d %H:%M}"

    @property
    def changes_status(self) -> bool:
        return bool(self.to_status) and self.to_status != self.from_status


# Ministry-only lines of the timeline: applicants and employers never see these (their reasons and
# data are the reviewers' working notes). ``apps.cases.selectors.public_timeline`` leaves them out.
INTERNAL_EVENT_KINDS: frozenset[str] = frozenset(
    {
        CaseEvent.Kind.ASSIGNED,
        CaseEvent.Kind.REASSIGNED,
        CaseEvent.Kind.QUALITATIVE_ASSESSED,
        CaseEvent.Kind.SME_VERIFIED,
        CaseEvent.Kind.SME_REJECTED,
        CaseEvent.Kind.ROSTER_CONFIRMED,
    }
)


class CaseScore(models.Model):
    """The score snapshot of a submitted case: one per case, written by the scoring task."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="score")
    rubric_version = models.ForeignKey("rubric.RubricVersion", on_delete=models.PROTECT, related_name="+")
    result = models.JSONField()  # ScoreResult.as_dict(): points per criterion, explanations, tracks
    total = models.PositiveSmallIntegerField()
    computed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.case_id}: {self.total} ({self.rubric_version_id})"


def document_path(instance: CaseDocument, filename: str) -> str:
    # Never the client's file name in the path: a random name with the checked extension.
    return f"cases/{instance.case_id}/{uuid.uuid4().hex}{instance.extension}"


class CaseDocument(models.Model):
    """Evidence on a case. Served only through the authorising download view, as an attachment."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(
        max_length=40
    )  # one of apps.cases.documents.document_kinds() (the catalogue), or RESPONSE_KIND
    file = models.FileField(upload_to=document_path)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=64)  # detected from the content, not the client's claim
    extension = models.CharField(max_length=8)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["kind", "uploaded_at"]
        indexes = [models.Index(fields=["case", "kind"], name="case_document_kind_idx")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.original_name}"


class SponsorshipStatus(models.TextChoices):
    """draft: the employer is writing it · submitted: sent to the candidate · confirmed: the candidate
    accepted it on their case · withdrawn: the employer took it back · declined: the candidate
    refused it (the employer is told)."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted to the candidate")
    CONFIRMED = "confirmed", _("Confirmed by the applicant")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    DECLINED = "declined", _("Declined by the candidate")


@pghistory.track()
class Sponsorship(models.Model):
    """An employer's sponsorship of a named candidate; the B2 criterion and the SME bonus come from it."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="sponsorships"
    )
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="sponsorships"
    )
    candidate_email = models.EmailField(_("candidate's e-mail address"))
    candidate_name = models.CharField(_("candidate's name"), max_length=200)
    job_title = models.CharField(_("job title"), max_length=200)
    field = models.CharField(_("field"), max_length=50)
    offered_salary_krw = models.PositiveBigIntegerField(_("offered annual salary (KRW)"))
    core_technology_role = models.PositiveSmallIntegerField(_("core-technology role (0-5)"))
    core_technology_basis = models.TextField(_("basis for the core-technology rating"))
    recruiting_months = models.PositiveSmallIntegerField(_("months spent recruiting domestically"), default=0)
    hard_to_fill_evidence = models.TextField(_("evidence that the post is hard to fill"), blank=True)
    transfer_plan = models.PositiveSmallIntegerField(_("technology-transfer or training plan (0-5)"))
    transfer_plan_text = models.TextField(_("the plan"))
    status = models.CharField(
        _("status"), max_length=16, choices=SponsorshipStatus.choices, default=SponsorshipStatus.DRAFT
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(core_technology_role__lte=5), name="sponsorship_core_role_0_5"
            ),
            models.CheckConstraint(condition=Q(transfer_plan__lte=5), name="sponsorship_transfer_plan_0_5"),
            # One confirmed sponsorship per case: the score reads exactly one.
            models.UniqueConstraint(
                fields=["case"], condition=Q(status="confirmed"), name="sponsorship_one_confirmed_per_case"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.candidate_name} ({self.status})"


class DecisionReason(models.TextChoices):
    CRITERIA_MET = "criteria_met", _("The track's criteria are met")
    BELOW_PASS_MARK = "below_pass_mark", _("The verified score is below the pass mark")
    TRACK_CRITERIA_NOT_MET = "track_criteria_not_met", _("The track's criteria are not met")
    EVIDENCE_NOT_VERIFIED = "evidence_not_verified", _("The evidence could not be verified")
    NOT_ON_ROSTER = "not_on_roster", _("Not on the government programme's roster")
    NO_RESPONSE = "no_response", _("The information requested was not provided")


class InformationRequest(models.Model):
    """A reviewer's request to the applicant or the employer; the clock pauses until it is answered."""

    class Addressee(models.TextChoices):
        APPLICANT = "applicant", _("The applicant")
        EMPLOYER = "employer", _("The employer")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="information_requests")
    addressee = models.CharField(_("addressed to"), max_length=16, choices=Addressee.choices)
    message = models.TextField(_("message"))
    needed = models.TextField(_("what is needed"))
    respond_by = models.DateField(_("respond by"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    response_text = models.TextField(_("response"), blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(responded_at__isnull=True),
                name="information_request_one_open_per_case",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.addressee} by {self.respond_by}"

    @property
    def is_open(self) -> bool:
        return self.responded_at is None


@pghistory.track()
class QualitativeAssessment(models.Model):
    """A reviewer's verified facts for the qualitative criteria (B1, B2), each with a justification.

    The reviewer enters what they verified, within the scales of the case's rubric version; the
    points always come from the engine (apps.cases.score_snapshot overlays these facts), never by hand.
    """

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="qualitative_assessment")
    # B1: specific technical expertise
    field = models.CharField(_("field"), max_length=50)
    field_justification = models.TextField(_("why this field"))
    publications_and_patents = models.PositiveSmallIntegerField(_("publications and granted patents"))
    publications_justification = models.TextField(_("how the publications and patents were verified"))
    led_project_years = models.DecimalField(
        _("years leading a major R&D project"), max_digits=4, decimal_places=1
    )
    international_award = models.BooleanField(_("holds an international award"), default=False)
    leadership_justification = models.TextField(_("how the leadership or award was verified"))
    # B2: strategic value to the hiring firm
    core_technology_role = models.PositiveSmallIntegerField(_("core-technology role"))
    core_technology_justification = models.TextField(_("why this rating"))
    hard_to_fill = models.BooleanField(_("hard to fill domestically"), default=False)
    hard_to_fill_justification = models.TextField(_("why"))
    transfer_plan = models.PositiveSmallIntegerField(_("technology-transfer or training plan"))
    transfer_plan_justification = models.TextField(_("why this rating"))

    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(led_project_years__gte=0), name="assessment_led_years_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} assessed by {self.assessed_by_id}"


class CaseNote(models.Model):
    """An internal note by ministry staff. Applicants and employers never see these."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("note"))
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["case", "created_at"], name="case_note_case_idx")]

    def __str__(self) -> str:
        return f"{self.case_id} note by {self.author_id}"


@pghistory.track()
class ReviewRequest(models.Model):
    """The applicant's request for a review of a rejection (one per case), and its outcome.

    Made within the rubric version's ``clock.review_request_days`` after the decision; the review
    has its own clock (``due_at``: the version's ``clock.days`` from the request) and is decided by a
    supervisor: upheld (the case is rejected again, for good) or overturned (approved).
    """

    class Outcome(models.TextChoices):
        UPHELD = "upheld", _("Upheld: the rejection stands")
        OVERTURNED = "overturned", _("Overturned: the application is approved")

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="review_request")
    grounds = models.TextField(_("why the decision should be reviewed"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    due_at = models.DateTimeField(_("review due by"))
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    explanation = models.TextField(_("explanation for the applicant"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(outcome="") & Q(decided_at__isnull=True))
                | (~Q(outcome="") & Q(decided_at__isnull=False)),
                name="review_request_outcome_has_decision_time",
            ),
        ]
        indexes = [
            # Open reviews by due date: the queue's second source and the reminder sweep (decision 57).
            models.Index(
                fields=["due_at", "case"], name="review_request_open_due_idx", condition=Q(outcome="")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: review {self.outcome or 'open'}"

    @property
    def is_open(self) -> bool:
        return not self.outcome


@pghistory.track()
class DecisionLetter(models.Model):
    """The decision letter of an approved case (apps.cases.letters).

    Its verification code is never stored: it is an HMAC, under the server's secret, of the case's
    reference and this row's random ``nonce`` (decision 0046), so the letter can be printed again
    and a copy of the database alone tells nobody a code. At most one letter per case is current;
    a new letter supersedes the old one, and a withdrawn letter stays withdrawn.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="letters")
    nonce = models.CharField(max_length=64, unique=True)
    track = models.CharField(_("track"), max_length=32, choices=Track.choices)
    score_total = models.PositiveSmallIntegerField(_("score"))
    rubric_version_code = models.CharField(_("rules version"), max_length=20)
    decided_at = models.DateTimeField(_("decision date"))
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_reason = models.TextField(_("why it was withdrawn"), blank=True)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(superseded_at__isnull=True, withdrawn_at__isnull=True),
                name="decision_letter_one_current_per_case",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: letter of {self.issued_at:%Y-%m-%d}"

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None and self.withdrawn_at is None
