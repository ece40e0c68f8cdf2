"""A year of past cases for `make run` (issue 15's demo history), so the public statistics page, the
supervisor dashboard and a policy simulation show real figures on first load.

About 3,000 submitted cases over the last twelve months with the bench generator's spread
(bench/generate_cases.py: statuses 58% approved, 25.5% rejected, 8% withdrawn, the rest open;
tracks 60/30/10; the nine strategic fields plus "other"; 35% with an SME sponsor; ranks, experience,
salaries and clock pauses as there). Every row is demo data and says so: the applicants' addresses
end in ``@history.demo.ktechpass.kr`` (``HISTORY_DOMAIN``), and the sponsors are two demo
organisations named "(demo history)".

The cases are real submitted cases to every reader: status, clock fields (``submitted_at``,
``due_at``, ``paused_total``, ``decided_at``), the queue's copies, a confirmed sponsorship (whose
organisation's verified SME claim the statistics and the simulation read, as
``apps.policy.population`` does), the frozen facts in the answer shape, the rubric version in force
on the submission day, and the timeline's submission and decision events (the dashboard's decisions
per reviewer). Scores are left to the ``cases.redrive_unscored`` beat job, as after an outage.

Everything is written with ``bulk_create`` in a few statements; a second run finds the marker and
does nothing.
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
import time
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.cases.models import Case, CaseEvent, CaseStatus, Sponsorship, SponsorshipStatus
from apps.cases.search import grams, normalise
from apps.organisations.models import Organisation, SizeClass, SmeClaim, SmeClaimStatus
from apps.rubric.models import RubricVersion

HISTORY_DOMAIN = "history.demo.ktechpass.kr"
CASES = 3_000
SEED = 2026
DAY = dt.timedelta(days=1)

STATUS_WEIGHTS = {
    "approved": 58.0,
    "rejected": 25.5,
    "withdrawn": 8.0,
    "submitted": 2.5,
    "in_review": 3.5,
    "information_requested": 1.0,
}
TRACK_WEIGHTS = {"quantitative": 60.0, "qualitative": 30.0, "government_programme": 10.0}
FIELD_WEIGHTS = {
    "semiconductors": 18.0,
    "ai": 17.0,
    "secondary_batteries": 10.0,
    "biotechnology": 9.0,
    "advanced_mobility": 8.0,
    "robotics": 8.0,
    "aerospace": 6.0,
    "defence": 5.0,
    "quantum": 4.0,
    "other": 15.0,
}
SME_SHARE = 0.35
FIRST = ("Aarav", "Priya", "Wei", "Mei", "Minh", "Linh", "Hiroshi", "Yuki", "Elena", "Lukas", "Sophie",
         "José", "Lucía", "Giulia", "James", "Emily", "Ahmed", "Layla", "Søren", "Kwame", "Amara", "Budi")  # fmt: skip
LAST = ("Sharma", "Patel", "Wang", "Chen", "Nguyen", "Tran", "Tanaka", "Sato", "Petrova", "Müller",
        "Dubois", "García", "Silva", "Rossi", "Smith", "Khan", "Hassan", "Nielsen", "Mensah", "Santoso")  # fmt: skip
KOREAN = ("김민준", "이서연", "박지호", "최예은", "정하윤", "강도현", "윤서진", "장유진")


def _weighted(weights: Mapping[str, float]) -> Any:
    values = list(weights)
    cumulative, total = [], 0.0
    for value in values:
        total += weights[value]
        cumulative.append(total)

    def draw(rng: random.Random) -> str:
        return values[bisect.bisect_right(cumulative, rng.random() * total)]

    return draw


STATUS = _weighted(STATUS_WEIGHTS)
TRACK = _weighted(TRACK_WEIGHTS)
FIELD = _weighted(FIELD_WEIGHTS)


def history_loaded() -> bool:
    return Case.objects.filter(applicant__email__endswith=f"@{HISTORY_DOMAIN}").exists()


def _facts(rng: random.Random, track: str, field: str, sme: bool) -> dict[str, Any]:
    facts: dict[str, Any] = {
        "degree_level": rng.choice(("bachelor", "master", "master", "doctorate", "doctorate")),
        "institution_rank": rng.choice((None, 3, 12, 26, 58, 99, 101, 150, 230, 400)),
        "experience_years": str(rng.randint(0, 22)),
        "fortune_global_500_years": str(rng.choice((0, 0, 0, 1, 3, 5))),
        "offered_salary_krw": rng.randrange(40_000_000, 250_000_000, 500_000),
        "field": field,
        "publications_and_patents": rng.choice((0, 1, 3, 6, 12, 40)),
        "led_project_years": str(rng.choice((0, 0, 1, 2, 3, 5))),
        "international_award": rng.random() < 0.1,
        "government_programme": rng.choice(("MOHW", "KASA")) if track == "government_programme" else None,
        "sponsor_is_sme": sme,
    }
    return facts


def _versions() -> list[tuple[dt.date, RubricVersion]]:
    return [
        (v.effective_from, v) for v in RubricVersion.objects.filter(published=True).order_by("effective_from")
    ]


def _version_on(versions: list[tuple[dt.date, RubricVersion]], day: dt.date) -> RubricVersion | None:
    chosen = versions[0][1] if versions else None
    for effective_from, version in versions:
        if effective_from <= day:
            chosen = version
    return chosen


def _sponsors(employer: User, now: dt.datetime) -> tuple[Organisation, Organisation]:
    sme, _ = Organisation.objects.get_or_create(
        business_registration_number="2208162517",
        defaults={"name": "Hanbit Semiconductor (demo history)", "sector": "Semiconductors",
                  "size_class": SizeClass.SME, "created_by": employer},
    )  # fmt: skip
    large, _ = Organisation.objects.get_or_create(
        business_registration_number="1048137225",
        defaults={"name": "Daehan Electronics (demo history)", "sector": "Electronics",
                  "size_class": SizeClass.LARGE, "created_by": employer},
    )  # fmt: skip
    if not SmeClaim.objects.filter(organisation=sme, status=SmeClaimStatus.VERIFIED).exists():
        SmeClaim.objects.create(
            organisation=sme,
            certificate="demo/sme-certificate.pdf",
            certificate_name="sme-certificate.pdf",
            certificate_content_type="application/pdf",
            certificate_extension=".pdf",
            certificate_size=1,
            certificate_sha256="0" * 64,
            valid_from=timezone.localdate(now) - 800 * DAY,
            valid_to=timezone.localdate(now) + 365 * DAY,
            status=SmeClaimStatus.VERIFIED,
            submitted_by=employer,
            reviewed_at=now,
            review_reason="Demo history: SME confirmation certificate (demo data).",
        )
    return sme, large


@transaction.atomic
def load_demo_history(
    *,
    employer: User,
    reviewers: list[User],
    cases: int = CASES,
    seed: int = SEED,
    now: dt.datetime | None = None,
) -> tuple[int, float]:
    """Load the history once; returns (cases written, seconds). (0, ...) when it is already there."""
    started = time.perf_counter()
    if history_loaded():
        return 0, time.perf_counter() - started
    now = now or timezone.now()
    rng = random.Random(seed)
    versions = _versions()
    sme_org, large_org = _sponsors(employer, now)
    applicants = User.objects.bulk_create(
        [
            User(
                email=f"history-{i:05d}@{HISTORY_DOMAIN}",
                full_name=rng.choice(KOREAN)
                if rng.random() < 0.3
                else f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                password="!",  # unusable: demo history applicants cannot sign in  # noqa: S106
                date_joined=now - 400 * DAY,
            )
            for i in range(cases)
        ]
    )
    group = Group.objects.get(name=Role.APPLICANT)
    User.groups.through.objects.bulk_create(
        [User.groups.through(user_id=u.pk, group_id=group.pk) for u in applicants]
    )

    rows: list[Case] = []
    plans: list[dict[str, Any]] = []
    for applicant in applicants:
        status, track, field = STATUS(rng), TRACK(rng), FIELD(rng)
        sme = rng.random() < SME_SHARE
        sponsored = track == "qualitative" or rng.random() < 0.5 or sme
        paused = dt.timedelta(0)
        paused_at = decided_at = None
        if status in ("approved", "rejected", "withdrawn"):
            submitted_at = now - (16 * DAY + (349 * DAY) * rng.random())
        elif status == "submitted":
            submitted_at = now - (dt.timedelta(minutes=30) + 15 * DAY * rng.random())
        elif status == "in_review":
            submitted_at = now - (DAY + 18 * DAY * rng.random())
        else:
            submitted_at = now - (2 * DAY + 20 * DAY * rng.random())
        elapsed = now - submitted_at
        if status != "submitted" and rng.random() < 0.25:  # an earlier request for information, answered
            paused = min(DAY + 11 * DAY * rng.random(), elapsed * 0.5)
        if status == "information_requested":
            paused_at = now - min(dt.timedelta(hours=1) + 9 * DAY * rng.random(), (elapsed - paused) * 0.8)
        due_at = submitted_at + 14 * DAY + paused
        if status in ("approved", "rejected"):
            late = rng.random() < 0.06
            when = (
                due_at + 10 * DAY * rng.random()
                if late
                else submitted_at + 2 * DAY + 11 * DAY * rng.random() + paused
            )
            decided_at = min(when, now - dt.timedelta(minutes=1))
        elif status == "withdrawn":
            decided_at = submitted_at + dt.timedelta(hours=1) + 12 * DAY * rng.random()
        reviewer = rng.choice(reviewers) if status != "submitted" and reviewers else None
        version = _version_on(versions, timezone.localdate(submitted_at))
        organisation = (sme_org if sme else large_org) if sponsored else None
        case = Case(
            applicant=applicant,
            track=track,
            status=status,
            facts=_facts(rng, track, field, sme and sponsored),
            rubric_version=version,
            submitted_at=submitted_at,
            due_at=due_at,
            paused_at=paused_at,
            paused_total=paused,
            decided_at=decided_at,
            assigned_to=reviewer,
            assigned_at=submitted_at + dt.timedelta(hours=3) if reviewer else None,
            lock_version=2 + (reviewer is not None) + (decided_at is not None),
            clock_period=1 if paused else 0,
        )
        name = applicant.full_name
        employer_name = organisation.name if organisation else ""
        case.applicant_name, case.employer_name, case.field = name, employer_name, field
        case.sme_claimed = bool(organisation and organisation.size_class == SizeClass.SME)
        case.search_text = normalise(f"{case.reference} {name} {employer_name}")
        case.search_grams = grams(case.search_text)
        rows.append(case)
        plans.append(
            {"organisation": organisation, "reviewer": reviewer, "salary": case.facts["offered_salary_krw"]}
        )
    created = Case.objects.bulk_create(rows, batch_size=1000)

    sponsorships, events = [], []
    for case, plan in zip(created, plans, strict=True):
        organisation = plan["organisation"]
        assert case.submitted_at is not None
        if organisation is not None:
            sponsorships.append(
                Sponsorship(
                    organisation=organisation,
                    case=case,
                    candidate_email=case.applicant.email,
                    candidate_name=case.applicant_name,
                    job_title="Senior engineer",
                    field=case.field,
                    offered_salary_krw=plan["salary"],
                    core_technology_role=rng.randint(1, 5),
                    core_technology_basis="Demo history.",
                    recruiting_months=rng.choice((0, 2, 3, 6, 9)),
                    transfer_plan=rng.randint(1, 5),
                    transfer_plan_text="Demo history.",
                    status=SponsorshipStatus.CONFIRMED,
                    created_by=employer,
                    submitted_at=case.submitted_at - 3 * DAY,
                    confirmed_at=case.submitted_at - DAY,
                )
            )
        events.append(
            CaseEvent(case=case, kind=CaseEvent.Kind.SUBMITTED, from_status=CaseStatus.DRAFT,
                      to_status=CaseStatus.SUBMITTED, actor=case.applicant, at=case.submitted_at,
                      reason="Demo history.")
        )  # fmt: skip
        if case.decided_at is not None:
            kind = {"approved": CaseEvent.Kind.APPROVED, "rejected": CaseEvent.Kind.REJECTED}.get(
                case.status, CaseEvent.Kind.WITHDRAWN
            )
            actor = plan["reviewer"] if case.status != CaseStatus.WITHDRAWN else case.applicant
            events.append(
                CaseEvent(case=case, kind=kind, from_status=CaseStatus.IN_REVIEW, to_status=case.status,
                          actor=actor, at=case.decided_at, reason="Demo history.")
            )  # fmt: skip
    Sponsorship.objects.bulk_create(sponsorships, batch_size=1000)
    CaseEvent.objects.bulk_create(events, batch_size=2000)
    with connection.cursor() as cursor:  # fresh statistics for the planner after the bulk load
        for model in (Case, Sponsorship, CaseEvent, User):
            cursor.execute(f"ANALYZE {model._meta.db_table}")
    return len(created), time.perf_counter() - started
