"""Demo roster for `make run`: invented scholars with invented passport numbers, labelled in the notes."""

from __future__ import annotations

import csv
import io

from apps.accounts.models import User
from apps.programmes.services import COLUMNS, RosterImportReport, programme_officer_appoint, roster_import
from apps.rubric.models import GovernmentProgramme

DEMO_PROGRAMME = "KASA"
DEMO_NOTE = "Demo data: an invented person, not a real roster entry."
KARI = "Korea Aerospace Research Institute"
# (full_name, email, passport_number, nationality, position, host_institution, recruited_on)
# The demo applicant is on it (passport DEMO000001), so the government-programme track can be tried.
DEMO_ENTRIES = [
    (
        "Priya Raman",
        "applicant@demo.ktechpass.kr",
        "DEMO000001",
        "India",
        "Senior researcher",
        KARI,
        "2026-03-02",
    ),
    (
        "Lucas Meyer",
        "lucas.meyer@demo.ktechpass.kr",
        "DEMO000002",
        "Germany",
        "Propulsion engineer",
        KARI,
        "2026-01-15",
    ),
    (
        "Aiko Tanaka",
        "aiko.tanaka@demo.ktechpass.kr",
        "DEMO000003",
        "Japan",
        "Satellite systems lead",
        "KAIST Satellite Technology Research Center",
        "2025-11-03",
    ),
    (
        "Mateus Costa",
        "mateus.costa@demo.ktechpass.kr",
        "DEMO000004",
        "Brazil",
        "Guidance and control scientist",
        "Korea Astronomy and Space Science Institute",
        "2026-04-20",
    ),
    (
        "Fatima Haddad",
        "fatima.haddad@demo.ktechpass.kr",
        "DEMO000005",
        "Morocco",
        "Materials researcher",
        KARI,
        "",
    ),
]


def demo_roster_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows((*entry, DEMO_NOTE) for entry in DEMO_ENTRIES)
    return out.getvalue()


def demo_roster_load(*, officer: User) -> RosterImportReport:
    """Make ``officer`` keep the demo programme and (re)load its demo entries; safe to run again."""
    programme = GovernmentProgramme.objects.get(code=DEMO_PROGRAMME)
    programme_officer_appoint(user=officer, programme=programme)
    report = roster_import(programme=programme, text=demo_roster_csv(), by=officer)
    if not report.ok:
        raise RuntimeError(f"demo roster is invalid: {report.errors}")
    return report
