"""The processing clock and each track's required documents are part of a rubric version's data."""

import copy
import json
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from apps.rubric.language.catalogue import default_catalogue
from apps.rubric.language.document import Version, read_version
from apps.rubric.language.reading import ConfigErrors
from apps.rubric.models import RubricVersion

VERSIONS = Path(__file__).resolve().parents[2] / "apps" / "rubric" / "versions"


def load(code: str) -> dict:
    return json.loads((VERSIONS / f"{code}.json").read_text(encoding="utf-8"))


def read(data: dict) -> Version:
    return read_version(data, default_catalogue())


def test_default_clock_is_fourteen_days_with_reminders_at_5_2_0_and_a_2_day_unassigned_alert():
    clock = read(load("2026-07")).service_clock
    assert (clock.days, clock.reminder_days_left, clock.unassigned_alert_days) == (14, (5, 2, 0), 2)


def test_required_documents_per_track_follow_policy_section_6():
    config = read(load("2026-07"))
    quantitative = config.track("quantitative")
    government = config.track("government_programme")
    qualitative = config.track("qualitative")
    assert quantitative is not None
    assert government is not None
    assert qualitative is not None
    assert "salary_evidence" in quantitative.documents
    assert "publications_list" in qualitative.documents
    assert "programme_recruitment_letter" in government.documents
    assert config.track("nonexistent") is None


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda d: d["clock"].update(days=0), "clock.days"),
        (lambda d: d["clock"].update(reminder_days_left=[0, 2, 5]), "clock.reminder_days_left"),
        (lambda d: d["clock"].update(reminder_days_left=[20]), "clock.reminder_days_left[0]"),
        (lambda d: d["clock"].update(unassigned_alert_days=0), "clock.unassigned_alert_days"),
        (
            lambda d: d["tracks"][0].update(documents=["passport", "tax_return"]),
            "tracks.quantitative.documents[1]",
        ),
        (
            lambda d: d["tracks"][0].update(documents=["cv", "cv"]),
            "tracks.quantitative.documents",
        ),
    ],
)
def test_bad_clock_or_document_settings_are_refused_with_their_path(change, path):
    data = copy.deepcopy(load("2026-07"))
    change(data)
    with pytest.raises(ConfigErrors) as caught:
        read(data)
    assert [e.path for e in caught.value.errors] == [path]


def test_a_version_cases_run_under_needs_a_clock():
    """The language lets a points test leave the clock out (a foreign test has none); the service does not."""
    data = copy.deepcopy(load("2026-07"))
    data.pop("clock")
    assert read(data).clock is None
    version = RubricVersion(code="2026-07", title="t", effective_from="2026-07-02", config=data)
    with pytest.raises(ValidationError, match="needs a clock"):
        version.clean()
