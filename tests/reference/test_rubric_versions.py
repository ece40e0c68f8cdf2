"""Rubric versions as data: the seeded defaults, the version in force, and DB-enforced rules."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, ProgrammingError, transaction

from apps.rubric.models import RubricVersion
from apps.rubric.selectors import (
    NoGniFigure,
    NoVersionInForce,
    UnknownRubricVersion,
    gni_in_force,
    reference_on,
    rubric_version_by_code,
    rubric_version_in_force,
)

pytestmark = pytest.mark.django_db


def test_both_policy_versions_are_seeded_with_their_dates():
    versions = {v.code: v for v in RubricVersion.objects.all()}
    assert set(versions) == {"2025-03", "2026-07"}
    assert versions["2025-03"].effective_from == dt.date(2025, 3, 1)
    assert versions["2025-03"].effective_to == dt.date(2026, 7, 1)
    assert versions["2026-07"].effective_from == dt.date(2026, 7, 2)
    assert versions["2026-07"].effective_to is None


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2025, 3, 1), "2025-03"),  # first day of the launch rules
        (dt.date(2026, 7, 1), "2025-03"),  # last day, inclusive
        (dt.date(2026, 7, 2), "2026-07"),  # the expansion's first day
        (dt.date(2030, 1, 1), "2026-07"),  # open-ended
    ],
)
def test_version_in_force_is_found_by_date_with_inclusive_ends(day, expected):
    assert rubric_version_in_force(day).code == expected


def test_no_version_before_the_programme_launched():
    with pytest.raises(NoVersionInForce):
        rubric_version_in_force(dt.date(2025, 2, 28))


def test_unknown_version_code_lists_the_known_ones():
    with pytest.raises(UnknownRubricVersion) as caught:
        rubric_version_by_code("2099-01")
    assert caught.value.known == ["2025-03", "2026-07"]


def test_unpublished_versions_are_neither_in_force_nor_addressable():
    config = dict(RubricVersion.objects.get(code="2026-07").config, code="2027-01")
    RubricVersion.objects.create(
        code="2027-01", title="draft", effective_from=dt.date(2027, 1, 1), config=config, published=False
    )
    assert rubric_version_in_force(dt.date(2027, 6, 1)).code == "2026-07"
    with pytest.raises(UnknownRubricVersion):
        rubric_version_by_code("2027-01")


def test_published_versions_may_not_overlap():
    config = dict(RubricVersion.objects.get(code="2026-07").config, code="2026-12")
    with pytest.raises(IntegrityError), transaction.atomic():
        RubricVersion.objects.create(
            code="2026-12", title="x", effective_from=dt.date(2026, 12, 1), config=config
        )


def test_a_published_versions_rules_cannot_be_edited_in_place():
    version = RubricVersion.objects.get(code="2026-07")
    changed = dict(version.config, thresholds=[dict(version.config["thresholds"][0], points=60)])
    with pytest.raises(ProgrammingError, match="Cannot update"), transaction.atomic():
        RubricVersion.objects.filter(pk=version.pk).update(config=changed)
    version.refresh_from_db()
    assert version.config["thresholds"][0]["points"] == 70


def test_closing_a_published_version_by_setting_its_end_date_is_allowed():
    version = RubricVersion.objects.get(code="2026-07")
    RubricVersion.objects.filter(pk=version.pk).update(effective_to=dt.date(2027, 12, 31))
    assert rubric_version_in_force(dt.date(2027, 12, 31)).code == "2026-07"


def test_model_validation_names_the_bad_configuration_value():
    version = RubricVersion(
        code="bad",
        title="bad",
        effective_from=dt.date(2030, 1, 1),
        config={
            "format": 2,
            "code": "bad",
            "effective_from": "2030-01-01",
            "effective_to": None,
            "criteria": [],
            "tracks": [],
            "thresholds": [{"code": "pass_mark", "points": "seventy"}],
        },
    )
    with pytest.raises(ValidationError) as caught:
        version.full_clean()
    problems = caught.value.message_dict["config"]
    assert problems == ["tracks: must not be empty"]  # the problem, named by its path


def test_seeded_configs_pass_validation():
    versions = list(RubricVersion.objects.order_by("code"))
    # Without the seeded versions the loop below checks nothing: name them, so an empty table fails.
    assert {version.code for version in versions} >= {"2025-03", "2026-07"}
    for version in versions:
        version.full_clean()


def test_gni_in_force_is_the_newest_figure_published_by_the_date():
    from apps.rubric.models import PerCapitaGNI

    PerCapitaGNI.objects.create(year=2025, amount_krw=51_000_000, published_on=dt.date(2026, 3, 4))
    assert gni_in_force(dt.date(2026, 3, 3)).year == 2024
    assert gni_in_force(dt.date(2026, 3, 4)).year == 2025
    # Before the first figure on file was published, the earliest figure stands in (never a 500).
    assert gni_in_force(dt.date(2025, 3, 4)).year == 2024
    PerCapitaGNI.objects.all().delete()
    with pytest.raises(NoGniFigure):
        gni_in_force(dt.date(2026, 3, 4))


def test_reference_data_holds_the_seeded_policy_lists():
    reference = reference_on(dt.date(2026, 11, 22))
    assert reference.quantities["per_capita_gni"] == (2024, 49_955_000)
    assert "ai" in reference.lists["strategic"]
    assert len(reference.lists["strategic"]) == 9
    assert reference.lists["recognised_programmes"] == frozenset({"MOHW", "KASA"})


def test_compiled_scorers_are_cached_and_a_reference_change_clears_them(django_assert_num_queries):
    from apps.rubric.models import PerCapitaGNI
    from apps.rubric.selectors import scorer_for

    day = dt.date(2026, 11, 22)
    first = scorer_for(on=day)
    with django_assert_num_queries(0):
        assert scorer_for(on=day) is first
    PerCapitaGNI.objects.create(year=2025, amount_krw=51_000_000, published_on=dt.date(2026, 3, 4))
    assert scorer_for(on=day) is not first  # the save cleared this process's cache


def test_sentences_name_fields_and_programmes_in_the_readers_language():
    from decimal import Decimal

    from django.utils import translation

    from apps.rubric.selectors import scorer_for

    scorer = scorer_for(on=dt.date(2026, 11, 22))
    facts = scorer.profile(
        {
            "degree_level": "master",
            "experience_years": Decimal(0),
            "field": "ai",
            "government_programme": "KASA",
        }
    )
    english = scorer.score(facts)
    b1 = next(c for c in english.criteria if c.code == "B1")
    assert "Artificial intelligence" in b1.explanation
    assert "Field ai" not in b1.explanation
    with translation.override("ko"):
        korean = scorer.score(facts)
    b1_ko = next(c for c in korean.criteria if c.code == "B1")
    assert "인공지능" in b1_ko.explanation
    assert any("우주항공청" in reason for reason in korean.tracks["government_programme"].reasons)


def test_a_versions_configuration_is_parsed_once_and_again_only_when_its_json_changes():
    draft_config = dict(RubricVersion.objects.get(code="2026-07").config, code="2027-01")
    draft = RubricVersion.objects.create(
        code="2027-01",
        title="draft",
        effective_from=dt.date(2027, 1, 1),
        config=draft_config,
        published=False,
    )
    first = draft.parsed_config()
    assert RubricVersion.objects.get(pk=draft.pk).parsed_config() is first  # another load, same parse
    thresholds = [dict(draft_config["thresholds"][0], points=60)]
    draft.config = dict(draft_config, thresholds=thresholds)
    draft.save()
    assert RubricVersion.objects.get(pk=draft.pk).parsed_config().thresholds[0].points == 60


def test_a_published_version_cannot_be_unpublished_but_a_draft_can_be_edited_and_published():
    version = RubricVersion.objects.get(code="2026-07")
    with pytest.raises(ProgrammingError, match="Cannot update"), transaction.atomic():
        RubricVersion.objects.filter(pk=version.pk).update(published=False)
    draft_config = dict(version.config, code="2027-01")
    draft = RubricVersion.objects.create(
        code="2027-01",
        title="draft",
        effective_from=dt.date(2027, 1, 1),
        config=draft_config,
        published=False,
    )
    thresholds = [dict(draft_config["thresholds"][0], points=65)]
    RubricVersion.objects.filter(pk=draft.pk).update(config=dict(draft_config, thresholds=thresholds))
    RubricVersion.objects.filter(pk=version.pk).update(effective_to=dt.date(2026, 12, 31))
    RubricVersion.objects.filter(pk=draft.pk).update(published=True)
    assert rubric_version_in_force(dt.date(2027, 2, 1)).parsed_config().thresholds[0].points == 65
