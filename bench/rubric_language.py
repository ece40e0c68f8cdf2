"""The rubric language against the engine it replaces, and the batch scorer (issue 9's targets).

    python bench/rubric_language.py [--profiles 40000] [--chunk 500] [--population 1000000]

1. Per-profile scoring with explanations, 2026-07, English, on generated profiles
   (tests/rubric/differential.py): profiles/s from CPU time (time.thread_time: what this thread used,
   robust to other processes on the two cores) and from wall time. The comparison with the launch
   engine (target: at least two thirds of its throughput) was run interleaved in one process while
   both existed; its figures are in docs/benchmarks.md, section 6. The launch engine is gone since.
2. Batch scoring without explanations: the language's per-profile ``points`` against ``BatchScorer``
   on the same profiles. Target: at least 20x.
3. A million profiles through ``BatchScorer``, columns generated directly as NumPy arrays (as a
   simulation would read them from the database). Target: at most 5 s on one core. Building columns
   from Python profile objects is timed separately, since it is not scoring.

The load average is printed: this machine's speed drifts, and other work on the two cores shows
there. Needs DJANGO_SETTINGS_MODULE (the test settings are enough; no database is used).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from django.utils import translation  # noqa: E402

from apps.rubric.language.batch import UNLISTED, BatchScorer, Columns, columns  # noqa: E402
from apps.rubric.language.catalogue import default_catalogue  # noqa: E402
from apps.rubric.language.document import read_version  # noqa: E402
from apps.rubric.language.scorer import Scorer  # noqa: E402
from tests.rubric.differential import NEW_REFERENCE, generated, profile_of  # noqa: E402


def _load(code: str) -> tuple[Scorer, BatchScorer]:
    version = read_version(
        json.loads((ROOT / "apps/rubric/versions" / f"{code}.json").read_text()), default_catalogue()
    )
    return Scorer(version, NEW_REFERENCE), BatchScorer(version, NEW_REFERENCE)


def per_profile(count: int, chunk: int) -> dict[str, float]:
    new, _ = _load("2026-07")
    profiles = [profile_of(f) for f in generated(count, seed=1)]
    for f in generated(5_000, seed=2):  # warm-up: prepared sentences for the common keys
        new.score(profile_of(f))
    t0, w0 = time.thread_time(), time.perf_counter()
    chunk_rates = []
    for start in range(0, count, chunk):
        c0 = time.thread_time()
        for p in profiles[start : start + chunk]:
            new.score(p)
        chunk_rates.append(len(profiles[start : start + chunk]) / (time.thread_time() - c0))
    cpu, wall = time.thread_time() - t0, time.perf_counter() - w0
    return {
        "profiles": count,
        "per_s_cpu": round(count / cpu),
        "median_chunk_per_s_cpu": round(statistics.median(chunk_rates)),
        "per_s_wall": round(count / wall),
    }


def batch_against_points(count: int) -> dict[str, float]:
    new, batch = _load("2026-07")
    profiles = [profile_of(f) for f in generated(count, seed=3)]
    t0 = time.thread_time()
    for p in profiles:
        new.points(p)
    per = time.thread_time() - t0
    t0 = time.thread_time()
    data = columns(new.version, profiles)
    build = time.thread_time() - t0
    t0 = time.thread_time()
    batch.score(data)
    scored = time.thread_time() - t0
    return {
        "profiles": count,
        "points_per_s": round(count / per),
        "batch_per_s": round(count / scored),
        "batch_over_points": round(per / scored, 1),
        "columns_from_profiles_s": round(build, 3),
    }


def population(size: int) -> dict[str, float]:
    """Columns made directly (a seeded mix like the generated profiles), then scored."""
    new, batch = _load("2026-07")
    rng = np.random.default_rng(2026)
    facts = new.version.catalogue.facts
    degree = {o: i for i, o in enumerate(facts["degree_level"].option_codes())}
    fields = {"semiconductors": 0, "ai": 1, "other": 2, "chemistry": 3}
    programmes = {"MOHW": 0, "KASA": 1, "XYZ": 2}
    arrays: dict[str, Any] = {
        "degree_level": rng.integers(0, 4, size).astype(np.int32),
        "institution_rank": np.where(rng.random(size) < 0.3, UNLISTED, rng.integers(1, 600, size)).astype(
            np.int64
        ),
        "experience_years": rng.integers(0, 4500, size) / 100,
        "fortune_global_500_years": rng.integers(0, 4500, size) / 100,
        "offered_salary_krw": rng.integers(0, 600_000_000, size, dtype=np.int64),
        "field": rng.integers(0, 4, size).astype(np.int32),
        "publications_and_patents": rng.integers(0, 60, size, dtype=np.int64),
        "led_project_years": rng.integers(0, 4500, size) / 100,
        "international_award": rng.random(size) < 0.3,
        "sponsor_is_sme": rng.random(size) < 0.5,
        "core_technology_role": rng.integers(0, 6, size, dtype=np.int64),
        "hard_to_fill": rng.random(size) < 0.5,
        "transfer_plan": rng.integers(0, 6, size, dtype=np.int64),
        "government_programme": rng.integers(-1, 3, size).astype(np.int32),
    }
    data = Columns(
        size, arrays, {"degree_level": degree, "field": fields, "government_programme": programmes}
    )
    runs = []
    for _ in range(3):
        t0 = time.thread_time()
        result = batch.score(data)
        runs.append(time.thread_time() - t0)
    return {
        "profiles": size,
        "seconds_min": round(min(runs), 3),
        "seconds_median": round(statistics.median(runs), 3),
        "eligible_qualitative": int(result.tracks["qualitative"].sum()),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--profiles", type=int, default=40_000)
    parser.add_argument("--chunk", type=int, default=500)
    parser.add_argument("--batch-profiles", type=int, default=50_000)
    parser.add_argument("--population", type=int, default=1_000_000)
    args = parser.parse_args()
    with translation.override("en"):
        report = {
            "load_average_before": os.getloadavg(),
            "per_profile_with_explanations": per_profile(args.profiles, args.chunk),
            "batch_against_per_profile_points": batch_against_points(args.batch_profiles),
            "population": population(args.population),
            "load_average_after": os.getloadavg(),
        }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
