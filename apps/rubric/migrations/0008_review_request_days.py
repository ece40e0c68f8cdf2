"""The stored versions get ``clock.review_request_days`` (30 days: a rejected applicant's period to
request a review, issue 12), as ``apps/rubric/versions/*.json`` now say.

Published rules are read-only (a trigger); like 0005, this lifts the trigger for its own transaction
only. Only this key is added, and only where it is missing (nothing else in a stored version is
touched, and running it twice changes nothing). Reversible: the reverse removes the key again.
"""

from django.db import migrations

CODES = ("2025-03", "2026-07")
DAYS = 30
TRIGGER = "pgtrigger_rubric_version_published_rules_read_only_46d20"


def _rewrite(apps, schema_editor, change):
    RubricVersion = apps.get_model("rubric", "RubricVersion")
    table = RubricVersion._meta.db_table
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER "{TRIGGER}"')
        try:
            for row in RubricVersion.objects.filter(code__in=CODES):
                config = dict(row.config)
                clock = dict(config.get("clock") or {})
                if not clock or not change(clock):
                    continue
                config["clock"] = clock
                RubricVersion.objects.filter(pk=row.pk).update(config=config)
        finally:
            cursor.execute(f'ALTER TABLE "{table}" ENABLE TRIGGER "{TRIGGER}"')


def _add(clock):
    if "review_request_days" in clock:
        return False
    clock["review_request_days"] = DAYS
    return True


def _remove(clock):
    return clock.pop("review_request_days", None) is not None


def add_review_request_days(apps, schema_editor):
    _rewrite(apps, schema_editor, _add)


def remove_review_request_days(apps, schema_editor):
    _rewrite(apps, schema_editor, _remove)


class Migration(migrations.Migration):
    dependencies = [("rubric", "0007_version_drafting_and_history")]
    operations = [migrations.RunPython(add_review_request_days, remove_review_request_days)]
