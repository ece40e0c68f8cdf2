"""Fill the queue's copied fields (apps.cases.search) on cases submitted before they existed.

Submission fills them since migration 0003; cases submitted earlier would otherwise be missing from
the queue's search, show no applicant name, and count as "SME not claimed". Batched, so a large
table is not held in memory; it reads only the historical models and the pure text functions.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

from apps.cases.search import grams, normalise

BATCH = 2000


def fill(apps: Any, schema_editor: Any) -> None:
    Case = apps.get_model("cases", "Case")
    Sponsorship = apps.get_model("cases", "Sponsorship")
    pending = Case.objects.exclude(status="draft").filter(search_text="").order_by("pk")
    last = 0
    while True:
        batch = list(pending.filter(pk__gt=last).select_related("applicant")[:BATCH])
        if not batch:
            return
        sponsors = {
            sponsorship.case_id: sponsorship.organisation
            for sponsorship in Sponsorship.objects.filter(
                case_id__in=[case.pk for case in batch], status="confirmed"
            ).select_related("organisation")
        }
        for case in batch:
            organisation = sponsors.get(case.pk)
            name = (case.applicant.full_name or case.applicant.email).strip()[:200]
            employer = organisation.name[:200] if organisation else ""
            text = normalise(f"{case.reference} {name} {employer}")
            case.applicant_name = name
            case.employer_name = employer
            case.field = str((case.facts or {}).get("field") or "")[:50]
            case.sme_claimed = bool(organisation and organisation.size_class == "sme") or bool(
                (case.facts or {}).get("sponsor_is_sme")
            )
            case.search_text = text
            case.search_grams = grams(text)
        Case.objects.bulk_update(
            batch,
            ["applicant_name", "employer_name", "field", "sme_claimed", "search_text", "search_grams"],
        )
        last = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_queue_index_carries_field")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
