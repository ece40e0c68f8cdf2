"""Load N realistic cases (default 1,000,000) for the ministry queue benchmarks, with PostgreSQL COPY.

    EMBEDDED_DATA_DIR=.data/bench1m .venv/bin/python scripts/services.py --profile bench -- \
        .venv/bin/python bench/generate_cases.py [--cases 1000000] [--seed 2026] [--reset] \
        [--reset-applicants] [--reuse] [--no-migrate] [--yes]

Needs DATABASE_URL (scripts/services.py starts an embedded PostgreSQL under
``$EMBEDDED_DATA_DIR/<profile>/postgres``). Refuses to run unless the target is clearly a bench
database: its name contains "bench", or its host is a socket folder with "bench" in its path (the
embedded server of ``--profile bench``), or ``--yes`` is given. A developer's database with demo
data is never touched by accident; the test database is reached only through ``generate(using=...)``.

What it writes (all bench rows are recognisable by ``@bench.invalid`` addresses):

- with the ORM: the role groups, 30 reviewers and 2 supervisors (``bench-reviewer-NN@bench.invalid``,
  reused on the next run);
- with COPY: a pool of applicants (one per 5 cases, at least 100; ``accounts_user`` plus their
  applicant group) and the cases. Each case's queue fields (``applicant_name``, ``employer_name``,
  ``field``, ``sme_claimed``, ``search_text``, ``search_grams``) are filled exactly as submission
  fills them (``apps.cases.search.normalise`` / ``grams``), so the queue's search works on them.

The spread (fixed by ``--seed``): about 7% open (2.5% submitted, 3.5% in review, 1% waiting for
information), 1.5% drafts, the rest final (58% approved, 25.5% rejected, 8% withdrawn, part of them
withdrawn as drafts); tracks 60/30/10 quantitative/qualitative/government programme; the nine
strategic fields seeded with the rubric plus "other"; 35% claim the SME bonus; 30% Korean-script
names (family name + two given syllables), the rest Latin-script names from many countries, some
with diacritics; about 1,600 employers with a skewed popularity. Final cases were submitted over the
last two years; open ones mostly within the 14-day clock, with a few percent overdue, some paused
now (information requested) and some that were paused before (``paused_total``,
``clock_period``); due date = submission + 14 days + paused time. Assignees are spread over the
30 reviewers; 60% of submitted cases are still unassigned.

The rows are generated first, sorted by creation time, then sent: ids and the physical order of the
table follow time, as in a table that grew with the service, so the open cases (recent ones) sit in
the last few percent of the heap instead of being spread over every page (which makes any scan of
the open cases, such as the admin's OFFSET pages, read many more pages: see docs/benchmarks.md).

The load runs in one transaction with ``SET LOCAL session_replication_role = replica``: no trigger
fires, so pghistory writes no history row for the million inserts (a real submission would write
one; the benchmarks read only the case table) and foreign keys are not checked row by row (the
generator only uses ids it has just read). Above 100,000 cases, the case table's secondary indexes
(not the primary key nor the unique reference) are dropped before the COPY and recreated with the
same definition after it, inside the same transaction: much faster than maintaining a GIN index row
by row, and nothing is lost if the load fails. Then ``VACUUM (ANALYZE)`` (``ANALYZE`` alone when
called inside a transaction), so the planner has statistics and index-only scans work, as they
would on a table autovacuum has visited.

``--reset`` first removes the bench cases (``TRUNCATE ... CASCADE`` when every case is a bench case,
which also empties the tables that refer to cases, such as reminders; otherwise a ``DELETE``); the
applicant pool stays for the next load unless ``--reset-applicants``. ``--reuse`` does nothing when
the database already holds ``--cases`` bench cases (``make bench``). Timings of each phase are
printed. The same seed gives the same rows from the same starting state (dates are relative to now).
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import json
import os
import random
import sys
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

BENCH_DOMAIN = "bench.invalid"
APPLICANT_PREFIX = "bench-applicant-"
REVIEWERS = 30
SUPERVISORS = 2
CASES_PER_APPLICANT = 5
REBUILD_INDEXES_FROM = 100_000
DAY = dt.timedelta(days=1)
CLOCK_DAYS = 14

# --------------------------------------------------------------------------------------------------
# What the cases look like

STATUS_WEIGHTS = {
    "draft": 1.5,
    "submitted": 2.5,
    "in_review": 3.5,
    "information_requested": 1.0,
    "approved": 58.0,
    "rejected": 25.5,
    "withdrawn": 8.0,
}
OPEN = ("submitted", "in_review", "information_requested")
TRACK_WEIGHTS = {"quantitative": 60, "qualitative": 30, "government_programme": 10}
FIELD_WEIGHTS = {
    "semiconductors": 18,
    "ai": 17,
    "secondary_batteries": 10,
    "biotechnology": 9,
    "advanced_mobility": 8,
    "robotics": 8,
    "aerospace": 6,
    "defence": 5,
    "quantum": 4,
    "other": 15,  # not one of the strategic fields (apps/rubric/migrations/0002_seed_policy_defaults)
}
PROGRAMMES = ("MOHW", "KASA")  # the recognised programmes seeded with the rubric
SME_SHARE = 0.35
KOREAN_NAME_SHARE = 0.30

# Family names with their rough share (Statistics Korea), given-name syllables common in both sexes.
KOREAN_FAMILY = (
    ("김", 21.5), ("이", 14.7), ("박", 8.4), ("최", 4.7), ("정", 4.3), ("강", 2.4), ("조", 2.1),
    ("윤", 2.1), ("장", 2.0), ("임", 1.7), ("한", 1.5), ("오", 1.5), ("서", 1.5), ("신", 1.4),
    ("권", 1.4), ("황", 1.4), ("안", 1.3), ("송", 1.3), ("류", 1.2), ("전", 1.1), ("홍", 1.1),
    ("고", 0.9), ("문", 0.9), ("양", 0.9), ("손", 0.9), ("배", 0.8), ("백", 0.8), ("허", 0.6),
    ("남", 0.5), ("제갈", 0.01),
)  # fmt: skip
KOREAN_GIVEN = (
    "민", "서", "지", "현", "준", "우", "예", "도", "하", "은", "수", "영", "진", "혜", "성", "호",
    "윤", "아", "연", "주", "유", "재", "승", "태", "경", "희", "나", "다", "채", "원", "빈", "율",
    "건", "한", "규", "린", "소", "미", "정", "동", "석", "훈", "혁", "환", "빛", "솔", "결", "온",
)  # fmt: skip
LATIN_FIRST = (
    "Aarav", "Ananya", "Priya", "Rahul", "Vikram", "Deepa", "Arjun", "Meera", "Wei", "Li", "Jun",
    "Xiaoming", "Mei", "Hao", "Yan", "Thi", "Minh", "Linh", "Anh", "Duc", "Hiroshi", "Yuki", "Haruto",
    "Sakura", "Elena", "Ivan", "Olga", "Dmitri", "Anna", "Lukas", "Sophie", "Jonas", "Lea", "Marie",
    "Pierre", "Camille", "Chloé", "José", "María", "Lucía", "Mateo", "João", "Ana", "Giulia", "Marco",
    "James", "Emily", "Michael", "Sarah", "David", "Olivia", "Daniel", "Grace", "Ahmed", "Fatima",
    "Omar", "Layla", "Mehmet", "Ayşe", "Emre", "Zoë", "Søren", "Ingrid", "Björn", "Aigerim", "Nurlan",
    "Budi", "Siti", "Rizal", "Maria", "Kwame", "Amara", "Chinedu", "Tomasz", "Agnieszka", "Nikolai",
)  # fmt: skip
LATIN_LAST = (
    "Sharma", "Patel", "Gupta", "Iyer", "Reddy", "Singh", "Wang", "Zhang", "Liu", "Chen", "Yang",
    "Huang", "Zhao", "Nguyen", "Nguyễn", "Tran", "Pham", "Le", "Tanaka", "Suzuki", "Sato", "Watanabe",
    "Petrova", "Ivanov", "Smirnov", "Kuznetsova", "Müller", "Schmidt", "Schneider", "Fischer",
    "Dubois", "Martin", "Lefèvre", "García", "Rodríguez", "Fernández", "López", "Silva", "Santos",
    "Rossi", "Bianchi", "Smith", "Johnson", "Williams", "Brown", "Taylor", "O'Brien", "Khan",
    "Hassan", "Yılmaz", "Kaya", "Andersen", "Nielsen", "Larsson", "Nurlanov", "Santoso", "Wijaya",
    "dela Cruz", "Mensah", "Okafor", "Kowalski", "Nowak", "Novák", "Horváth", "Papadopoulos",
)  # fmt: skip
EMPLOYER_STEMS = (
    ("한빛", "Hanbit"), ("새솔", "Saesol"), ("누리", "Nuri"), ("미래", "Mirae"), ("대한", "Daehan"),
    ("동방", "Dongbang"), ("청운", "Cheongun"), ("가람", "Garam"), ("하늘", "Haneul"), ("솔빛", "Solbit"),
    ("다온", "Daon"), ("세종", "Sejong"), ("태성", "Taesung"), ("한결", "Hangyeol"), ("푸른", "Pureun"),
    ("신성", "Shinsung"), ("금강", "Geumgang"), ("백두", "Baekdu"), ("우리", "Uri"), ("온누리", "Onnuri"),
)  # fmt: skip
EMPLOYER_SECTORS = (
    ("반도체", "Semiconductor"), ("바이오", "Bio"), ("로보틱스", "Robotics"), ("에너지", "Energy"),
    ("모빌리티", "Mobility"), ("신소재", "Materials"), ("전자", "Electronics"), ("테크", "Tech"),
    ("시스템즈", "Systems"), ("항공우주", "Aerospace"),
)  # fmt: skip
EMPLOYER_FORMS = (
    ("주식회사 {}", "{} Co., Ltd."),
    ("(주){}", "{} Inc."),
    ("{} 연구소", "{} Labs"),
    ("{}", "{} Corp."),
)
REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # as apps.cases.models

CASE_COLUMNS = (
    "reference", "applicant_id", "track", "status", "facts", "rubric_version_id", "submitted_at",
    "due_at", "paused_at", "paused_total", "decided_at", "assigned_to_id", "assigned_at",
    "lock_version", "clock_period", "applicant_name", "employer_name", "field", "sme_claimed",
    "search_text", "search_grams", "created_at", "updated_at", "profile",
)  # fmt: skip
USER_COLUMNS = (
    "password", "is_superuser", "email", "full_name", "preferred_language", "is_staff", "is_active",
    "date_joined",
)  # fmt: skip


class Weighted:
    """A fast weighted choice: cumulative weights and a bisection per draw."""

    def __init__(self, weights: Mapping[str, float] | Sequence[tuple[str, float]]) -> None:
        items = list(weights.items()) if isinstance(weights, Mapping) else list(weights)
        self.values = [value for value, _ in items]
        self.cumulative: list[float] = []
        total = 0.0
        for _, weight in items:
            total += weight
            self.cumulative.append(total)
        self.total = total

    def __call__(self, rng: random.Random) -> str:
        return self.values[bisect.bisect_right(self.cumulative, rng.random() * self.total)]


STATUS = Weighted(STATUS_WEIGHTS)
TRACK = Weighted(TRACK_WEIGHTS)
FIELD = Weighted(FIELD_WEIGHTS)
FAMILY = Weighted(KOREAN_FAMILY)


def korean_name(rng: random.Random) -> str:
    return FAMILY(rng) + rng.choice(KOREAN_GIVEN) + rng.choice(KOREAN_GIVEN)


def latin_name(rng: random.Random) -> str:
    return f"{rng.choice(LATIN_FIRST)} {rng.choice(LATIN_LAST)}"


def employer_names() -> list[str]:
    """About 1,600 distinct employers, Korean- and Latin-script, in a fixed order."""
    names = []
    for korean_stem, latin_stem in EMPLOYER_STEMS:
        for korean_sector, latin_sector in EMPLOYER_SECTORS:
            for korean_form, latin_form in EMPLOYER_FORMS:
                names.append(korean_form.format(korean_stem + korean_sector))
                names.append(latin_form.format(f"{latin_stem} {latin_sector}"))
    return names


def reference(rng: random.Random, taken: set[str]) -> str:
    """A new KTP-XXXX-XXXX reference (Crockford base 32, as new_case_reference), never one in ``taken``."""
    while True:
        bits = rng.getrandbits(40)
        body = "".join(REFERENCE_ALPHABET[(bits >> shift) & 31] for shift in range(35, -1, -5))
        ref = f"KTP-{body[:4]}-{body[4:]}"
        if ref not in taken:
            taken.add(ref)
            return ref


def facts_for(rng: random.Random, track: str, case_field: str, sme: bool) -> str:
    """A compact version of the declared facts a submission freezes (the answer shape)."""
    facts: dict[str, Any] = {
        "degree_level": rng.choice(("bachelor", "master", "master", "doctorate", "doctorate")),
        "institution_rank": rng.choice((None, 3, 12, 26, 58, 99, 101, 150, 230, 400)),
        "experience_years": str(rng.randint(0, 22)),
        "offered_salary_krw": rng.randrange(40_000_000, 250_000_000, 500_000),
        "field": case_field,
        "sponsor_is_sme": sme,
        "publications_and_patents": rng.choice((0, 1, 3, 6, 12, 40)),
    }
    if track == "government_programme":
        facts["government_programme"] = rng.choice(PROGRAMMES)
    return json.dumps(facts, ensure_ascii=False, separators=(",", ":"))


# --------------------------------------------------------------------------------------------------
# The generator


@dataclass
class Summary:
    cases: int = 0
    applicants_created: int = 0
    by_status: Counter[str] = field(default_factory=Counter)
    timings: dict[str, float] = field(default_factory=dict)
    reviewer_ids: list[int] = field(default_factory=list)
    supervisor_ids: list[int] = field(default_factory=list)


@dataclass
class Context:
    rng: random.Random
    now: dt.datetime
    applicants: list[tuple[int, str]]
    reviewers: list[int]
    employers: Weighted
    versions: list[tuple[dt.date, int]]  # (effective_from, id), oldest first
    taken: set[str]
    # Applicants who already have an open case: a person has at most one (a database constraint).
    with_open_case: set[int] = field(default_factory=set)


def _uniform(rng: random.Random, low: dt.timedelta, high: dt.timedelta) -> dt.timedelta:
    return low + (high - low) * rng.random()


def _version_for(ctx: Context, when: dt.datetime) -> int | None:
    if not ctx.versions:
        return None
    day = when.date()
    chosen = ctx.versions[0][1]
    for effective_from, pk in ctx.versions:
        if effective_from <= day:
            chosen = pk
    return chosen


FINAL = frozenset({"approved", "rejected", "withdrawn"})


def _applicant_for(ctx: Context, *, open_case: bool) -> tuple[int, str]:
    """A random applicant; for an open case one without another open case (the pool is five times
    smaller than the cases and about 9% of them are open, so a free one is always near)."""
    pool = ctx.applicants
    start = ctx.rng.randrange(len(pool))
    if not open_case:
        return pool[start]
    for offset in range(len(pool)):
        applicant = pool[(start + offset) % len(pool)]
        if applicant[0] not in ctx.with_open_case:
            ctx.with_open_case.add(applicant[0])
            return applicant
    raise RuntimeError("every bench applicant already has an open case: load fewer cases")


def case_row(ctx: Context) -> tuple[Any, ...]:
    """One case, as a row in CASE_COLUMNS order."""
    rng, now = ctx.rng, ctx.now
    status = STATUS(rng)
    track = TRACK(rng)
    case_field = FIELD(rng)
    sme = rng.random() < SME_SHARE
    applicant_id, name = _applicant_for(ctx, open_case=status not in FINAL)
    employer = ctx.employers(rng)
    ref = reference(rng, ctx.taken)
    submitted_at = due_at = paused_at = decided_at = assigned_to = assigned_at = None
    paused_total = dt.timedelta(0)
    clock_period = 0
    lock_version = 1

    never_submitted = status == "draft" or (status == "withdrawn" and rng.random() < 0.4)
    if never_submitted:
        created_at = now - _uniform(rng, dt.timedelta(hours=1), 120 * DAY)
        updated_at = created_at + (now - created_at) * rng.random()
        lock_version = 1 + (status == "withdrawn")
    else:
        if status in ("approved", "rejected", "withdrawn"):
            submitted_at = now - _uniform(rng, 16 * DAY, 730 * DAY)
        elif status == "submitted":
            overdue = rng.random() < 0.06
            submitted_at = now - (
                _uniform(rng, 14 * DAY, 30 * DAY)
                if overdue
                else _uniform(rng, dt.timedelta(minutes=5), 14 * DAY)
            )
        elif status == "in_review":
            overdue = rng.random() < 0.05
            submitted_at = now - (
                _uniform(rng, 15 * DAY, 40 * DAY) if overdue else _uniform(rng, DAY, 14 * DAY)
            )
        else:  # information_requested
            submitted_at = now - _uniform(rng, 2 * DAY, 25 * DAY)
        created_at = submitted_at - _uniform(rng, dt.timedelta(hours=1), 30 * DAY)
        elapsed = now - submitted_at
        if status != "submitted" and rng.random() < 0.25:  # an earlier information request, answered
            paused_total = min(_uniform(rng, DAY, 12 * DAY), elapsed * 0.5)
            clock_period = 1 + (rng.random() < 0.15)
        if status == "information_requested":
            paused_at = now - min(
                _uniform(rng, dt.timedelta(hours=1), 10 * DAY), (elapsed - paused_total) * 0.8
            )
        due_at = submitted_at + CLOCK_DAYS * DAY + paused_total
        if status != "submitted" or rng.random() < 0.4:
            assigned_to = ctx.reviewers[rng.randrange(len(ctx.reviewers))]
            assigned_at = submitted_at + min(_uniform(rng, dt.timedelta(minutes=10), 3 * DAY), elapsed * 0.5)
        if status in ("approved", "rejected"):
            late = rng.random() < 0.06
            decided_at = min(
                due_at + _uniform(rng, dt.timedelta(0), 10 * DAY)
                if late
                else submitted_at + _uniform(rng, 2 * DAY, 13 * DAY) + paused_total,
                now - dt.timedelta(minutes=1),
            )
            updated_at = decided_at
        elif status == "withdrawn":
            updated_at = submitted_at + _uniform(rng, dt.timedelta(hours=1), 12 * DAY)
        else:
            updated_at = max(paused_at or submitted_at, assigned_at or submitted_at)
        lock_version = 2 + (assigned_to is not None) + 2 * clock_period + (decided_at is not None)

    if submitted_at is None:  # queue fields are copied at submission
        queue_name = employer_name = queue_field = search_text = ""
        sme_flag = False
    else:
        queue_name, employer_name, queue_field, sme_flag = name, employer, case_field, sme
        search_text = normalise(f"{ref} {name} {employer}")
    # search_grams is filled in as the row is sent (with_grams): a million rows wait in memory to
    # be sorted, and the bigram lists are most of their size.
    return (
        ref,
        applicant_id,
        track,
        status,
        facts_for(rng, track, case_field, sme),
        _version_for(ctx, submitted_at or created_at),
        submitted_at,
        due_at,
        paused_at,
        paused_total,
        decided_at,
        assigned_to,
        assigned_at,
        lock_version,
        clock_period,
        queue_name,
        employer_name,
        queue_field,
        sme_flag,
        search_text,
        None,
        created_at,
        updated_at,
        "{}",  # the profile as submitted: not generated (the simulation and the queue do not read it)
    )


SEARCH_TEXT_AT = CASE_COLUMNS.index("search_text")
CREATED_AT = CASE_COLUMNS.index("created_at")


def with_grams(row: tuple[Any, ...]) -> tuple[Any, ...]:
    text = row[SEARCH_TEXT_AT]
    return (*row[: SEARCH_TEXT_AT + 1], make_grams(text) if text else [], *row[SEARCH_TEXT_AT + 2 :])


def normalise(text: str) -> str:
    from apps.cases.search import normalise as _normalise

    return _normalise(text)


def make_grams(text: str) -> list[str]:
    from apps.cases.search import grams

    return grams(text)


def _staff(using: str, log: Callable[[str], None]) -> tuple[list[int], list[int], int]:
    """Reviewers and supervisors with the ORM (reused when they exist), and the applicant group's id."""
    from django.contrib.auth.models import Group

    from apps.accounts.models import User
    from apps.accounts.roles import Role

    groups = {role: Group.objects.using(using).get_or_create(name=role.value)[0] for role in Role}
    rng = random.Random(7)
    ids: dict[str, list[int]] = {"reviewer": [], "supervisor": []}
    for role, count in (("reviewer", REVIEWERS), ("supervisor", SUPERVISORS)):
        for n in range(1, count + 1):
            name = korean_name(rng) if n % 2 else latin_name(rng)
            user, created = User.objects.db_manager(using).get_or_create(
                email=f"bench-{role}-{n:02d}@{BENCH_DOMAIN}",
                defaults={"full_name": name, "preferred_language": "ko" if n % 2 else "en"},
            )
            if created:
                user.set_unusable_password()
                user.save(using=using)
            user.groups.add(groups[Role(role)])
            ids[role].append(user.pk)
    log(f"staff: {len(ids['reviewer'])} reviewers, {len(ids['supervisor'])} supervisors")
    return ids["reviewer"], ids["supervisor"], groups[Role.APPLICANT].pk


def _applicants(
    cursor: Any, wanted: int, group_id: int, rng: random.Random, now: dt.datetime
) -> tuple[list[tuple[int, str]], int]:
    """The applicant pool: bench applicants already there, topped up with COPY to ``wanted``."""
    pattern = f"{APPLICANT_PREFIX}%@{BENCH_DOMAIN}"
    cursor.execute("SELECT count(*) FROM accounts_user WHERE email LIKE %s", [pattern])
    have = cursor.fetchone()[0]
    created = max(0, wanted - have)
    if created:
        columns = ", ".join(USER_COLUMNS)
        with cursor.copy(f"COPY accounts_user ({columns}) FROM STDIN") as copy:
            for n in range(have, wanted):
                korean = rng.random() < KOREAN_NAME_SHARE
                name = korean_name(rng) if korean else latin_name(rng)
                language = (
                    ("ko" if rng.random() < 0.7 else "en")
                    if korean
                    else ("en" if rng.random() < 0.85 else "ko")
                )
                joined = now - _uniform(rng, DAY, 800 * DAY)
                copy.write_row(
                    (
                        "!bench",
                        False,
                        f"{APPLICANT_PREFIX}{n:07d}@{BENCH_DOMAIN}",
                        name,
                        language,
                        False,
                        True,
                        joined,
                    )
                )
        cursor.execute(
            "INSERT INTO accounts_user_groups (user_id, group_id) SELECT u.id, %s FROM accounts_user u "
            "WHERE u.email LIKE %s AND NOT EXISTS (SELECT 1 FROM accounts_user_groups g "
            "WHERE g.user_id = u.id AND g.group_id = %s)",
            [group_id, pattern, group_id],
        )
    cursor.execute(
        "SELECT id, full_name FROM accounts_user WHERE email LIKE %s ORDER BY id LIMIT %s", [pattern, wanted]
    )
    return [(int(pk), str(name)) for pk, name in cursor.fetchall()], created


def _secondary_indexes(cursor: Any) -> list[tuple[str, str]]:
    """The case table's indexes that back no constraint (name, CREATE INDEX statement)."""
    cursor.execute(
        "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
        "JOIN pg_class i ON i.oid = x.indexrelid "
        "WHERE x.indrelid = 'cases_case'::regclass "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) ORDER BY 1"
    )
    return [(str(name), str(definition)) for name, definition in cursor.fetchall()]


def bench_cases(using: str = "default") -> tuple[int, dt.datetime | None]:
    """How many bench cases there are, and when the newest was created."""
    from django.db import connections

    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT count(*), max(c.created_at) FROM cases_case c JOIN accounts_user u ON u.id = c.applicant_id "
            "WHERE u.email LIKE %s",
            [f"{APPLICANT_PREFIX}%@{BENCH_DOMAIN}"],
        )
        count, newest = cursor.fetchone()
    return int(count), newest


def reset(using: str = "default", *, applicants: bool = False, log: Callable[[str], None] = print) -> None:
    """Remove the bench cases; with ``applicants`` the bench applicants too (reviewers and supervisors
    stay). The applicant pool is otherwise kept for the next load: deleting 200,000 users takes a
    minute (every table that refers to users is checked), creating them again two seconds."""
    from django.db import connections, transaction

    started = time.perf_counter()
    pattern = f"{APPLICANT_PREFIX}%@{BENCH_DOMAIN}"
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM cases_case c JOIN accounts_user u ON u.id = c.applicant_id "
            "WHERE u.email NOT LIKE %s)",
            [pattern],
        )
        others = cursor.fetchone()[0]
        if others:
            cursor.execute(
                "DELETE FROM cases_case WHERE applicant_id IN (SELECT id FROM accounts_user WHERE email LIKE %s)",
                [pattern],
            )
            how = f"DELETE ({cursor.rowcount} cases; other cases kept)"
        else:
            cursor.execute("TRUNCATE cases_case CASCADE")
            how = "TRUNCATE cases_case CASCADE (every case was a bench case)"
        users = 0
        if applicants:
            cursor.execute(
                "DELETE FROM accounts_user_groups WHERE user_id IN "
                "(SELECT id FROM accounts_user WHERE email LIKE %s)",
                [pattern],
            )
            cursor.execute("DELETE FROM accounts_user WHERE email LIKE %s", [pattern])
            users = cursor.rowcount
    log(f"reset: {how}, {users:,} bench applicants removed in {time.perf_counter() - started:.1f}s")


def generate(
    *,
    cases: int,
    seed: int = 2026,
    using: str = "default",
    now: dt.datetime | None = None,
    rebuild_indexes: bool | None = None,
    log: Callable[[str], None] = print,
) -> Summary:
    """Add ``cases`` bench cases to the database ``using`` (a Django alias: the test passes its own)."""
    from django.db import connections, transaction
    from django.utils import timezone

    from apps.rubric.models import RubricVersion

    summary = Summary()
    rng = random.Random(seed)
    now = (now or timezone.now()).replace(microsecond=0)
    rebuild = cases >= REBUILD_INDEXES_FROM if rebuild_indexes is None else rebuild_indexes
    started = time.perf_counter()
    summary.reviewer_ids, summary.supervisor_ids, applicant_group = _staff(using, log)
    versions = sorted(
        (v.effective_from, v.pk) for v in RubricVersion.objects.using(using).filter(published=True)
    )
    connection = connections[using]
    with transaction.atomic(using=using), connection.cursor() as wrapper:
        cursor = wrapper.cursor  # psycopg's own cursor, for COPY
        cursor.execute("SET LOCAL session_replication_role = replica")  # no pghistory rows, no FK checks
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        mark = time.perf_counter()
        pool, summary.applicants_created = _applicants(
            cursor, max(100, cases // CASES_PER_APPLICANT), applicant_group, rng, now
        )
        summary.timings["applicants"] = time.perf_counter() - mark
        log(
            f"applicants: {len(pool):,} in the pool ({summary.applicants_created:,} new, COPY) in {summary.timings['applicants']:.1f}s"
        )

        dropped: list[tuple[str, str]] = []
        if rebuild:
            dropped = _secondary_indexes(cursor)
            for name, _definition in dropped:
                cursor.execute(f'DROP INDEX "{name}"')
            log(f"dropped {len(dropped)} secondary indexes for the load: {', '.join(n for n, _ in dropped)}")
        cursor.execute("SELECT reference FROM cases_case")
        taken = {row[0] for row in cursor.fetchall()}
        ctx = Context(
            rng=rng,
            now=now,
            applicants=pool,
            reviewers=summary.reviewer_ids,
            employers=Weighted([(name, 1.0 / (rank + 10)) for rank, name in enumerate(employer_names())]),
            versions=versions,
            taken=taken,
        )
        # Rows go in in the order the applications were started, as they would have been written:
        # the open cases (recent) sit together at the end of the table, not spread over all of it.
        mark = time.perf_counter()
        rows = sorted((case_row(ctx) for _ in range(cases)), key=lambda row: row[CREATED_AT])
        summary.timings["generate"] = time.perf_counter() - mark
        log(f"cases: {cases:,} generated and sorted by creation time in {summary.timings['generate']:.1f}s")
        mark = time.perf_counter()
        status_at = CASE_COLUMNS.index("status")
        with cursor.copy(f"COPY cases_case ({', '.join(CASE_COLUMNS)}) FROM STDIN") as copy:
            for n, row in enumerate(rows):
                summary.by_status[row[status_at]] += 1
                copy.write_row(with_grams(row))
                if n and n % 250_000 == 0:
                    log(f"  {n:,} cases sent ({n / (time.perf_counter() - mark):,.0f}/s)")
        del rows
        summary.timings["copy"] = time.perf_counter() - mark
        summary.cases = cases
        log(
            f"cases: {cases:,} with COPY in {summary.timings['copy']:.1f}s ({cases / max(summary.timings['copy'], 1e-9):,.0f}/s)"
        )

        if dropped:
            mark = time.perf_counter()
            for name, definition in dropped:
                one = time.perf_counter()
                cursor.execute(definition)
                log(f"  rebuilt {name} in {time.perf_counter() - one:.1f}s")
            summary.timings["indexes"] = time.perf_counter() - mark
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")

    mark = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.in_atomic_block:  # a test's transaction: VACUUM cannot run there
            cursor.execute("ANALYZE accounts_user")
            cursor.execute("ANALYZE cases_case")
            what = "ANALYZE"
        else:
            cursor.execute("VACUUM (ANALYZE) accounts_user")
            cursor.execute("VACUUM (ANALYZE) cases_case")
            what = "VACUUM (ANALYZE)"
    summary.timings["analyze"] = time.perf_counter() - mark
    log(f"{what} in {summary.timings['analyze']:.1f}s")
    summary.timings["total"] = time.perf_counter() - started
    spread = ", ".join(f"{status} {count:,}" for status, count in summary.by_status.most_common())
    log(f"done in {summary.timings['total']:.1f}s: {spread}")
    return summary


# --------------------------------------------------------------------------------------------------
# The command line


def is_bench_database(settings_dict: dict[str, Any]) -> bool:
    """A database named for benches, or the embedded server of a bench profile (its socket folder)."""
    name = str(settings_dict.get("NAME") or "")
    host = str(settings_dict.get("HOST") or "")
    in_folder = host.startswith("/") and any("bench" in part.lower() for part in Path(host).parts)
    return "bench" in name.lower() or in_folder


def setup_django() -> None:
    if not os.environ.get("DATABASE_URL"):
        sys.exit(
            "DATABASE_URL is not set: run through scripts/services.py --profile bench (see the docstring)"
        )
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--reset", action="store_true", help="remove the bench cases first")
    parser.add_argument(
        "--reset-applicants", action="store_true", help="with --reset: the bench applicants too (slow)"
    )
    parser.add_argument(
        "--yes", action="store_true", help="write even though the database is not named for benches"
    )
    parser.add_argument("--no-migrate", action="store_true", help="skip `migrate`")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="do nothing when the database already holds --cases bench cases (else reset and load)",
    )
    args = parser.parse_args(argv)
    setup_django()

    from django.conf import settings
    from django.core.management import call_command

    target = settings.DATABASES["default"]
    where = f"{target.get('NAME')} on {target.get('HOST') or 'localhost'}"
    if not (args.yes or is_bench_database(target)):
        print(
            f"refusing to write to {where}: not a bench database. Use the embedded bench profile "
            "(EMBEDDED_DATA_DIR=.data/bench1m scripts/services.py --profile bench -- ...), a "
            "DATABASE_URL whose database name contains 'bench', or --yes.",
            file=sys.stderr,
        )
        return 2
    print(f"target: {where}")
    if not args.no_migrate:
        mark = time.perf_counter()
        call_command("migrate", verbosity=0)
        print(f"migrate in {time.perf_counter() - mark:.1f}s")
    if args.reuse and not args.reset:
        loaded, newest = bench_cases()
        if loaded >= args.cases:
            print(
                f"reusing {loaded:,} bench cases (the newest created {newest:%Y-%m-%d %H:%M} UTC); --reset reloads"
            )
            return 0
    if args.reset:
        reset(applicants=args.reset_applicants)
    generate(cases=args.cases, seed=args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
