"""Drafting, testing and publishing rubric versions (issue 10): every change goes through here.

Keyword-only services. Each writes a ``VersionEvent`` (who, what, when, why) inside a pghistory
context with the same actor, so the rows' own history (``RubricVersion.history``) says who too.
A refusal raises ``VersionRefused`` with a reason a person reads; refused approvals are recorded.

Four eyes (decision 0035): the author submits; another policy administrator approves with a start
date (today or later) or sends the draft back with a reason. Publishing ends the version it replaces
on the day before the new start, in the same transaction; a gap or an overlap with another published
version, a start in the past, approval by the author or a failing conformance case is refused.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import pghistory
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.core.hooks import safe_on_commit
from apps.policy import documents
from apps.policy.access import is_policy_administrator
from apps.policy.conformance import (
    CaseRun,
    Proposal,
    boundary_proposals,
    expected_problems,
    run_cases,
    scorer,
)
from apps.policy.documents import Change, Problem
from apps.policy.models import ChangeReason, ConformanceCase, VersionEvent, VersionEventKind
from apps.rubric.language.document import Version
from apps.rubric.language.reading import ConfigErrors
from apps.rubric.models import RubricVersion, VersionState
from apps.rubric.selectors import clear_scorer_cache

CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,19}$")


class VersionRefused(Exception):
    """A change that the rules do not allow; ``str(exc)`` says why, for the person who asked."""


def today() -> dt.date:
    return timezone.localdate()


def _event(version: RubricVersion, kind: str, by: User, detail: str = "") -> None:
    VersionEvent.objects.create(version=version, kind=kind, actor=by, detail=detail)


def _require_administrator(by: User) -> None:
    if not is_policy_administrator(by):
        raise VersionRefused(_("Only a policy administrator may do this."))


def _require_editable(draft: RubricVersion, by: User) -> None:
    _require_administrator(by)
    if draft.state(today()) != VersionState.DRAFT:
        raise VersionRefused(_("Only a draft can be changed; this version is no longer a draft."))
    if draft.author_id != by.pk:
        raise VersionRefused(_("Only the draft's author can change it."))


# --- reading a version -------------------------------------------------------------------------------


@dataclass
class Review:
    """Everything the version's page, the author and the approver look at."""

    version: RubricVersion
    parsed: Version | None
    problems: list[Problem]
    changes: list[tuple[Change, ChangeReason | None]]
    runs: list[CaseRun]

    @property
    def cases_pass(self) -> bool:
        return bool(self.runs) and all(run.passed for run in self.runs)

    @property
    def failing(self) -> int:
        return sum(1 for run in self.runs if not run.passed)

    @property
    def reasons_missing(self) -> int:
        return sum(1 for _change, reason in self.changes if reason is None)

    @property
    def blockers(self) -> list[str]:
        """Why the draft cannot be submitted or approved now (empty when it can)."""
        found = []
        if self.problems:
            found.append(_("The document has %(n)s problem(s).") % {"n": len(self.problems)})
        if not self.runs:
            found.append(_("Add at least one conformance case."))
        elif self.failing:
            found.append(_("%(n)s conformance case(s) fail.") % {"n": self.failing})
        if self.reasons_missing:
            found.append(_("%(n)s change(s) have no reason and reference yet.") % {"n": self.reasons_missing})
        return found


def review(version: RubricVersion) -> Review:
    parsed, problems = documents.read(version.config, code=version.code)
    base_config = version.based_on.config if version.based_on else None
    reasons = {r.path: r for r in ChangeReason.objects.filter(version=version)}
    changes = [(change, reasons.get(change.path)) for change in documents.diff(base_config, version.config)]
    runs = run_cases(ConformanceCase.objects.filter(version=version), parsed)
    return Review(version, parsed, problems, changes, runs)


def proposals(version: RubricVersion) -> list[Proposal]:
    parsed, _problems = documents.read(version.config, code=version.code)
    if parsed is None:
        return []
    existing = ConformanceCase.objects.filter(version=version).values_list("profile", flat=True)
    return boundary_proposals(parsed, existing)


# --- drafting ----------------------------------------------------------------------------------------


def _first_of_next_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def draft_start(*, base: RubricVersion, code: str, title: str, by: User) -> RubricVersion:
    """A new draft: a copy of ``base``'s document under a new code, proposed to start on the first
    of next month (the approver sets the real start date)."""
    _require_administrator(by)
    code, title = code.strip(), title.strip()
    if not CODE.match(code):
        raise VersionRefused(
            _("A code is 1 to 20 letters, digits, dots, dashes or underscores, for example “2027-03”.")
        )
    if not title:
        raise VersionRefused(_("Give the draft a title."))
    if RubricVersion.objects.filter(code__iexact=code).exists():
        raise VersionRefused(_("A version with the code “%(code)s” exists already.") % {"code": code})
    if not isinstance(base.config, dict):
        raise VersionRefused(_("That version's document cannot be read: start from another one."))
    start = _first_of_next_month(today())
    config = dict(base.config, code=code, effective_from=start.isoformat(), effective_to=None)
    try:
        with transaction.atomic(), pghistory.context(actor=by.pk, move=VersionEventKind.STARTED):
            draft = RubricVersion.objects.create(
                code=code,
                title=title,
                effective_from=start,
                config=config,
                published=False,
                based_on=base,
                author=by,
            )
            _event(draft, VersionEventKind.STARTED, by, _("From %(code)s.") % {"code": base.code})
    except IntegrityError:
        raise VersionRefused(
            _("A version with the code “%(code)s” exists already.") % {"code": code}
        ) from None
    return draft


def draft_save_text(*, draft: RubricVersion, text: str, by: User) -> list[Problem]:
    """Save the author's document as typed; an invalid one stays a draft with its problems."""
    config, problems = documents.parse_text(text)
    return (
        _save_config(draft=draft, config=config, by=by)
        if not problems
        else _save_raw(draft, config, by, problems)
    )


def _save_raw(draft: RubricVersion, text: Any, by: User, problems: list[Problem]) -> list[Problem]:
    _require_editable(draft, by)
    with transaction.atomic(), pghistory.context(actor=by.pk, move=VersionEventKind.EDITED):
        RubricVersion.objects.filter(pk=draft.pk, published=False).update(config=text)
        _event(draft, VersionEventKind.EDITED, by, _("Saved with %(n)s problem(s).") % {"n": len(problems)})
    draft.config = text
    return problems


def _save_config(*, draft: RubricVersion, config: Any, by: User) -> list[Problem]:
    _require_editable(draft, by)
    _parsed, problems = documents.read(config, code=draft.code)
    fields: dict[str, Any] = {"config": config}
    if isinstance(config, dict) and isinstance(config.get("effective_from"), str):
        with contextlib.suppress(ValueError):
            fields["effective_from"] = dt.date.fromisoformat(config["effective_from"])
    with transaction.atomic(), pghistory.context(actor=by.pk, move=VersionEventKind.EDITED):
        RubricVersion.objects.filter(pk=draft.pk, published=False).update(**fields)
        detail = _("Saved with %(n)s problem(s).") % {"n": len(problems)} if problems else _("Saved.")
        _event(draft, VersionEventKind.EDITED, by, detail)
    for name, value in fields.items():
        setattr(draft, name, value)
    return problems


def draft_set_parameters(*, draft: RubricVersion, typed: dict[str, str], by: User) -> dict[str, str]:
    """Change the numbers the structured form shows (path -> text as typed). Returns the fields'
    errors and saves nothing when there are any; otherwise saves the document (see draft_save_text)."""
    _require_editable(draft, by)
    if not isinstance(draft.config, dict):
        return {"": _("The document is not valid JSON: fix it in the full document first.")}
    current = {p.path: p.value for p in documents.parameters(draft.config)}
    changes: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for path, text in typed.items():
        if path not in current:
            continue
        try:
            value = documents.coerce(current[path], text)
        except ValueError as exc:
            errors[path] = str(exc)
            continue
        if value != current[path]:
            changes[path] = value
    if errors or not changes:
        return errors
    _save_config(draft=draft, config=documents.replaced(draft.config, changes), by=by)
    return {}


def change_reason_save(
    *, draft: RubricVersion, path: str, reason: str, reference: str, by: User
) -> ChangeReason:
    _require_editable(draft, by)
    reason, reference = reason.strip(), reference.strip()
    base_config = draft.based_on.config if draft.based_on else None
    if path not in {c.path for c in documents.diff(base_config, draft.config)}:
        raise VersionRefused(_("That parameter is not changed in this draft."))
    if not reason or not reference:
        raise VersionRefused(_("Give both a reason and a legal or policy reference."))
    with transaction.atomic(), pghistory.context(actor=by.pk, move=VersionEventKind.REASON):
        saved, _created = ChangeReason.objects.update_or_create(
            version=draft, path=path, defaults={"reason": reason, "reference": reference, "written_by": by}
        )
        _event(draft, VersionEventKind.REASON, by, f"{path}: {reason} ({reference})")
    return saved


# --- conformance cases -------------------------------------------------------------------------------


def conformance_case_add(
    *,
    version: RubricVersion,
    name: str,
    profile: Any,
    expected: Any,
    source: str,
    by: User,
    boundary: bool = False,
) -> ConformanceCase:
    """Store a case; its profile must name catalogue facts with valid values. ``VersionRefused`` lists
    every problem."""
    _require_editable(version, by)
    name, source = name.strip(), source.strip()
    problems = []
    if not name:
        problems.append(_("Give the case a name."))
    if not source:
        problems.append(_("Say where the expectation comes from (its source)."))
    if not isinstance(profile, dict):
        problems.append(_("The profile must be a JSON object of facts."))
    else:
        parsed, _doc_problems = documents.read(version.config, code=version.code)
        if parsed is not None:
            try:
                scorer(parsed).profile(profile)
            except ConfigErrors as exc:
                problems.extend(f"profile.{e}" for e in exc.errors)
    problems.extend(expected_problems(expected))
    if ConformanceCase.objects.filter(version=version, name=name).exists():
        problems.append(_("A case with this name exists already."))
    if problems:
        raise VersionRefused(" ".join(problems))
    with transaction.atomic(), pghistory.context(actor=by.pk, move=VersionEventKind.CASE_ADDED):
        case = ConformanceCase.objects.create(
            version=version,
            name=name,
            profile=profile,
            expected=expected,
            source=source,
            boundary=boundary,
            created_by=by,
        )
        _event(version, VersionEventKind.CASE_ADDED, by, name)
    return case


def proposals_accept(*, version: RubricVersion, names: list[str], by: User) -> int:
    """Accept the proposed boundary cases named (as proposed now); how many were added."""
    chosen = [p for p in proposals(version) if p.name in set(names)]
    for proposal in chosen:
        conformance_case_add(
            version=version,
            name=proposal.name,
            profile=proposal.profile,
            expected=proposal.expected,
            source=proposal.source,
            by=by,
            boundary=True,
        )
    return len(chosen)


def conformance_case_remove(*, case: ConformanceCase, by: User) -> None:
    _require_editable(case.version, by)
    with transaction.atomic(), pghistory.context(actor=by.pk, move=VersionEventKind.CASE_REMOVED):
        _event(case.version, VersionEventKind.CASE_REMOVED, by, case.name)
        case.delete()


# --- four eyes ---------------------------------------------------------------------------------------


def draft_submit(*, draft: RubricVersion, by: User) -> RubricVersion:
    _require_editable(draft, by)
    blockers = review(draft).blockers
    if blockers:
        raise VersionRefused(" ".join([_("It cannot be submitted yet:"), *blockers]))
    with transaction.atomic(), pghistory.context(actor=by.pk, move=VersionEventKind.SUBMITTED):
        now = timezone.now()
        RubricVersion.objects.filter(pk=draft.pk, published=False).update(
            submitted_at=now, returned_reason=""
        )
        _event(draft, VersionEventKind.SUBMITTED, by)
    draft.submitted_at, draft.returned_reason = now, ""
    return draft


def _require_approver(draft: RubricVersion, by: User) -> None:
    _require_administrator(by)
    if draft.state(today()) != VersionState.AWAITING:
        raise VersionRefused(_("This version is not awaiting approval."))
    if draft.author_id == by.pk:
        raise VersionRefused(
            _("You wrote this draft: a second policy administrator must approve it or send it back.")
        )


def draft_return(*, draft: RubricVersion, by: User, reason: str) -> RubricVersion:
    """Send a draft back to its author with a reason; it becomes editable again."""
    _require_approver(draft, by)
    reason = reason.strip()
    if not reason:
        raise VersionRefused(_("Say why the draft goes back to its author."))
    with (
        transaction.atomic(),
        pghistory.context(actor=by.pk, move=VersionEventKind.RETURNED, reason=reason),
    ):
        RubricVersion.objects.filter(pk=draft.pk, published=False).update(
            submitted_at=None, returned_reason=reason
        )
        _event(draft, VersionEventKind.RETURNED, by, reason)
    draft.submitted_at, draft.returned_reason = None, reason
    return draft


@dataclass(frozen=True)
class Plan:
    """What approving with a start date would do: the start, and the version ended the day before."""

    start: dt.date
    replaced: RubricVersion | None

    @property
    def replaced_ends(self) -> dt.date:
        return self.start - dt.timedelta(days=1)


def _fmt(day: dt.date) -> str:
    return date_format(day, "DATE_FORMAT")


def approval_plan(*, draft: RubricVersion, by: User, start: dt.date, lock: bool = False) -> Plan:
    """Check every rule of approval for ``start``; ``VersionRefused`` names the first one broken."""
    _require_approver(draft, by)
    if start < today():
        raise VersionRefused(
            _("The start date %(start)s is in the past: choose today or a later date.")
            % {"start": _fmt(start)}
        )
    blockers = review(draft).blockers
    if blockers:
        raise VersionRefused(" ".join([_("It cannot be approved:"), *blockers]))
    published = RubricVersion.objects.filter(published=True).order_by("effective_from")
    if lock:
        published = published.select_for_update()
    rows = list(published)
    later = [v for v in rows if v.effective_from >= start]
    if later:
        raise VersionRefused(
            _(
                "Version %(code)s, already published, starts on %(other)s: a start on %(start)s would "
                "overlap it. Choose a date after %(other)s, or ask for %(code)s to be replaced first."
            )
            % {"code": later[0].code, "other": _fmt(later[0].effective_from), "start": _fmt(start)}
        )
    replaced = rows[-1] if rows else None
    if (
        replaced is not None
        and replaced.effective_to is not None
        and replaced.effective_to < start - dt.timedelta(days=1)
    ):
        raise VersionRefused(
            _(
                "Version %(code)s ends on %(end)s: a start on %(start)s would leave days when no "
                "version is in force. Choose %(next)s."
            )
            % {
                "code": replaced.code,
                "end": _fmt(replaced.effective_to),
                "start": _fmt(start),
                "next": _fmt(replaced.effective_to + dt.timedelta(days=1)),
            }
        )
    return Plan(start, replaced)


def draft_approve(*, draft: RubricVersion, by: User, start: dt.date) -> RubricVersion:
    """Publish ``draft`` from ``start`` and end the version it replaces the day before, at once."""
    try:
        with transaction.atomic(), pghistory.context(actor=by.pk, move=VersionEventKind.PUBLISHED):
            RubricVersion.objects.select_for_update().get(pk=draft.pk)
            draft.refresh_from_db()
            plan = approval_plan(draft=draft, by=by, start=start, lock=True)
            if plan.replaced is not None:
                RubricVersion.objects.filter(pk=plan.replaced.pk).update(effective_to=plan.replaced_ends)
                _event(
                    plan.replaced,
                    VersionEventKind.ENDED,
                    by,
                    _("Ends on %(end)s: replaced by %(code)s.")
                    % {"end": _fmt(plan.replaced_ends), "code": draft.code},
                )
            assert isinstance(draft.config, dict)
            config = dict(draft.config, effective_from=start.isoformat(), effective_to=None)
            now = timezone.now()
            RubricVersion.objects.filter(pk=draft.pk, published=False).update(
                published=True,
                effective_from=start,
                effective_to=None,
                config=config,
                approved_by=by,
                approved_at=now,
            )
            _event(
                draft, VersionEventKind.PUBLISHED, by, _("In force from %(start)s.") % {"start": _fmt(start)}
            )
    except VersionRefused as exc:
        if is_policy_administrator(by):
            _event(draft, VersionEventKind.REFUSED, by, str(exc))
        raise
    safe_on_commit(clear_scorer_cache, what="clear the scorers after publishing a rubric version")
    draft.refresh_from_db()
    return draft


def versions_with_states() -> list[tuple[RubricVersion, VersionState]]:
    day = today()
    rows = RubricVersion.objects.select_related("author", "approved_by", "based_on").order_by(
        "-published", "-effective_from", "code"
    )
    return [(row, row.state(day)) for row in rows]
