"""Fixtures for the pure engine: the shipped default versions and a reference context. No database."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from apps.rubric.engine import ReferenceContext, Scorer, ScoreResult
from apps.rubric.policy_config import RubricConfig
from tests.rubric.helpers import GNI_2024, STRATEGIC_FIELDS, load_raw, make_facts


@pytest.fixture(scope="session")
def reference() -> ReferenceContext:
    return ReferenceContext(
        gni_per_capita_krw=GNI_2024,
        gni_year=2024,
        strategic_fields=STRATEGIC_FIELDS,
        recognised_programmes=frozenset({"MOHW", "KASA"}),
    )


@pytest.fixture(scope="session")
def config_2026() -> RubricConfig:
    return RubricConfig.from_dict(load_raw("2026-07"))


@pytest.fixture(scope="session")
def config_2025() -> RubricConfig:
    return RubricConfig.from_dict(load_raw("2025-03"))


@pytest.fixture(scope="session")
def scorer_2026(config_2026: RubricConfig, reference: ReferenceContext) -> Scorer:
    return Scorer(config_2026, reference)


@pytest.fixture(scope="session")
def scorer_2025(config_2025: RubricConfig, reference: ReferenceContext) -> Scorer:
    return Scorer(config_2025, reference)


@pytest.fixture
def score_2026(scorer_2026: Scorer) -> Callable[..., ScoreResult]:
    """``score_2026(experience_years=Decimal(8))``: the nothing-profile with those changes, scored."""
    return lambda **changes: scorer_2026.score(make_facts(**changes))


@pytest.fixture
def score_2025(scorer_2025: Scorer) -> Callable[..., ScoreResult]:
    return lambda **changes: scorer_2025.score(make_facts(**changes))
