"""Demo data for `make run`, safe to run again: logins for each role and labelled demo reference lists."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.accounts.services import user_grant_role
from apps.demo.cases import load_demo_cases
from apps.demo.history import load_demo_history
from apps.demo.ministry import DEMO_TOTP_SECRET, give_demo_authenticator, load_demo_ministry
from apps.demo.policy import load_demo_policy
from apps.metrics.services import release_publish
from apps.notifications.reminders import sweep as sweep_reminders
from apps.programmes.demo import demo_roster_load
from apps.rubric.models import EngineeringSchool, FortuneGlobal500Company
from apps.rubric.reference_import import import_reference

FIXTURES = Path(__file__).resolve().parent.parent.parent / "fixtures"
DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - printed on purpose: these are demo logins

DEMO_USERS: list[tuple[str, str, Role]] = [
    ("applicant@demo.ktechpass.kr", "Priya Raman", Role.APPLICANT),
    ("employer@demo.ktechpass.kr", "Kim Minji", Role.EMPLOYER),
    ("reviewer@demo.ktechpass.kr", "Lee Junho", Role.REVIEWER),
    ("supervisor@demo.ktechpass.kr", "Park Soyeon", Role.SUPERVISOR),
    ("officer@demo.ktechpass.kr", "Choi Hyun", Role.PROGRAMME_OFFICER),
    ("policy@demo.ktechpass.kr", "Jung Dawon", Role.POLICY_ADMINISTRATOR),
]


class Command(BaseCommand):
    help = "Load demo users and demo reference lists (idempotent)."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        self._load_reference_lists()
        self._load_users()
        demo_roster_load(officer=User.objects.get(email="officer@demo.ktechpass.kr"))  # KASA, 5 demo entries
        for email, role, what in load_demo_cases(password=DEMO_PASSWORD):
            self.stdout.write(f"  {role:<22} {email}: {what}")
        self.stdout.write(
            f"Ministry logins: two-factor with the demo authenticator secret {DEMO_TOTP_SECRET}"
        )
        for email, role, what in load_demo_ministry(password=DEMO_PASSWORD):
            self.stdout.write(f"  {role:<22} {email}: {what}")
        # A year of past cases (labelled demo data) and this month's statistics release from them.
        written, seconds = load_demo_history(
            employer=User.objects.get(email="employer@demo.ktechpass.kr"),
            # Not reviewer@ (no authenticator yet): its last e-mail must stay the enrolment link.
            reviewers=list(
                User.objects.filter(groups__name=Role.REVIEWER)
                .exclude(email="reviewer@demo.ktechpass.kr")
                .order_by("pk")
            ),
        )
        self.stdout.write(
            f"Demo history: {written} past cases loaded in {seconds:.1f} s"
            if written
            else "Demo history: already loaded"
        )
        release = release_publish()
        self.stdout.write(f"Statistics release {release} at /statistics/")
        # The reminders the demo caseload is owed today (due soon, overdue, unassigned), recorded and
        # e-mailed as the beat's sweep would; a second run finds them sent and sends nothing.
        owed = sweep_reminders(inline=True)
        self.stdout.write(f"Reminders recorded for the demo caseload: {owed}")
        self.stdout.write("Policy administration (issue 10), two-factor with the same demo secret:")
        for email, role, what in load_demo_policy(password=DEMO_PASSWORD):
            self.stdout.write(f"  {role:<22} {email}: {what}")

    def _load_reference_lists(self) -> None:
        for kind, model, file_name in (
            ("schools", EngineeringSchool, "schools.csv"),
            ("fortune500", FortuneGlobal500Company, "fortune500.csv"),
        ):
            if model.objects.filter(is_demo=False).exists():
                continue  # an official list was imported: leave it alone
            report = import_reference(kind_name=kind, text=(FIXTURES / file_name).read_text(encoding="utf-8"))
            if not report.ok:
                raise RuntimeError(f"demo {kind} list is invalid: {report.errors}")
            model.objects.filter(is_demo=False).update(is_demo=True)  # label it as demo data

    def _load_users(self) -> None:
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for email, name, role in DEMO_USERS:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(email, DEMO_PASSWORD, full_name=name)
                _mark_email_verified(user)
            user_grant_role(user=user, role=role)
            self.stdout.write(f"  {role.label:<22} {email}")
        admin = User.objects.filter(email="admin@demo.ktechpass.kr").first()
        if admin is None:
            admin = User.objects.create_superuser("admin@demo.ktechpass.kr", DEMO_PASSWORD, full_name="Admin")
            _mark_email_verified(admin)
        give_demo_authenticator(admin)  # the admin site needs the second factor too
        self.stdout.write(f"  {'Site admin (/admin/), TOTP':<22} {admin.email}")


def _mark_email_verified(user: User) -> None:
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
