"""The impact simulation at a million cases, next to the per-case baseline (issue 10).

    EMBEDDED_DATA_DIR=.data/bench1m .venv/bin/python scripts/services.py --profile bench -- \
        .venv/bin/python bench/generate_cases.py --cases 1000000          # once
    EMBEDDED_DATA_DIR=.data/bench1m .venv/bin/python scripts/services.py --profile bench -- \
        .venv/bin/python bench/simulation.py [--rounds 3] [--baseline-rounds 1] [--json results.json]

In one run, on the same data (every case submitted in the period, drafts left out):

(a) the per-case baseline: every case re-scored once under 2026-07 on 2 processes (forked after
    Django is loaded; each takes the ids of one parity), the way real scoring does it: the case's
    row with its declared facts (jsonb, parsed by psycopg into a dict), its confirmed sponsorship,
    the reviewer's assessment and the SME claim verified for the submission day (the same joins as
    the simulation), ``scored_answers``' overlay in Python, ``profile_from_answers`` and
    ``Scorer.score`` (explanations included), the scorer of the submission day from
    ``scorer_for`` (per-process memo). Wall time from the fork to the last child's end.
(b) the simulation end to end: ``apps.policy.simulation.simulate`` of the top-200 draft
    (``tests/policy/helpers.top_200_document``) against 2026-07: the survey, reading every case
    with one binary COPY, scoring under both versions per chunk, adding up, fetching the changed
    cases' references (the first 10,000), and naming the parameter changes that cause each verdict
    change (each changed case re-scored under base + one unit of change and draft - that unit).
    One process (PostgreSQL works in its own).

Also, for information: (b) reading alone (the survey and the COPY, no scoring), and (b) without
the causes. Prints the 1-minute
load average before each measurement; the target is (b) at least 6x faster than (a). Refuses a
database that is not a bench one (see generate_cases.is_bench_database) unless ``--yes``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from generate_cases import is_bench_database, setup_django  # noqa: E402

TARGET_RATIO = 6.0
BASELINE_SQL = """
SELECT c.id, c.facts, (c.submitted_at AT TIME ZONE %s)::date,
       s.id IS NOT NULL, s.offered_salary_krw, s.core_technology_role, s.recruiting_months, s.transfer_plan,
       o.size_class,
       EXISTS (SELECT 1 FROM organisations_smeclaim m WHERE m.organisation_id = s.organisation_id
               AND m.status = 'verified' AND m.valid_from <= (c.submitted_at AT TIME ZONE %s)::date
               AND m.valid_to >= (c.submitted_at AT TIME ZONE %s)::date),
       a.id IS NOT NULL, a.field, a.publications_and_patents, a.led_project_years, a.international_award,
       a.core_technology_role, a.hard_to_fill, a.transfer_plan
FROM cases_case c
LEFT JOIN cases_sponsorship s ON s.case_id = c.id AND s.status = 'confirmed'
LEFT JOIN organisations_organisation o ON o.id = s.organisation_id
LEFT JOIN cases_qualitativeassessment a ON a.case_id = c.id
WHERE c.status <> 'draft' AND c.submitted_at >= %s AND c.submitted_at < %s AND c.id %% 2 = %s
"""


def load() -> float:
    return os.getloadavg()[0]


def baseline_worker(parity: int, start: dt.datetime, end: dt.datetime, out: Any) -> None:
    """One process's half of the per-case baseline; sends (cases, seconds, read seconds) to ``out``."""
    from django.conf import settings
    from django.db import connection, transaction

    from apps.cases.score_snapshot import HARD_TO_FILL_MONTHS, NO_SPONSOR_ANSWERS
    from apps.organisations.models import SizeClass
    from apps.rubric.answers import profile_from_answers
    from apps.rubric.selectors import scorer_for

    started = time.perf_counter()
    count = 0
    reading = 0.0
    tz = settings.TIME_ZONE
    with transaction.atomic():
        cursor = connection.connection.cursor(name=f"baseline_{parity}")
        cursor.itersize = 2000
        cursor.execute(BASELINE_SQL, [tz, tz, tz, start, end, parity])
        rows = iter(cursor)
        while True:
            mark = time.perf_counter()
            row = next(rows, None)
            reading += time.perf_counter() - mark
            if row is None:
                break
            (_id, facts, day, sponsored, salary, role, months, plan, size, sme_ok, assessed,
             a_field, a_pubs, a_led, a_award, a_role, a_hard, a_plan) = row  # fmt: skip
            scorer = scorer_for(version_code="2026-07", on=day)
            answers = json.loads(facts) if isinstance(facts, str) else dict(facts)  # as JSONField does
            if sponsored:
                minimum = scorer.version.parameter(HARD_TO_FILL_MONTHS)
                answers.update(
                    offered_salary_krw=salary,
                    core_technology_role=role,
                    hard_to_fill=minimum is not None and months >= minimum,
                    transfer_plan=plan,
                    sponsor_is_sme=size == SizeClass.SME,
                )
            else:
                answers.update(NO_SPONSOR_ANSWERS)
            if assessed:
                answers.update(
                    field=a_field,
                    publications_and_patents=a_pubs,
                    led_project_years=str(a_led),
                    international_award=a_award,
                    core_technology_role=a_role,
                    hard_to_fill=a_hard,
                    transfer_plan=a_plan,
                )
            profile = profile_from_answers(answers, scorer, sme_verified=bool(sponsored and sme_ok))
            scorer.score(profile)
            count += 1
        cursor.close()
    out.send((count, time.perf_counter() - started, reading))
    out.close()


def baseline(start: dt.datetime, end: dt.datetime) -> dict[str, Any]:
    import multiprocessing

    from django.db import connections

    connections.close_all()
    context = multiprocessing.get_context("fork")
    began = time.perf_counter()
    pipes, processes = [], []
    for parity in (0, 1):
        receive, send = context.Pipe(duplex=False)
        process = context.Process(target=baseline_worker, args=(parity, start, end, send))
        process.start()
        pipes.append(receive)
        processes.append(process)
    results = [pipe.recv() for pipe in pipes]
    for process in processes:
        process.join()
    wall = time.perf_counter() - began
    return {
        "cases": sum(r[0] for r in results),
        "seconds": wall,
        "per_process_seconds": [round(r[1], 2) for r in results],
        "per_process_read_seconds": [round(r[2], 2) for r in results],
    }


def simulation(first: dt.date, last: dt.date, *, causes: bool = True) -> dict[str, Any]:
    from unittest import mock

    from apps.policy import simulation as module
    from apps.policy.simulation import simulate
    from apps.rubric.selectors import rubric_version_by_code
    from tests.policy.helpers import top_200

    base = rubric_version_by_code("2026-07").parsed_config()
    draft = top_200()
    began = time.perf_counter()
    if causes:
        result = simulate(draft, base=base, submitted_from=first, submitted_to=last)
    else:  # for information: the same without the causes (no unit of change to test)
        with mock.patch.object(module, "_units", return_value=([], [], [])):
            result = simulate(draft, base=base, submitted_from=first, submitted_to=last)
    seconds = time.perf_counter() - began
    quantitative = result.overall.tracks["quantitative"].as_dict()
    return {
        "cases": result.cases,
        "seconds": seconds,
        "changed": result.changed_cases,
        "changed_kept": len(result.changed),
        "causes": {c.unit.label: c.cases for c in result.causes},
        "quantitative": quantitative,
    }


def reading_only(first: dt.date, last: dt.date) -> dict[str, Any]:
    from django.db import transaction

    from apps.policy.population import Population

    began = time.perf_counter()
    with transaction.atomic():
        population = Population(first, last)
        total = population.survey()
        surveyed = time.perf_counter() - began
        rows = sum(chunk.size for chunk in population.chunks())
    assert rows == total
    return {"cases": rows, "seconds": time.perf_counter() - began, "survey_seconds": surveyed}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=3, help="simulation runs (median reported)")
    parser.add_argument("--baseline-rounds", type=int, default=1)
    parser.add_argument("--days", type=int, default=800, help="the period: the last N days up to today")
    parser.add_argument("--json", default=None)
    parser.add_argument("--yes", action="store_true")
    args = parser.parse_args(argv)
    setup_django()

    from django.conf import settings
    from django.utils import timezone

    from apps.policy.population import period_bounds

    if not (args.yes or is_bench_database(settings.DATABASES["default"])):
        print("refusing: not a bench database (see bench/generate_cases.py)", file=sys.stderr)
        return 2
    last = timezone.localdate()
    first = last - dt.timedelta(days=args.days)
    start, end = period_bounds(first, last)
    print(f"period {first} .. {last}; cpus {os.cpu_count()}")
    report: dict[str, Any] = {
        "period": [first.isoformat(), last.isoformat()],
        "simulation": [],
        "baseline": [],
    }

    def measure(kind: str) -> None:
        before = load()
        if kind == "simulation":
            figures = simulation(first, last)
        elif kind == "no_causes":
            figures = simulation(first, last, causes=False)
        elif kind == "reading":
            figures = reading_only(first, last)
        else:
            figures = baseline(start, end)
        figures["load_before"] = round(before, 2)
        report.setdefault(kind, []).append(figures)
        print(f"{kind:10} load {before:5.2f}  {json.dumps(figures)}", flush=True)

    measure("simulation")  # also warms the table into memory, as the baseline's first pass would
    for _ in range(args.baseline_rounds):
        measure("baseline")
        measure("simulation")
    while len(report["simulation"]) < args.rounds + 1:
        measure("simulation")
    measure("reading")
    measure("no_causes")
    timed = [r["seconds"] for r in report["simulation"][1:]]  # the first run warmed the cache
    simulated = statistics.median(timed)
    base_seconds = statistics.median(r["seconds"] for r in report["baseline"])
    ratio = base_seconds / simulated
    report["summary"] = {
        "baseline_seconds": round(base_seconds, 2),
        "simulation_seconds_median": round(simulated, 2),
        "simulation_seconds_min": round(min(timed), 2),
        "ratio": round(ratio, 2),
        "target": TARGET_RATIO,
        "met": ratio >= TARGET_RATIO,
    }
    print(json.dumps(report["summary"]))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
