"""The case file: every fact the applicant or the employer gave, grouped as the applicant entered it,
with the value declared, the value the score uses (and who set it), and the evidence behind it.

One reading for every page that shows the whole file: the reviewer's workspace (the profile frozen
on the case at submission, ``Case.profile``), and the applicant's review page before submission
(the same shape, from the live profile: what will be frozen). Pure reads: nothing here writes.

The groups follow the applicant's profile form (education, employment, research) and the job
offer; a fact the catalogue gains later that no group names is shown under "Other answers", so
nothing is ever left out. Which documents support a group, and which criteria a track uses, are
asked of the rubric version (``Criterion.documents``, the track's condition), never named here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.cases.models import Sponsorship
from apps.cases.score_snapshot import hard_to_fill
from apps.rubric.language.catalogue import default_catalogue
from apps.rubric.language.document import (
    AllOf,
    AnyOf,
    Condition,
    Not,
    PointsCompare,
    ThresholdReached,
    Version,
    rule_facts,
)
from apps.rubric.wording import INSTITUTION, fact_label, fact_value, yes_no

ESTIMATE = "estimate"  # a criterion's basis while a reviewer has not assessed it
TOTAL = "total"

# The profile's own parts, as ``apps.applicants.services.profile_snapshot`` writes them.
SNAPSHOT_KEYS = ("full_name", "nationality", "date_of_birth", "award_description", "education", "employment")

# The groups, in the order the applicant entered them, and the catalogue facts each shows.
PERSON, EDUCATION, EMPLOYMENT, OFFER, RESEARCH, PROGRAMME, OTHER = (
    "person",
    "education",
    "employment",
    "offer",
    "research",
    "programme",
    "other",
)
GROUP_TITLES: dict[str, Promise] = {
    PERSON: gettext_lazy("The applicant"),
    EDUCATION: gettext_lazy("Education"),
    EMPLOYMENT: gettext_lazy("Employment"),
    OFFER: gettext_lazy("The job offer"),
    RESEARCH: gettext_lazy("Research and expertise"),
    PROGRAMME: gettext_lazy("Government programme"),
    OTHER: gettext_lazy("Other answers"),
}
GROUP_FACTS: dict[str, tuple[str, ...]] = {
    PERSON: (),
    EDUCATION: ("degree_level", INSTITUTION, "institution_rank"),
    EMPLOYMENT: ("experience_years", "fortune_global_500_years"),
    OFFER: ("offered_salary_krw", "core_technology_role", "hard_to_fill", "transfer_plan", "sponsor_is_sme"),
    RESEARCH: ("field", "publications_and_patents", "led_project_years", "international_award"),
    PROGRAMME: ("government_programme",),
}
# The facts a reviewer's qualitative assessment sets (the fields of QualitativeAssessment), in the
# order they are asked and shown (B1's, then B2's).
ASSESSED_FACTS = (
    "field",
    "publications_and_patents",
    "led_project_years",
    "international_award",
    "core_technology_role",
    "hard_to_fill",
    "transfer_plan",
)
# The facts a confirmed sponsorship sets (apps.cases.score_snapshot.sponsorship_answers).
SPONSORSHIP_FACTS = frozenset(
    {"offered_salary_krw", "core_technology_role", "hard_to_fill", "transfer_plan", "sponsor_is_sme"}
)
SME_FACT = "sponsor_is_sme"


# --- What a track uses ---------------------------------------------------------------------------


def _condition_criteria(condition: Condition | None, config: Version) -> frozenset[str]:
    """The criteria whose points a condition reads: the total (or a threshold on it) reads them all,
    a group its criteria, a criterion itself."""
    everything = frozenset(c.code for c in config.criteria)
    if condition is None:
        return frozenset()
    if isinstance(condition, AllOf | AnyOf):
        return frozenset().union(*(_condition_criteria(c, config) for c in condition.conditions))
    if isinstance(condition, Not):
        return _condition_criteria(condition.condition, config)
    if isinstance(condition, ThresholdReached):
        return everything  # a threshold is a mark on the total
    if isinstance(condition, PointsCompare):
        if condition.of == TOTAL:
            return everything
        in_group = frozenset(c.code for c in config.criteria if c.group == condition.of)
        return in_group or frozenset({condition.of}) & everything
    return frozenset()


def track_criteria(config: Version, track: str) -> frozenset[str]:
    """The criteria whose points decide a track's eligibility (none for a track of fact conditions)."""
    definition = config.track(track)
    return _condition_criteria(definition.eligible_when, config) if definition else frozenset()


def track_uses_assessment(config: Version, track: str) -> bool:
    """Whether the track's decision rests on criteria a reviewer assesses (basis "estimate")."""
    used = track_criteria(config, track)
    return any(c.basis == ESTIMATE and c.code in used for c in config.criteria)


# --- The file ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Line:
    label: str
    value: str


@dataclass(frozen=True, slots=True)
class Entry:
    """One thing as the applicant entered it: a degree, a job, the person, the award, the offer."""

    title: str
    lines: list[Line]
    note: str = ""


@dataclass(frozen=True, slots=True)
class FactLine:
    """A fact the score reads: declared, used (what counts), and who set what counts."""

    code: str
    label: str
    declared: str
    used: str
    basis: str
    differs: bool


@dataclass(slots=True)
class Group:
    code: str
    title: str
    entries: list[Entry] = field(default_factory=list)
    facts: list[FactLine] = field(default_factory=list)
    document_kinds: tuple[str, ...] = ()
    criteria: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.entries or self.facts)


def value_text(code: str, value: Any, names: Mapping[str, str]) -> str:
    """A fact's value in words; an empty one says what it counts as."""
    if value is None or value == "":
        if code == "institution_rank":
            return _("unranked or not listed")
        return _("not given")
    if code == "government_programme" and not value:
        return _("None")
    return fact_value(code, value, names)


def _basis(code: str, *, sponsored: bool, assessed: bool, sme_verified: bool | None) -> str:
    if code == SME_FACT:
        if not sponsored:
            return _("no confirmed sponsorship")
        if sme_verified is None:
            return _("the employer's claim, until a reviewer verifies its SME certificate")
        return _("verified SME certificate") if sme_verified else _("no verified SME certificate")
    if assessed and code in ASSESSED_FACTS:
        return _("the reviewer's assessment")
    if code in SPONSORSHIP_FACTS:
        return _("the employer's sponsorship") if sponsored else _("no confirmed sponsorship")
    return _("as declared; checked against the documents")


def _fact_lines(
    codes: Sequence[str],
    *,
    facts: Mapping[str, Any],
    values: Mapping[str, Any],
    names: Mapping[str, str],
    sponsored: bool,
    assessed: bool,
    sme_verified: bool | None,
) -> list[FactLine]:
    lines = []
    for code in codes:
        if code not in facts and code not in values:
            continue
        declared = value_text(code, facts.get(code), names) if code in facts else "—"
        used_value = values.get(code, facts.get(code))
        if code == SME_FACT and sme_verified is not None:
            used_value = bool(used_value) and sme_verified
        used = value_text(code, used_value, names)
        lines.append(
            FactLine(
                code=code,
                label=fact_label(code),
                declared=declared,
                used=used,
                basis=_basis(code, sponsored=sponsored, assessed=assessed, sme_verified=sme_verified),
                differs=code in facts and declared != used,
            )
        )
    return lines


def _person(profile: Mapping[str, Any], applicant_name: str) -> Entry:
    if not profile:
        return Entry(
            _("As recorded"),
            [Line(_("Name"), applicant_name or _("not given"))],
            note=_(
                "This case was submitted before the profile was kept with the case: only the name and the facts were recorded."
            ),
        )
    return Entry(
        _("As entered"),
        [
            Line(_("Name"), profile.get("full_name") or applicant_name or _("not given")),
            Line(_("Nationality"), profile.get("nationality") or _("not given")),
            Line(_("Date of birth"), profile.get("date_of_birth") or _("not given")),
        ],
    )


def _rank_text(name: str, rank: Any) -> str:
    if name and rank:
        return _("%(name)s (rank %(rank)s in the list of engineering schools)") % {"name": name, "rank": rank}
    if name:
        return _("%(name)s (listed without a rank: counts as unranked)") % {"name": name}
    if rank:
        return _("not named (rank %(rank)s stated; a reviewer checks it)") % {"rank": rank}
    return _("not given")


def _degrees(profile: Mapping[str, Any]) -> list[Entry]:
    entries = []
    for degree in profile.get("education") or []:
        entries.append(
            Entry(
                value_text("degree_level", degree.get("degree_level"), {}),
                [
                    Line(
                        _("University"),
                        _rank_text(str(degree.get("institution") or ""), degree.get("institution_rank")),
                    ),
                    Line(_("Subject"), degree.get("field_of_study") or _("not given")),
                    Line(_("Year awarded"), str(degree.get("year") or _("not given"))),
                ],
            )
        )
    return entries


def _years_text(job: Mapping[str, Any]) -> str:
    years = job.get("years") or "0"
    start, end = job.get("start_year"), job.get("end_year")
    if job.get("years_stated") or not start:
        return _("%(years)s years (as stated)") % {"years": years}
    if end:
        return _("%(start)s to %(end)s (%(years)s years)") % {"start": start, "end": end, "years": years}
    return _("since %(start)s (%(years)s years)") % {"start": start, "years": years}


def _fortune_text(job: Mapping[str, Any]) -> str:
    listed = bool(job.get("fortune_global_500_listed"))
    counts = bool(job.get("is_fortune_global_500"))
    on_list = _("on the Fortune Global 500 list") if listed else _("not on the Fortune Global 500 list")
    counted = _("counted as Fortune Global 500") if counts else _("not counted as Fortune Global 500")
    return f"{on_list}; {counted}"


def _jobs(profile: Mapping[str, Any]) -> list[Entry]:
    entries = []
    for job in profile.get("employment") or []:
        lines = [
            Line(_("Years"), _years_text(job)),
            Line(_("Relevant experience in the technical field"), yes_no(job.get("relevant"))),
            Line(_("Fortune Global 500"), _fortune_text(job)),
        ]
        note = str(job.get("fortune_global_500_note") or "")
        if note:
            lines.append(Line(_("The applicant's note on the Fortune Global 500 list"), note))
        entries.append(
            Entry(
                str(job.get("employer") or _("Employer not named")),
                lines,
                note=_("The applicant's statement differs from the list: a reviewer checks it.")
                if note
                else "",
            )
        )
    return entries


def _award(profile: Mapping[str, Any]) -> list[Entry]:
    description = str(profile.get("award_description") or "")
    if not description:
        return []
    return [Entry(_("International award"), [Line(_("The award"), description)])]


def sponsorship_terms(sponsorship: Sponsorship, config: Version | None) -> list[Line]:
    """The confirmed sponsorship's terms in words, each as the employer gave it."""
    months = sponsorship.recruiting_months
    hard = config is not None and hard_to_fill(sponsorship, config)
    return [
        Line(_("Job title"), sponsorship.job_title),
        Line(
            _("Offered annual salary (KRW)"),
            number_format(sponsorship.offered_salary_krw, force_grouping=True),
        ),
        Line(_("Core-technology role (employer's rating)"), str(sponsorship.core_technology_role)),
        Line(_("Basis for the rating"), sponsorship.core_technology_basis),
        Line(
            _("Months spent recruiting domestically"),
            _("%(months)s (counts as hard to fill: %(answer)s)") % {"months": months, "answer": yes_no(hard)},
        ),
        Line(_("Evidence that the post is hard to fill"), sponsorship.hard_to_fill_evidence or "—"),
        Line(_("Technology-transfer or training plan (employer's rating)"), str(sponsorship.transfer_plan)),
        Line(_("The plan"), sponsorship.transfer_plan_text),
    ]


def _offer(sponsorship: Sponsorship | None, config: Version | None) -> list[Entry]:
    if sponsorship is None:
        return []
    organisation = sponsorship.organisation
    return [
        Entry(
            organisation.name,
            [
                Line(_("Company size"), str(organisation.get_size_class_display())),
                *sponsorship_terms(sponsorship, config),
            ],
        )
    ]


def _documents(config: Version | None, codes: Sequence[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The documents and criteria behind a group's facts, from the version's criteria."""
    if config is None:
        return (), ()
    kinds: list[str] = []
    criteria: list[str] = []
    wanted = set(codes)
    for criterion in config.criteria:
        if rule_facts(criterion.rule) & wanted:
            criteria.append(criterion.code)
            kinds.extend(kind for kind in criterion.documents if kind not in kinds)
    return tuple(kinds), tuple(criteria)


def case_file(
    *,
    facts: Mapping[str, Any],
    profile: Mapping[str, Any],
    values: Mapping[str, Any],
    config: Version | None,
    names: Mapping[str, str],
    applicant_name: str = "",
    sponsorship: Sponsorship | None = None,
    assessed: bool = False,
    sme_verified: bool | None = None,
) -> list[Group]:
    """The whole file in groups: ``facts`` as declared, ``values`` as the score uses them (declared,
    overlaid by the sponsorship and the reviewer's assessment), ``profile`` as entered. Groups with
    nothing to show are left out, except the person."""
    shown = {code for codes in GROUP_FACTS.values() for code in codes}
    other = [code for code in default_catalogue().facts if code not in shown]
    entries = {
        PERSON: [_person(profile, applicant_name)],
        EDUCATION: _degrees(profile),
        EMPLOYMENT: _jobs(profile),
        OFFER: _offer(sponsorship, config),
        RESEARCH: _award(profile),
    }
    groups = []
    for code, codes in (*GROUP_FACTS.items(), (OTHER, tuple(other))):
        kinds, criteria = _documents(config, codes)
        group = Group(
            code=code,
            title=str(GROUP_TITLES[code]),
            entries=entries.get(code, []),
            facts=_fact_lines(
                codes,
                facts=facts,
                values=values,
                names=names,
                sponsored=sponsorship is not None,
                assessed=assessed,
                sme_verified=sme_verified,
            ),
            document_kinds=kinds,
            criteria=criteria,
        )
        if code == PROGRAMME and not facts.get("government_programme"):
            continue
        if code == PERSON or not group.empty:
            groups.append(group)
    return groups
