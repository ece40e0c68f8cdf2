"""Fixtures for the pure scorer: the shipped versions and reference data. No database."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from apps.rubric.language.document import Version
from apps.rubric.language.scorer import Reference, Scorer, ScoreResult
from tests.rubric.helpers import load_raw, make_facts, reference_with, version_of


@pytest.fixture(scope="session")
def reference() -> Reference:
    return reference_with()


@pytest.fixture(scope="session")
def config_2026() -> Version:
    return version_of(load_raw("2026-07"))


@pytest.fixture(scope="session")
def config_2025() -> Version:
    return version_of(load_raw("2025-03"))


@pytest.fixture(scope="session")
def scorer_2026(config_2026: Version, reference: Reference) -> Scorer:
    return Scorer(config_2026, reference)


@pytest.fixture(scope="session")
def scorer_2025(config_2025: Version, reference: Reference) -> Scorer:
    return Scorer(config_2025, reference)


@pytest.fixture
def score_2026(scorer_2026: Scorer) -> Callable[..., ScoreResult]:
    """``score_2026(experience_years=Decimal(8))``: the nothing-profile with those changes, scored."""
    return lambda **changes: scorer_2026.score(make_facts(**changes))


@pytest.fixture
def score_2025(scorer_2025: Scorer) -> Callable[..., ScoreResult]:
    return lambda **changes: scorer_2025.score(make_facts(**changes))
