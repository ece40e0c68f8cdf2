"""Demo policy administration (issue 10): two policy administrators with the demo authenticator, and
the draft "2027-03 top-200" the ministry asks about, submitted for approval.

The draft widens the top-100 school rules to the top 200, from 2026-07: the quantitative track's
school condition (rank 100 or better -> 200 or better) and A1's top band (the 101-200 band folds into
it; every other school keeps its points). Each change carries its reason and reference, and the draft
has conformance cases (passing). ``seed_top_200_draft()`` is what ``load_demo`` calls, and what the
lead calls before adding a finished simulation of it.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.demo.cases import demo_user
from apps.demo.ministry import DEMO_DOMAIN, give_demo_authenticator
from apps.policy import documents, versions
from apps.policy.models import ChangeReason, ConformanceCase, DraftSource, SimulationRun, SimulationStatus
from apps.policy.services import simulation_request, simulation_run
from apps.rubric.models import RubricVersion

AUTHOR = f"policy@{DEMO_DOMAIN}"
APPROVER = f"policy2@{DEMO_DOMAIN}"
TOP_200 = "2027-03-top-200"
TOP_200_TITLE = "2027-03 top-200: the top-100 school rules widened to the top 200"
BASE = "2026-07"
PROPOSED_START = dt.date(2027, 3, 1)

REASON = (
    "The ministry's review of the launch rules (2026): widen the school condition from the top 100 "
    "to the top 200 engineering schools, as proposed for March 2027."
)
REFERENCE = "MOTIE K-Tech Pass guidelines, section 2 (school rank), proposed amendment 2027-03"

# (name, profile, expected, source): hand-written from the guidelines, not computed by the engine.
CASES: list[tuple[str, dict[str, Any], dict[str, Any], str]] = [
    (
        "Master's from a school ranked 150",
        {"degree_level": "master", "institution_rank": 150},
        {"points": {"A1": 20}, "tracks": {"quantitative": True}},
        "Proposed amendment 2027-03: ranks 101-200 count as the top band",
    ),
    (
        "Doctorate from a school ranked 200",
        {"degree_level": "doctorate", "institution_rank": 200},
        {"points": {"A1": 25}, "tracks": {"quantitative": True}},
        "Proposed amendment 2027-03: rank 200 is inside the widened band",
    ),
    (
        "Doctorate from a school ranked 201",
        {"degree_level": "doctorate", "institution_rank": 201},
        {"points": {"A1": 15}, "tracks": {"quantitative": False}},
        "Proposed amendment 2027-03: rank 201 is outside; other schools keep their points",
    ),
    (
        "Bachelor's from a school ranked 120",
        {"degree_level": "bachelor", "institution_rank": 120},
        {"points": {"A1": 12}, "tracks": {"quantitative": False}},
        "Guidelines section 3, A1: a bachelor's degree alone does not open the quantitative track",
    ),
]


def top_200_document(base: dict[str, Any], code: str = TOP_200) -> dict[str, Any]:
    """``base`` (2026-07) with "top 100" widened to the top 200 (see the module's docstring)."""
    data = copy.deepcopy(base)
    data["code"] = code
    table = data["criteria"][0]["points"]["table"]
    if table["columns"]["bands"] != [{"max": 100}, {"min": 101, "max": 200}]:
        raise ValueError("the base's A1 is not the 2026-07 table (top 100, 101-200)")
    table["columns"]["bands"] = [{"max": 200}]
    table["points"] = {row: [cells[0], cells[2]] for row, cells in table["points"].items()}
    school = data["tracks"][0]["eligible_when"]["any"][0]["all"][1]
    if school != {"fact": "institution_rank", "op": "<=", "value": 100}:
        raise ValueError("the base's quantitative track has no top-100 school condition")
    school["value"] = 200
    return data


def demo_policy_administrators(password: str) -> tuple[User, User]:
    author = demo_user(AUTHOR, "Jung Dawon", Role.POLICY_ADMINISTRATOR, password)
    approver = demo_user(APPROVER, "Seo Jiwoo", Role.POLICY_ADMINISTRATOR, password)
    for user in (author, approver):
        give_demo_authenticator(user)  # policy pages need the second factor
    return author, approver


def seed_top_200_draft(*, author: User | None = None) -> RubricVersion:
    """The draft "2027-03 top-200", with reasons and passing conformance cases, submitted for
    approval by ``author`` (default: the demo's policy@). Idempotent: an existing draft is returned."""
    existing = RubricVersion.objects.filter(code=TOP_200).first()
    if existing is not None:
        return existing
    if author is None:
        author = User.objects.get(email=AUTHOR)
    base = RubricVersion.objects.get(code=BASE)
    draft = versions.draft_start(base=base, code=TOP_200, title=TOP_200_TITLE, by=author)
    config = top_200_document(draft.config, TOP_200)
    config["effective_from"] = max(PROPOSED_START, draft.effective_from).isoformat()
    problems = versions.draft_save_text(draft=draft, text=documents.as_text(config), by=author)
    if problems:
        raise RuntimeError(f"the demo draft {TOP_200} is invalid: {problems}")
    for change in documents.diff(base.config, draft.config):
        versions.change_reason_save(
            draft=draft, path=change.path, reason=REASON, reference=REFERENCE, by=author
        )
    for name, profile, expected, source in CASES:
        versions.conformance_case_add(
            version=draft, name=name, profile=profile, expected=expected, source=source, by=author
        )
    return versions.draft_submit(draft=draft, by=author)


def load_demo_policy(*, password: str) -> list[tuple[str, str, str]]:
    """The two policy administrators and the submitted draft; (email, role, what) lines."""
    author, approver = demo_policy_administrators(password)
    draft = seed_top_200_draft(author=author)
    simulation = seed_top_200_simulation(draft, author=author)
    reasons = ChangeReason.objects.filter(version=draft).count()
    cases = ConformanceCase.objects.filter(version=draft).count()
    return [
        (
            author.email,
            "policy admin, TOTP",
            f"wrote the draft {draft.code} ({reasons} changes, {cases} cases)",
        ),
        (approver.email, "policy admin, TOTP", f"approves or sends back {draft.code} at /policy/versions/"),
        ("", "simulation", f"{draft.code} against the version in force: {simulation.get_status_display()}"),
    ]


def seed_top_200_simulation(draft: RubricVersion, *, author: User) -> SimulationRun:
    """A finished simulation of the draft over the last twelve months (the demo history), so the
    approver's page and the simulation pages answer the ministry's question on first load. Run here,
    synchronously; a worker that takes the enqueued copy first finishes it instead (the claim is a
    compare-and-set). Once per draft."""
    existing = (
        SimulationRun.objects.filter(draft_code=draft.code).exclude(status=SimulationStatus.FAILED).first()
    )
    if existing is not None:
        return existing
    today = timezone.localdate()
    run = simulation_request(
        draft=draft.config,
        submitted_from=today - dt.timedelta(days=365),
        submitted_to=today,
        by=author,
        source=DraftSource.VERSION,
    )
    return simulation_run(run_id=run.pk)
