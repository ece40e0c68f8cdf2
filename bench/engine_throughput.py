"""Scoring-engine throughput: profiles scored per second on one core (target >= 20,000/s).

    python bench/engine_throughput.py [--profiles 10000] [--rounds 7] [--seed 2026] [--min-rate 20000]

Scores fixed-seed, varied profiles under the default 2026-07 and 2025-03 versions (read from
apps/rubric/versions/, in the rubric language), full explanations and next steps included, and prints JSON. Every profile is
unique and scored once: a warm-up set, then a new set for each timed round. The engine keeps no memo
keyed by fact values (only prepared sentences keyed by band positions, which the warm-up fills), so
the figure does not depend on inputs repeating. Also reported: what a view pays for a new ``Scorer``
per request (construction, and construction plus a first score with nothing prepared yet).

Works with or without DJANGO_SETTINGS_MODULE: without it, Django is configured minimally
(USE_I18N=True), which is all the pure engine needs. No language is activated, as in a shell or a
worker: Django's get_language() then costs some 4 us per score, about 2 us more than under
LocaleMiddleware in a request (2-core EPYC), so this is the slower case. With --min-rate, exits 1
when the 2026-07 median is below it. Run it on a quiet machine: ``load_average_1m`` in the output
(a one-minute average, so it lags) shows when other work was competing for the core.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import django  # noqa: E402
from django.conf import settings  # noqa: E402

if os.environ.get("DJANGO_SETTINGS_MODULE"):
    django.setup()
else:
    settings.configure(USE_I18N=True)
    django.setup()

from django.utils import translation  # noqa: E402

from apps.rubric.language.catalogue import default_catalogue  # noqa: E402
from apps.rubric.language.document import Version, read_version  # noqa: E402
from apps.rubric.language.scorer import Profile, Reference, Scorer  # noqa: E402
from tests.rubric.differential import DEGREE_LEVELS, Facts, profile_of  # noqa: E402

STRATEGIC = frozenset(
    {
        "semiconductors",
        "ai",
        "aerospace",
        "quantum",
        "robotics",
        "defence",
        "biotech",
        "batteries",
        "mobility",
    }
)
REFERENCE = Reference(
    quantities={"per_capita_gni": (2024, 49_955_000)},
    by_year={("per_capita_gni", 2024): 49_955_000},
    lists={"strategic": STRATEGIC, "recognised_programmes": frozenset({"MOHW", "KASA"})},
)
FIELDS = (*sorted(STRATEGIC), "chemistry", "finance", "other")
PROGRAMMES = (None,) * 8 + ("MOHW", "KASA", "UNKNOWN")


def _years(rng: random.Random, high: int) -> Decimal:
    return Decimal(rng.randint(0, high * 100)) / 100  # two decimals, e.g. 7.99


def make_profiles(count: int, seed: int) -> list[Profile]:
    """Varied profiles so every band, tier and track branch is exercised (not one cached path).

    Years have two decimals, salaries are in steps of 500 KRW: among 10,000 profiles, no two are
    the same, and most single values (a salary, a number of years with its field) are new too.
    """
    rng = random.Random(seed)
    profiles = []
    for _ in range(count):
        profiles.append(
            profile_of(
                Facts(
                    degree_level=rng.choices(DEGREE_LEVELS, weights=(1, 4, 5, 4))[0],
                    institution_rank=None if rng.random() < 0.25 else rng.randint(1, 400),
                    experience_years=_years(rng, 25),
                    fortune_global_500_years=_years(rng, 8) if rng.random() < 0.4 else Decimal(0),
                    offered_salary_krw=rng.randrange(30_000_000, 250_000_000, 500),
                    field=rng.choice(FIELDS),
                    publications_and_patents=rng.randint(0, 30),
                    led_project_years=_years(rng, 8) if rng.random() < 0.6 else Decimal(0),
                    international_award=rng.random() < 0.1,
                    sponsor_is_sme=rng.random() < 0.5,
                    sme_verified=rng.choice((None, None, None, True, False)),
                    core_technology_role=rng.randint(0, 5),
                    hard_to_fill=rng.random() < 0.3,
                    transfer_plan=rng.randint(0, 5),
                    government_programme=rng.choice(PROGRAMMES),
                )
            )
        )
    return profiles


def load_config(code: str) -> Version:
    path = ROOT / "apps" / "rubric" / "versions" / f"{code}.json"
    return read_version(json.loads(path.read_text(encoding="utf-8")), default_catalogue())


def measure(scorer: Scorer, warm_up: list[Profile], rounds: list[list[Profile]]) -> dict[str, float]:
    """Profiles per second, one round per list; every list holds profiles no other list has."""
    score = scorer.score
    for facts in warm_up:  # translations and prepared sentences per band, CPU frequency
        score(facts)
    rates = []
    for profiles in rounds:
        start = time.perf_counter()
        for facts in profiles:
            score(facts)
        rates.append(len(profiles) / (time.perf_counter() - start))
    median = statistics.median(rates)
    return {
        "median_profiles_per_s": round(median),
        "min_profiles_per_s": round(min(rates)),
        "max_profiles_per_s": round(max(rates)),
        "median_us_per_profile": round(1e6 / median, 2),
        "max_us_per_profile": round(1e6 / min(rates), 2),
    }


def per_request_cost(config: Version, profiles: list[Profile], repeats: int = 7) -> dict[str, float]:
    """Microseconds (best of ``repeats`` passes over ``profiles``) to build a ``Scorer``, and to build
    one and score once with it: what a view that compiles a scorer per request pays."""
    init_best = first_best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for _facts in profiles:
            Scorer(config, REFERENCE)
        init_best = min(init_best, (time.perf_counter() - start) / len(profiles))
        start = time.perf_counter()
        for facts in profiles:
            Scorer(config, REFERENCE).score(facts)
        first_best = min(first_best, (time.perf_counter() - start) / len(profiles))
    return {
        "scorer_init_us": round(init_best * 1e6, 2),
        "new_scorer_and_first_score_us": round(first_best * 1e6, 2),
    }


def django_gettext_cost(calls: int = 200_000) -> float:
    """Nanoseconds per plain django gettext call: why the engine memoises translations per language."""
    message = "Degree pedigree"
    start = time.perf_counter()
    for _ in range(calls):
        translation.gettext(message)
    return round((time.perf_counter() - start) / calls * 1e9, 1)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def pin_to_one_core() -> int | None:
    """Pin to the first allowed CPU, so the figure is for one core and less noisy (Linux only)."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--min-rate", type=float, default=None, help="fail below this median (profiles/s)")
    args = parser.parse_args()

    cpu = pin_to_one_core()
    # One draw, cut into a warm-up set and one set per round: no profile is scored twice.
    pool = make_profiles(args.profiles * (args.rounds + 1), args.seed)
    warm_up = pool[: args.profiles]
    rounds = [pool[args.profiles * (i + 1) : args.profiles * (i + 2)] for i in range(args.rounds)]
    results: dict[str, Any] = {
        "benchmark": "engine_throughput",
        "profiles_per_round": args.profiles,
        "rounds": args.rounds,
        "seed": args.seed,
        "every_profile_unique": True,
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "django": django.get_version(),
        "cpu_model": cpu_model(),
        "pinned_cpu": cpu,
        "load_average_1m": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
        "language": translation.get_language(),
        "django_gettext_ns_per_call": django_gettext_cost(),
        "versions": {},
    }
    for code in ("2026-07", "2025-03"):
        config = load_config(code)
        results["versions"][code] = measure(Scorer(config, REFERENCE), warm_up, rounds)
        results["versions"][code] |= per_request_cost(config, warm_up[:2000])
    print(json.dumps(results, indent=2))

    median = results["versions"]["2026-07"]["median_profiles_per_s"]
    if args.min_rate is not None and median < args.min_rate:
        print(f"FAIL: {median} profiles/s is below {args.min_rate:g}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
