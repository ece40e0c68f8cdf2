"""The demo's ministry staff (two-factor with the published secret) and their caseload on the clock."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User
from apps.cases.clock import days_left, is_overdue
from apps.cases.models import Case, CaseEvent, CaseStatus
from apps.demo.management.commands.load_demo import DEMO_PASSWORD
from apps.demo.ministry import CASELOAD, DEMO_TOTP_SECRET, MINISTRY_STAFF, REVIEWER_1, REVIEWER_2, SUPERVISOR

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo() -> None:
    call_command("load_demo", stdout=io.StringIO())


def caseload() -> list[Case]:
    return list(
        Case.objects.filter(applicant__email__in=[spec.email for spec in CASELOAD]).select_related(
            "assigned_to"
        )
    )


def test_loading_the_demo_twice_changes_nothing(demo):
    counts = (
        User.objects.count(),
        Case.objects.count(),
        Authenticator.objects.count(),
        CaseEvent.objects.count(),
    )
    call_command("load_demo", stdout=io.StringIO())
    assert (
        User.objects.count(),
        Case.objects.count(),
        Authenticator.objects.count(),
        CaseEvent.objects.count(),
    ) == counts
    assert len(caseload()) == len(CASELOAD)


def test_ministry_staff_sign_in_with_the_published_authenticator_and_have_a_caseload(demo):
    for member in MINISTRY_STAFF:
        user = User.objects.get(email=member.email)
        assert user.has_role(member.role)
        totp = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
        assert decrypt(totp.data["secret"]) == DEMO_TOTP_SECRET
    assert User.objects.get(email=REVIEWER_1.email).preferred_language == "ko"
    assert User.objects.get(email=REVIEWER_2.email).preferred_language == "en"
    # The original demo reviewer shows the set-up flow: no authenticator yet.
    assert not Authenticator.objects.filter(user__email="reviewer@demo.ktechpass.kr").exists()

    now = timezone.now()
    cases = caseload()
    assert 12 <= len(cases) <= 20
    assert all(case.status != CaseStatus.DRAFT for case in cases)
    running = [case for case in cases if case.status == CaseStatus.IN_REVIEW]
    left = {days_left(due_at=case.due_at, now=now) for case in running}
    assert {5, 2, 0} <= left
    assert sum(is_overdue(due_at=case.due_at, now=now) for case in running) >= 2
    unassigned = [case for case in cases if case.assigned_to is None]
    assert sum(case.submitted_at < now - dt.timedelta(days=2) for case in unassigned) >= 2
    assert {case.assigned_to.email for case in cases if case.assigned_to} == {
        REVIEWER_1.email,
        REVIEWER_2.email,
    }
    assert any(case.status == CaseStatus.INFORMATION_REQUESTED for case in cases)
    assert any(
        any("\uac00" <= ch <= "\ud7a3" for ch in case.applicant_name) for case in cases
    )  # Korean names

    # Assignment went through case_start_review: the timeline has it, some by the supervisor.
    started = CaseEvent.objects.filter(case__in=cases, kind=CaseEvent.Kind.REVIEW_STARTED)
    assert started.count() == len([case for case in cases if case.assigned_to])
    assert started.filter(actor__email=SUPERVISOR.email).exists()
    for case in cases:
        submitted = case.events.get(kind=CaseEvent.Kind.SUBMITTED)
        assert submitted.at == case.submitted_at
        assert case.due_at == case.submitted_at + dt.timedelta(days=14)


def test_demo_totp_prints_a_code_that_allauth_accepts(demo, client):
    case = next(
        case for case in caseload() if case.assigned_to and case.assigned_to.email == REVIEWER_1.email
    )
    page = reverse("ministry:case", args=[case.reference])
    response = client.post(
        reverse("account_login"), {"login": REVIEWER_1.email, "password": DEMO_PASSWORD, "next": page}
    )
    assert response.url.startswith(reverse("mfa_authenticate"))

    out = io.StringIO()
    call_command("demo_totp", REVIEWER_1.email, stdout=out, stderr=io.StringIO())
    code = out.getvalue().strip()
    assert len(code) == 6
    assert code.isdigit()
    response = client.post(response.url, {"code": code})
    assert response.status_code == 302
    assert response.url == page
    assert client.get(page).status_code == 200

    for email, message in [
        ("someone@example.org", "Only for demo logins"),
        ("nobody@demo.ktechpass.kr", "No demo login"),
        ("reviewer@demo.ktechpass.kr", "no authenticator yet"),  # the set-up demo
    ]:
        with pytest.raises(CommandError, match=message):
            call_command("demo_totp", email, stdout=io.StringIO())


def test_demo_totp_refuses_a_real_person_even_with_an_authenticator():
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from tests.ministry import reviewer

    person = reviewer(email="real.reviewer@motie.go.kr")
    TOTP.activate(person, generate_totp_secret())
    with pytest.raises(CommandError, match="Only for demo logins"):
        call_command("demo_totp", person.email, stdout=io.StringIO())


def test_the_readme_tells_how_to_sign_in_as_ministry_staff():
    readme = (Path(settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")
    assert DEMO_TOTP_SECRET in readme
    assert "demo_totp" in readme
    for member in MINISTRY_STAFF:
        assert member.email in readme
