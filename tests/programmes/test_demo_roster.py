import pytest
from django.core.management import call_command

from apps.accounts.models import User
from apps.programmes.models import ProgrammeOfficer, RosterEntry
from apps.programmes.services import roster_match

pytestmark = pytest.mark.django_db


def test_load_demo_makes_the_demo_officer_keep_kasa_with_five_labelled_entries():
    call_command("load_demo", stdout=None)
    call_command("load_demo", stdout=None)  # idempotent
    officer = User.objects.get(email="officer@demo.ktechpass.kr")
    assert list(ProgrammeOfficer.objects.filter(user=officer).values_list("programme__code", flat=True)) == [
        "KASA"
    ]
    entries = RosterEntry.objects.filter(programme__code="KASA")
    assert entries.count() == 5
    assert all("Demo data" in entry.notes for entry in entries)
    match = roster_match(
        programme_code="KASA", email="applicant@demo.ktechpass.kr", passport_number="DEMO000001"
    )
    assert match.status == "matched"
