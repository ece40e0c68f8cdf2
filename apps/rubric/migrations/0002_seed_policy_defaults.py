"""Seed policy.md sections 2, 3 and 6: the two rubric versions and the policy reference facts.

The rubric files in apps/rubric/defaults/ are frozen once released: a change of policy is a new
version file and a new migration, never an edit, so this migration gives the same rows forever.
"""

import datetime as dt
import json
from pathlib import Path

from django.db import migrations

DEFAULTS = Path(__file__).resolve().parent.parent / "defaults"
VERSION_FILES = ["2025-03.json", "2026-07.json"]

STRATEGIC_FIELDS = [
    ("semiconductors", "Semiconductors", "반도체"),
    ("ai", "Artificial intelligence", "인공지능"),
    ("aerospace", "Aerospace", "항공우주"),
    ("quantum", "Quantum", "양자"),
    ("robotics", "Robotics", "로봇"),
    ("defence", "Defence", "방위산업"),
    ("biotechnology", "Biotechnology", "바이오"),
    ("secondary_batteries", "Secondary batteries", "이차전지"),
    ("advanced_mobility", "Advanced mobility", "첨단 모빌리티"),
]
PROGRAMMES = [
    ("MOHW", "Ministry of Health and Welfare recruitment programme", "보건복지부 인재 유치 사업",
     "Ministry of Health and Welfare"),
    ("KASA", "Korea AeroSpace Administration recruitment programme", "우주항공청 인재 유치 사업",
     "Korea AeroSpace Administration"),
]


def seed(apps, schema_editor):
    RubricVersion = apps.get_model("rubric", "RubricVersion")
    for file_name in VERSION_FILES:
        config = json.loads((DEFAULTS / file_name).read_text(encoding="utf-8"))
        RubricVersion.objects.get_or_create(
            code=config["code"],
            defaults={
                "title": config.get("title", config["code"]),
                "effective_from": dt.date.fromisoformat(config["effective_from"]),
                "effective_to": dt.date.fromisoformat(config["effective_to"]) if config.get("effective_to") else None,
                "config": config,
                "published": True,
            },
        )
    StrategicField = apps.get_model("rubric", "StrategicField")
    for position, (code, name, name_ko) in enumerate(STRATEGIC_FIELDS):
        StrategicField.objects.get_or_create(code=code, defaults={"name": name, "name_ko": name_ko, "position": position})
    GovernmentProgramme = apps.get_model("rubric", "GovernmentProgramme")
    for code, name, name_ko, ministry in PROGRAMMES:
        GovernmentProgramme.objects.get_or_create(
            code=code, defaults={"name": name, "name_ko": name_ko, "ministry": ministry}
        )
    PerCapitaGNI = apps.get_model("rubric", "PerCapitaGNI")
    PerCapitaGNI.objects.get_or_create(
        year=2024,
        defaults={
            "amount_krw": 49_955_000,
            "published_on": dt.date(2025, 3, 5),
            "source": "Bank of Korea, national accounts (March 2025)",
        },
    )


class Migration(migrations.Migration):
    dependencies = [("rubric", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
