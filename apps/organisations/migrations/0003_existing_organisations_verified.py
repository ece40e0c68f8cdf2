"""Organisations registered before verification existed count as verified; memberships get history.

Why verified (decision 44): they were registered, sponsored and (some) reviewed under the rules of
the day, and their submitted cases were scored with their sponsorships. Making them unverified now
would stop their pending sponsorships without anyone having done anything wrong; the workspace's
sponsor checks (decision 45) flag the cases that need a second look instead. ``verified_by`` stays
empty: no person verified them, this migration did.
"""

from django.db import migrations
from django.db.models import F


def forwards(apps, schema_editor):
    Organisation = apps.get_model("organisations", "Organisation")
    Membership = apps.get_model("organisations", "Membership")
    MembershipPeriod = apps.get_model("organisations", "MembershipPeriod")
    Organisation.objects.filter(verified_at__isnull=True).update(verified_at=F("created_at"))
    MembershipPeriod.objects.bulk_create(
        MembershipPeriod(
            organisation_id=m.organisation_id, user_id=m.user_id, role=m.role, started_at=m.joined_at
        )
        for m in Membership.objects.all().iterator()
    )


class Migration(migrations.Migration):
    dependencies = [("organisations", "0002_ownership_and_membership_history")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
