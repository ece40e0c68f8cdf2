"""Reads that assemble the case workspace: everything a reviewer needs about one case, on one page.

Pure reads (no changes): the declared facts, the sponsor and its terms, the evidence, the verified
score next to the applicant's own self-assessment, the clock, the requests, the SME certificate,
the roster match, the notes and the full audit trail. What the viewer may do is worked out here too,
so the template only shows the actions the services would accept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.accounts.models import User
from apps.cases.abilities import allowed_moves, may_work
from apps.cases.casefile import Group, case_file, sponsorship_terms, track_uses_assessment
from apps.cases.clock import days_left, is_overdue
from apps.cases.documents import RESPONSE_KIND, document_label
from apps.cases.models import (
    Case,
    CaseDocument,
    CaseEvent,
    CaseNote,
    CaseStatus,
    InformationRequest,
    QualitativeAssessment,
    Sponsorship,
    Track,
)
from apps.cases.reading import Audience, TimelineLine, timeline
from apps.cases.reviewer_findings import (
    QualitativeScales,
    claim_valid_for_case,
    confirmed_sponsorship,
    qualitative_scales,
)
from apps.cases.score_snapshot import explained_score, scored_answers
from apps.cases.transitions import APPROVE, ASSESS_QUALITATIVE, REJECT, REQUEST_INFORMATION, START_REVIEW
from apps.core.moves import context_actor, context_move
from apps.metrics.models import ProcessingInquiry
from apps.metrics.selectors import processing_inquiries
from apps.organisations.models import SizeClass, SmeClaim, SmeClaimStatus
from apps.programmes.models import RosterEntry
from apps.reviewers.clock_text import clock_text
from apps.reviewers.workspace.decision_panel import AfterDecision, after_decision
from apps.reviewers.workspace.sponsor_checks import SponsorFlag, sponsor_flags
from apps.rubric.answers import profile_from_answers
from apps.rubric.language.document import Criterion, Version, rule_facts
from apps.rubric.language.reading import ConfigErrors
from apps.rubric.language.scorer import CriterionResult, ScoreResult
from apps.rubric.selectors import reference_names, scorer_for
from apps.rubric.wording import fact_label, with_institution
from apps.rubric.wording import fact_value as fact_value

# Shown inline (an iframe for PDF, an image otherwise): only types detected at upload that a
# browser renders without running anything. Everything else is offered as a download only.
PREVIEW_TYPES: frozenset[str] = frozenset({"application/pdf", "image/png", "image/jpeg"})
IMAGE_TYPES: frozenset[str] = frozenset({"image/png", "image/jpeg"})

# A response's files are stored in the same transaction as the answer, moments after it.
RESPONSE_FILES_WINDOW = dt.timedelta(minutes=5)
HISTORY_FIELDS = (
    "status",
    "assigned_to_id",
    "assigned_at",
    "due_at",
    "paused_at",
    "paused_total",
    "decided_at",
    "track",
    "facts",
    "roster_confirmed_by_id",
    "roster_confirmed_at",
    "clock_period",
)
HISTORY_LIMIT = 200  # the newest versions of the record; the page says when older ones are left out


@dataclass(frozen=True, slots=True)
class FactRow:
    label: str
    value: str


@dataclass(frozen=True, slots=True)
class DocumentRow:
    document: CaseDocument
    label: str

    @property
    def previewable(self) -> bool:
        return self.document.content_type in PREVIEW_TYPES

    @property
    def is_image(self) -> bool:
        return self.document.content_type in IMAGE_TYPES


@dataclass(frozen=True, slots=True)
class FileGroup:
    """A group of the case file (apps.cases.casefile.Group) with the documents behind it."""

    group: Group
    documents: list[DocumentRow]

    @property
    def anchor(self) -> str:
        return f"file-{self.group.code}"


@dataclass(frozen=True, slots=True)
class NextAction:
    text: str
    anchor: str  # the section of the page where it is done ("" when nothing is to be done here)


@dataclass(frozen=True, slots=True)
class CriterionRow:
    """One criterion: the verified points (the case's score) next to the applicant's own estimate."""

    code: str
    title: str
    max: int
    verified: CriterionResult
    declared: CriterionResult | None
    facts: list[FactRow]
    documents: list[DocumentRow]

    @property
    def difference(self) -> int | None:
        return None if self.declared is None else self.verified.points - self.declared.points

    @property
    def difference_text(self) -> str:
        return difference_text(self.difference)


def difference_text(difference: int | None) -> str:
    """The difference in words, so it never depends on colour alone."""
    if difference is None:
        return _("no self-assessment to compare")
    if difference == 0:
        return _("same as self-assessed")
    if difference > 0:
        return _("%(points)s more than self-assessed") % {"points": difference}
    return _("%(points)s fewer than self-assessed") % {"points": -difference}


@dataclass(frozen=True, slots=True)
class ScoreView:
    verified: ScoreResult
    declared: ScoreResult | None
    rows: list[CriterionRow]
    computed_at: dt.datetime | None
    track_title: str
    track_eligible: bool | None
    track_reasons: tuple[str, ...]

    @property
    def total_difference_text(self) -> str:
        return difference_text(None if self.declared is None else self.verified.total - self.declared.total)

    @property
    def bonus_difference_text(self) -> str:
        declared = None if self.declared is None else self.declared.sme_bonus
        return difference_text(None if declared is None else self.verified.sme_bonus - declared)


@dataclass(frozen=True, slots=True)
class ClockView:
    due_at: dt.datetime | None
    days_left: int | None
    paused_since: dt.datetime | None
    overdue: bool
    paused_total: dt.timedelta

    @property
    def text(self) -> str:
        """The queue's wording ("Overdue today", "2 days overdue", "Paused (...)"); "" once stopped."""
        if self.days_left is None:
            return ""
        return clock_text(
            days_left=self.days_left, overdue=self.overdue, paused=self.paused_since is not None
        )

    @property
    def paused_text(self) -> str:
        return duration_text(self.paused_total) if self.paused_total else ""


def duration_text(duration: dt.timedelta) -> str:
    """ "3 days, 12 hours": whole hours are precise enough for a paused clock."""
    hours = int(duration.total_seconds() // 3600)
    days, hours = divmod(hours, 24)
    parts = []
    if days:
        parts.append(ngettext("%(count)s day", "%(count)s days", days) % {"count": days})
    if hours or not days:
        parts.append(ngettext("%(count)s hour", "%(count)s hours", hours) % {"count": hours})
    return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class RequestRow:
    request: InformationRequest
    files: list[DocumentRow]


@dataclass(frozen=True, slots=True)
class ClaimRow:
    claim: SmeClaim
    valid_on_submission: bool
    can_review: bool


@dataclass(frozen=True, slots=True)
class SmeView:
    sponsorship: Sponsorship
    claims: list[ClaimRow]
    bonus_counts: bool  # a verified claim covers the submission day


@dataclass(frozen=True, slots=True)
class RosterView:
    match: Mapping[str, Any]
    programme: str
    entry: RosterEntry | None
    other_entry: RosterEntry | None
    confirmed_by: User | None
    confirmed_at: dt.datetime | None
    can_confirm: bool


@dataclass(frozen=True, slots=True)
class HistoryRow:
    at: dt.datetime
    actor: str
    action: str
    changed: list[str]


@dataclass(frozen=True, slots=True)
class History:
    rows: list[HistoryRow]  # oldest first
    older_left_out: bool  # the record has older versions than the rows compare
    limit: int


@dataclass(slots=True)
class Abilities:
    """What the viewer may do on this case now (mirrors the services' checks)."""

    take: bool = False
    act: bool = False  # assess, verify, confirm, request information
    decide: bool = False
    request_information: bool = False
    ask_employer: bool = False
    assess: bool = False
    assessment_used: bool = False  # the case's track decides on criteria a reviewer assesses
    reasons: list[str] = field(default_factory=list)  # why an action is not offered


@dataclass(slots=True)
class Workspace:
    case: Case
    clock: ClockView
    casefile: list[FileGroup]
    values: dict[str, Any]  # the facts the score uses (declared, sponsorship, assessment)
    sponsorship: Sponsorship | None
    sponsorship_terms: list[Any]  # apps.cases.casefile.Line: label and value
    documents: list[DocumentRow]
    score: ScoreView | None
    assessment: QualitativeAssessment | None
    assessment_field: str  # the assessed field's name in the reader's language ("" before an assessment)
    scales: QualitativeScales | None
    requests: list[RequestRow]
    sme: SmeView | None
    roster: RosterView | None
    notes: list[CaseNote]
    timeline: list[TimelineLine]
    history: History
    can: Abilities
    track_label: str
    next_action: NextAction
    sponsor_flags: list[SponsorFlag]  # reasons to doubt the sponsor's independence (decision 45)
    after_decision: AfterDecision | None = None  # a review of a rejection, the decision letters
    inquiries: list[ProcessingInquiry] = field(default_factory=list)  # apps.metrics (issue 15)


# --- Formatting facts ----------------------------------------------------------------------------


def _person(user: User | None) -> str:
    if user is None:
        return _("the system")
    return user.full_name or user.email


def file_groups(
    case: Case,
    *,
    values: Mapping[str, Any],
    config: Version | None,
    names: Mapping[str, str],
    sponsorship: Sponsorship | None,
    assessment: QualitativeAssessment | None,
    sme: SmeView | None,
    documents: list[DocumentRow],
) -> list[FileGroup]:
    """The whole file as the applicant entered it (the profile frozen at submission), each group
    with its declared and verified values and the documents its criteria name."""
    groups = case_file(
        facts=case.facts,
        profile=case.profile or {},
        values=values,
        config=config,
        names=names,
        applicant_name=case.applicant_name,
        sponsorship=sponsorship,
        assessed=assessment is not None,
        sme_verified=sme.bonus_counts if sme is not None else None,
    )
    return [
        FileGroup(group, [row for row in documents if row.document.kind in group.document_kinds])
        for group in groups
    ]


# --- The score: verified next to self-assessed ---------------------------------------------------


def _self_assessed(case: Case) -> ScoreResult | None:
    """The engine on the declared facts, as the applicant saw it: the SME claim counted "subject to
    verification", their own salary guess, no reviewer's assessment."""
    if case.rubric_version is None or case.submitted_at is None:
        return None
    day = timezone.localdate(case.submitted_at)
    scorer = scorer_for(version_code=case.rubric_version.code, on=day)
    try:
        profile = profile_from_answers(case.facts, scorer, submitted_on=day)
    except (ConfigErrors, ValueError, TypeError, KeyError):
        return None  # declared facts the scorer cannot read: the page shows the verified score alone
    return scorer.score(profile)


def fact_values(
    case: Case,
    sponsorship: Sponsorship | None,
    assessment: QualitativeAssessment | None,
    config: Version | None,
) -> dict[str, Any]:
    """The facts the score uses, from the scoring itself (apps.cases.score_snapshot.scored_answers): without
    a confirmed sponsorship, no B2 ratings, whatever the applicant declared."""
    if config is None:  # no rules version: nothing is scored, so the declared facts are all there is
        return dict(case.facts)
    return scored_answers(case, config, sponsorship=sponsorship, assessment=assessment)


def _criterion_facts(config: Version, criterion: Criterion) -> list[str]:
    """The facts a criterion reads, in the catalogue's order; the university's name with its rank."""
    used = rule_facts(criterion.rule)
    return with_institution([code for code in config.catalogue.facts if code in used])


def _evidence_facts(
    config: Version, criterion: Criterion, case: Case, values: Mapping[str, Any], names: Mapping[str, str]
) -> list[FactRow]:
    """The facts a criterion was scored on; where one is not what the applicant declared, both."""
    rows = []
    for name in _criterion_facts(config, criterion):
        if name not in values:
            continue
        used = fact_value(name, values.get(name), names)
        declared = fact_value(name, case.facts.get(name), names)
        if name in case.facts and declared != used:
            used = _("%(used)s (declared: %(declared)s)") % {"used": used, "declared": declared}
        rows.append(FactRow(fact_label(name), used))
    return rows


def score_view(
    case: Case,
    documents: list[DocumentRow],
    values: Mapping[str, Any],
    config: Version | None,
    names: Mapping[str, str],
) -> ScoreView | None:
    verified = explained_score(case)
    if verified is None:
        return None
    declared = _self_assessed(case)
    declared_by_code = {c.code: c for c in declared.criteria} if declared else {}
    configs = {c.code: c for c in config.criteria} if config else {}
    rows = []
    for result in verified.criteria:
        criterion = configs.get(result.code)
        kinds = criterion.documents if criterion else ()
        rows.append(
            CriterionRow(
                code=result.code,
                title=result.title,
                max=result.max,
                verified=result,
                declared=declared_by_code.get(result.code),
                facts=_evidence_facts(config, criterion, case, values, names) if config and criterion else [],
                documents=[row for row in documents if row.document.kind in kinds],
            )
        )
    track = verified.tracks.get(case.track)
    return ScoreView(
        verified=verified,
        declared=declared,
        rows=rows,
        computed_at=getattr(getattr(case, "score", None), "computed_at", None),
        track_title=track.title if track else "",
        track_eligible=track.eligible if track else None,
        track_reasons=track.reasons if track else (),
    )


# --- The rest of the page ------------------------------------------------------------------------


def clock_view(case: Case, now: dt.datetime | None = None) -> ClockView:
    now = now or timezone.now()
    if case.due_at is None or case.is_final:
        return ClockView(case.due_at, None, None, False, case.paused_total)
    return ClockView(
        due_at=case.due_at,
        days_left=days_left(due_at=case.due_at, now=now, paused_at=case.paused_at),
        paused_since=case.paused_at,
        overdue=is_overdue(due_at=case.due_at, now=now, paused_at=case.paused_at),
        paused_total=case.paused_total,
    )


def document_rows(case: Case) -> list[DocumentRow]:
    documents = (
        CaseDocument.objects.filter(case=case).select_related("uploaded_by").order_by("kind", "uploaded_at")
    )
    return [DocumentRow(document, document_label(document.kind)) for document in documents]


def request_rows(case: Case, documents: list[DocumentRow]) -> list[RequestRow]:
    requests = case.information_requests.select_related("requested_by", "responded_by").order_by(
        "requested_at"
    )
    rows = []
    for request in requests:
        files = []
        if request.responded_at is not None:
            window_end = request.responded_at + RESPONSE_FILES_WINDOW
            files = [
                row
                for row in documents
                if row.document.kind == RESPONSE_KIND
                and row.document.uploaded_by_id == request.responded_by_id
                and request.responded_at <= row.document.uploaded_at <= window_end
            ]
        rows.append(RequestRow(request, files))
    return rows


def sme_view(case: Case, sponsorship: Sponsorship | None, can_act: bool) -> SmeView | None:
    """The confirmed sponsor's SME claims, when it claims SME status."""
    if sponsorship is None or sponsorship.organisation.size_class != SizeClass.SME:
        return None
    claims = list(sponsorship.organisation.sme_claims.select_related("reviewed_by").order_by("-submitted_at"))
    rows = []
    for claim in claims:
        valid = claim_valid_for_case(claim, case)
        pending = claim.status == SmeClaimStatus.PENDING
        rows.append(ClaimRow(claim, valid, can_act and pending and valid))
    counts = any(row.valid_on_submission and row.claim.status == SmeClaimStatus.VERIFIED for row in rows)
    return SmeView(sponsorship, rows, counts)


def roster_view(case: Case, can_act: bool, names: Mapping[str, str]) -> RosterView | None:
    if case.track != Track.GOVERNMENT_PROGRAMME:
        return None
    match = case.roster_match or {"status": "none"}
    entries = RosterEntry.objects.in_bulk(
        [pk for pk in (match.get("entry_id"), match.get("other_entry_id")) if pk is not None]
    )
    confirmable = match.get("status") in ("matched", "partial") and case.roster_confirmed_at is None
    code = str(match.get("programme_code") or case.facts.get("government_programme") or "")
    return RosterView(
        match=match,
        programme=names.get(code, code),
        entry=entries.get(match.get("entry_id")),
        other_entry=entries.get(match.get("other_entry_id")),
        confirmed_by=case.roster_confirmed_by,
        confirmed_at=case.roster_confirmed_at,
        can_confirm=can_act and confirmable,
    )


def timeline_rows(case: Case, names: Mapping[str, str]) -> list[TimelineLine]:
    """Every line of the timeline, internal ones too, as ministry staff read it (apps.cases.reading)."""
    return timeline(case, Audience.MINISTRY, names=names)


def history_rows(case: Case) -> History:
    """The database's own record of the case row (pghistory): what changed, when and by whom.

    The newest HISTORY_LIMIT versions, oldest first; one version more is read, when there is one, to
    tell what the oldest of them changed (and that older ones are left out).
    """
    labels = {f.attname: str(getattr(f, "verbose_name", f.name)) for f in Case._meta.concrete_fields}
    history = case.history  # type: ignore[attr-defined]  # pghistory's reverse relation (CaseHistory)
    newest = history.order_by("-pgh_id").values("pgh_created_at", "pgh_context__metadata", *HISTORY_FIELDS)
    snapshots = list(newest[: HISTORY_LIMIT + 1])[::-1]
    older_left_out = len(snapshots) > HISTORY_LIMIT
    previous: dict[str, Any] | None = snapshots.pop(0) if older_left_out else None
    actors = _actors(snapshot.get("pgh_context__metadata") or {} for snapshot in snapshots)
    rows = []
    for snapshot in snapshots:
        if previous is None:
            changed = [_("first recorded state")]
        else:
            changed = [labels.get(n, n) for n in HISTORY_FIELDS if snapshot[n] != previous[n]]
        previous = snapshot
        if not changed:
            continue  # a change of fields not worth a reader's time (search index, timestamps)
        metadata = snapshot.get("pgh_context__metadata") or {}
        rows.append(
            HistoryRow(
                at=snapshot["pgh_created_at"],
                actor=_person(actors.get(context_actor(metadata)))
                if context_actor(metadata)
                else _("the system"),
                action=_action_label(context_move(metadata)),
                changed=changed,
            )
        )
    return History(rows=rows, older_left_out=older_left_out, limit=HISTORY_LIMIT)


def _action_label(code: Any) -> str:
    """The move or service recorded in the pghistory context, in words (an event kind)."""
    if not code:
        return ""
    return str(dict(CaseEvent.Kind.choices).get(code, code))


def _actors(metadata: Iterable[Mapping[str, Any]]) -> dict[Any, User]:
    ids = {context_actor(m) for m in metadata if context_actor(m)}
    return User.objects.in_bulk(list(ids)) if ids else {}


def notes_of(case: Case) -> QuerySet[CaseNote]:
    return case.notes.select_related("author").order_by("created_at", "pk")


# --- What the viewer may do ----------------------------------------------------------------------


def abilities(
    case: Case,
    user: User,
    roles: frozenset[str],
    scales: QualitativeScales | None,
    config: Version | None = None,
) -> Abilities:
    """What the page offers: the case's moves that its state and this user's guards allow (asked of
    apps.cases.abilities, which states them once)."""
    can = Abilities()
    can.assessment_used = bool(config and case.track and track_uses_assessment(config, case.track))
    moves = allowed_moves(user, case, roles)
    can.take = START_REVIEW in moves
    can.act = may_work(user, case, roles)
    can.decide = APPROVE in moves and REJECT in moves
    can.request_information = REQUEST_INFORMATION in moves
    can.ask_employer = can.request_information and confirmed_sponsorship(case) is not None
    can.assess = ASSESS_QUALITATIVE in moves and scales is not None and can.assessment_used
    if case.is_open and not can.act:
        can.reasons.append(_("Only the assigned reviewer or a supervisor can work on this case."))
    if can.act and not can.decide:
        can.reasons.append(
            _("A decision can be made, and information requested, only while the case is in review.")
        )
    return can


def workspace_for(case: Case, user: User, roles: frozenset[str]) -> Workspace:
    names = reference_names()
    documents = document_rows(case)
    sponsorship = confirmed_sponsorship(case)
    config = case.rubric_version.parsed_config() if case.rubric_version else None
    scales = qualitative_scales(case)
    assessment = QualitativeAssessment.objects.filter(case=case).select_related("assessed_by").first()
    values = fact_values(case, sponsorship, assessment, config)
    can = abilities(case, user, roles, scales, config)
    sme = sme_view(case, sponsorship, can.act)
    roster = roster_view(case, can.act, names)
    return Workspace(
        case=case,
        clock=clock_view(case),
        casefile=file_groups(
            case,
            values=values,
            config=config,
            names=names,
            sponsorship=sponsorship,
            assessment=assessment,
            sme=sme,
            documents=documents,
        ),
        values=values,
        sponsorship=sponsorship,
        sponsorship_terms=sponsorship_terms(sponsorship, config) if sponsorship else [],
        documents=documents,
        score=score_view(case, documents, values, config, names),
        assessment=assessment,
        assessment_field=fact_value("field", assessment.field, names) if assessment else "",
        scales=scales,
        requests=request_rows(case, documents),
        sme=sme,
        roster=roster,
        notes=list(notes_of(case)),
        timeline=timeline_rows(case, names),
        history=history_rows(case),
        can=can,
        track_label=str(Track(case.track).label) if case.track else "",
        next_action=next_action(case, can, assessment=assessment, sme=sme, roster=roster),
        sponsor_flags=sponsor_flags(case, sponsorship),
        after_decision=after_decision(case, user, roles),
        inquiries=processing_inquiries(case),
    )


def next_action(
    case: Case,
    can: Abilities,
    *,
    assessment: QualitativeAssessment | None,
    sme: SmeView | None,
    roster: RosterView | None,
) -> NextAction:
    """What the case waits for next, in words, with the section of the page where it is done."""
    if case.is_final:
        return NextAction(_("Nothing: the case is closed."), "timeline")
    if can.take:
        return NextAction(_("Take this case, or assign it to a reviewer."), "summary")
    if case.status == CaseStatus.INFORMATION_REQUESTED:
        return NextAction(
            _("Wait for the answer to the information request; the clock is paused."), "requests"
        )
    if not can.act:
        return NextAction(_("The assigned reviewer works on this case."), "")
    if case.status != CaseStatus.IN_REVIEW:
        return NextAction(_("Start the review."), "summary")
    if can.assess and assessment is None:
        return NextAction(_("Assess the qualitative criteria (B1, B2)."), "assessment")
    if sme is not None and any(row.can_review for row in sme.claims):
        return NextAction(_("Verify or reject the employer's SME certificate."), "sme")
    if roster is not None and roster.can_confirm:
        return NextAction(_("Confirm the programme roster match."), "roster")
    return NextAction(_("Decide: approve or reject, with the reasons."), "decision")
