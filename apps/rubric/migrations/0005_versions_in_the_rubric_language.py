"""The two published versions rewritten in the rubric language (format 2), with identical results.

``apps/rubric/versions/*.json`` say the same rules as the launch files in ``apps/rubric/defaults/``
(which 0002 seeded and which stay as they were released): the differential test scores 100,000
profiles per version under both and finds the same points, totals, verdicts and sentences. Published
rules are read-only (a trigger); this one-off change of notation, not of rules, lifts the trigger
for its own transaction only. A row whose dates differ from the file is refused rather than changed.
Reversible: the reverse writes the launch files back (decision 0021).
"""

import datetime as dt
import json
from pathlib import Path

from django.db import migrations

RUBRIC = Path(__file__).resolve().parent.parent
CODES = ("2025-03", "2026-07")
TRIGGER = "pgtrigger_rubric_version_published_rules_read_only_46d20"


def _date(value):
    return dt.date.fromisoformat(value) if value else None


def _write(apps, schema_editor, folder):
    RubricVersion = apps.get_model("rubric", "RubricVersion")
    table = RubricVersion._meta.db_table
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER "{TRIGGER}"')
        try:
            for code in CODES:
                config = json.loads((RUBRIC / folder / f"{code}.json").read_text(encoding="utf-8"))
                row = RubricVersion.objects.filter(code=code).first()
                if row is None:
                    continue
                if (row.effective_from, row.effective_to) != (
                    _date(config["effective_from"]),
                    _date(config.get("effective_to")),
                ):
                    raise RuntimeError(f"rubric version {code}: its dates differ from {folder}/{code}.json")
                RubricVersion.objects.filter(pk=row.pk).update(config=config)
        finally:
            cursor.execute(f'ALTER TABLE "{table}" ENABLE TRIGGER "{TRIGGER}"')


def to_rubric_language(apps, schema_editor):
    _write(apps, schema_editor, "versions")


def to_launch_format(apps, schema_editor):
    _write(apps, schema_editor, "defaults")


class Migration(migrations.Migration):
    dependencies = [("rubric", "0004_programme_ministry_ko")]
    operations = [migrations.RunPython(to_rubric_language, to_launch_format)]
