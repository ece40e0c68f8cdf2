"""``clock.review_request_days``: part of a version's data (issue 12), checked like the rest of the
clock, in both shipped versions and (by rubric migration 0008) in the stored rows."""

import copy
import importlib
import json
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.db import connection

from apps.rubric.language.catalogue import default_catalogue
from apps.rubric.language.document import read_version
from apps.rubric.language.reading import ConfigErrors
from apps.rubric.models import RubricVersion

VERSIONS = Path(__file__).resolve().parents[2] / "apps" / "rubric" / "versions"
migration = importlib.import_module("apps.rubric.migrations.0008_review_request_days")


def load(code: str) -> dict:
    return json.loads((VERSIONS / f"{code}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("code", ["2025-03", "2026-07"])
def test_both_versions_give_thirty_days(code):
    assert read_version(load(code), default_catalogue()).service_clock.review_request_days == 30


def test_the_key_is_optional():
    data = copy.deepcopy(load("2026-07"))
    data["clock"].pop("review_request_days")
    assert read_version(data, default_catalogue()).service_clock.review_request_days is None


@pytest.mark.parametrize("value", [0, 366, "30", 2.5, None])
def test_a_bad_period_is_refused_with_its_path(value):
    data = copy.deepcopy(load("2026-07"))
    data["clock"]["review_request_days"] = value
    with pytest.raises(ConfigErrors) as caught:
        read_version(data, default_catalogue())
    assert [e.path for e in caught.value.errors] == ["clock.review_request_days"]


@pytest.mark.django_db
def test_the_stored_versions_have_it_and_the_migration_is_reversible_and_idempotent():
    def stored() -> dict[str, object]:
        return {v.code: v.config["clock"].get("review_request_days") for v in RubricVersion.objects.all()}

    assert stored() == {"2025-03": 30, "2026-07": 30}
    with connection.schema_editor() as editor:
        migration.remove_review_request_days(django_apps, editor)
        assert stored() == {"2025-03": None, "2026-07": None}
        migration.add_review_request_days(django_apps, editor)
        migration.add_review_request_days(django_apps, editor)
    assert stored() == {"2025-03": 30, "2026-07": 30}
    for version in RubricVersion.objects.all():
        version.full_clean()  # still a valid, published version
