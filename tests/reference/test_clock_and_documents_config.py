"""The processing clock and each track's required documents are part of a rubric version's data."""

import copy
import json
from pathlib import Path

import pytest

from apps.rubric.policy_config import ConfigError, RubricConfig

DEFAULTS = Path(__file__).resolve().parents[2] / "apps" / "rubric" / "defaults"


def load(code: str) -> dict:
    return json.loads((DEFAULTS / f"{code}.json").read_text(encoding="utf-8"))


def test_default_clock_is_fourteen_days_with_reminders_at_5_2_0_and_a_2_day_unassigned_alert():
    clock = RubricConfig.from_dict(load("2026-07")).clock
    assert (clock.days, clock.reminder_days_left, clock.unassigned_alert_days) == (14, (5, 2, 0), 2)


def test_required_documents_per_track_follow_policy_section_6():
    config = RubricConfig.from_dict(load("2026-07"))
    quantitative = config.track("quantitative")
    government = config.track("government_programme")
    qualitative = config.track("qualitative")
    assert quantitative is not None
    assert government is not None
    assert qualitative is not None
    assert "salary_evidence" in quantitative.required_documents
    assert "publications_list" in qualitative.required_documents
    assert "programme_recruitment_letter" in government.required_documents
    assert config.track("nonexistent") is None


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda d: d["clock"].update(days=0), "clock.days"),
        (lambda d: d["clock"].update(reminder_days_left=[0, 2, 5]), "clock.reminder_days_left"),
        (lambda d: d["clock"].update(reminder_days_left=[20]), "clock.reminder_days_left[0]"),
        (lambda d: d["clock"].update(unassigned_alert_days=0), "clock.unassigned_alert_days"),
        (lambda d: d.pop("clock"), "clock"),
        (
            lambda d: d["tracks"][0].update(required_documents=["passport", "tax_return"]),
            "tracks.quantitative.required_documents[1]",
        ),
        (
            lambda d: d["tracks"][0].update(required_documents=["cv", "cv"]),
            "tracks.quantitative.required_documents",
        ),
    ],
)
def test_bad_clock_or_document_settings_are_refused_with_their_path(change, path):
    data = copy.deepcopy(load("2026-07"))
    change(data)
    with pytest.raises(ConfigError) as caught:
        RubricConfig.from_dict(data)
    assert caught.value.path == path
