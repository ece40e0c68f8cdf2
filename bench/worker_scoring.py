"""Scoring throughput of a real Celery worker: submitted cases scored per second.

    python scripts/services.py --profile bench -- python bench/worker_scoring.py [--cases 2000] [--concurrency 1,2]

Needs DATABASE_URL and REDIS_URL (scripts/services.py starts embedded ones). Migrates, loads the
demo reference lists, creates N submitted cases with varied facts (bulk insert: the submission path
is measured separately), then for each worker concurrency: deletes the snapshots, starts
``celery -A config worker --pool=prefork --concurrency=C`` as a separate process, enqueues one
``cases.score_case`` task per case and times from the first enqueue until every case has its
snapshot (polling the database). Each task locks the case row, builds the facts (one query for the
confirmed sponsorship), loads the rubric and reference data, scores, and upserts the snapshot.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ["DJANGO_DEBUG"] = "false"
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")

import django  # noqa: E402

django.setup()

from celery import current_app  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from apps.accounts.models import User  # noqa: E402
from apps.cases.models import Case, CaseScore, CaseStatus  # noqa: E402
from apps.rubric.selectors import rubric_version_in_force  # noqa: E402

BENCH_EMAIL = "bench-applicant@bench.invalid"


def varied_facts(rng: random.Random) -> dict[str, object]:
    return {
        "degree_level": rng.choice(["bachelor", "master", "master", "doctorate"]),
        "institution_rank": rng.choice([None, 5, 26, 58, 99, 101, 150, 230]),
        "experience_years": str(rng.randint(0, 20)),
        "fortune_global_500_years": str(rng.choice([0, 0, 1, 2, 3, 5])),
        "offered_salary_krw": rng.randrange(40_000_000, 200_000_000, 500_000),
        "field": rng.choice(["ai", "semiconductors", "aerospace", "robotics", "other"]),
        "publications_and_patents": rng.randint(0, 15),
        "led_project_years": str(rng.choice([0, 1, 2, 3, 5])),
        "international_award": rng.random() < 0.1,
        "government_programme": None,
    }


def create_cases(count: int) -> list[int]:
    applicant, _ = User.objects.get_or_create(email=BENCH_EMAIL, defaults={"full_name": "Bench"})
    Case.objects.filter(applicant=applicant).delete()
    version = rubric_version_in_force(timezone.localdate())
    now = timezone.now()
    rng = random.Random(2026)
    cases = [
        Case(
            applicant=applicant,
            track=rng.choice(["quantitative", "qualitative"]),
            status=CaseStatus.SUBMITTED,
            facts=varied_facts(rng),
            rubric_version=version,
            submitted_at=now,
            due_at=now + dt.timedelta(days=14),
        )
        for _ in range(count)
    ]
    return [case.pk for case in Case.objects.bulk_create(cases, batch_size=1000)]


def run_worker(concurrency: int, case_ids: list[int], timeout: float) -> dict[str, float]:
    CaseScore.objects.filter(case_id__in=case_ids).delete()
    worker = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "celery"),
            "-A",
            "config",
            "worker",
            "--pool=prefork",
            f"--concurrency={concurrency}",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
        start_new_session=True,
    )
    try:
        time.sleep(4)  # let the pool start: measure scoring, not start-up
        started = time.perf_counter()
        for case_id in case_ids:
            current_app.send_task("cases.score_case", args=[case_id])
        enqueued = time.perf_counter() - started
        while CaseScore.objects.filter(case_id__in=case_ids).count() < len(case_ids):
            if time.perf_counter() - started > timeout:
                raise SystemExit(f"timed out after {timeout}s")
            time.sleep(0.05)
        elapsed = time.perf_counter() - started
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
    return {
        "concurrency": concurrency,
        "cases": len(case_ids),
        "seconds": round(elapsed, 2),
        "cases_per_s": round(len(case_ids) / elapsed, 1),
        "enqueue_seconds": round(enqueued, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--concurrency", default="1,2")
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    case_ids = create_cases(args.cases)
    results = [run_worker(int(c), case_ids, args.timeout) for c in args.concurrency.split(",")]
    print(
        json.dumps(
            {
                "python": platform.python_version(),
                "cpus": os.cpu_count(),
                "results": results,
            },
            indent=2,
        )
    )
    Case.objects.filter(applicant__email=BENCH_EMAIL).delete()


if __name__ == "__main__":
    main()
