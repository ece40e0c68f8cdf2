"""The demo's ministry staff (two-factor with the published secret) and their caseload on the clock."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import EnrolmentGrant, User
from apps.cases.clock import days_left, is_overdue
from apps.cases.models import Case, CaseEvent, CaseStatus
from apps.demo.management.commands.load_demo import DEMO_PASSWORD
from apps.demo.ministry import (
    CASELOAD,
    DEMO_TOTP_SECRET,
    MINISTRY_STAFF,
    REVIEWER_1,
    REVIEWER_2,
    SET_UP_REVIEWER,
    SUPERVISOR,
)
from tests.ministry import set_up_totp

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


# --- Two-factor enrolment in the demo ----------------------------------------------------------


def demo_link_for(email: str) -> str:
    """The path of the last enrolment link the demo e-mailed to ``email`` (locmem in tests; the
    console of `make run`)."""
    bodies = [str(message.body) for message in mail.outbox if message.to == [email]]
    assert bodies, f"no e-mail to {email}"
    found = re.search(r"https?://\S+/accounts/2fa/enrol/\S+/", bodies[-1])
    assert found is not None
    return urlsplit(found.group()).path


def test_the_set_up_reviewer_enrols_with_the_link_the_demo_emailed(demo, client):
    grant = EnrolmentGrant.objects.get(user__email=SET_UP_REVIEWER)
    assert grant.issued_by is not None
    assert (grant.issued_by.email, grant.issued_via) == (SUPERVISOR.email, EnrolmentGrant.Channel.DEMO)
    link = demo_link_for(SET_UP_REVIEWER)

    queue = reverse("ministry:queue")
    response = client.post(reverse("account_login"), {"login": SET_UP_REVIEWER, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    response = client.get(queue)
    assert urlsplit(response.url).path == reverse("mfa_activate_totp")
    assert "Ask a site administrator for an enrolment link." in client.get(response.url).content.decode()

    assert client.get(link).status_code == 200
    assert client.post(link).url == reverse("mfa_activate_totp")
    set_up_totp(client, password=DEMO_PASSWORD)
    assert client.get(queue).status_code == 200
    grant.refresh_from_db()
    assert grant.enrolled_at is not None


def test_each_demo_load_emails_a_fresh_link_while_the_reviewer_has_no_authenticator(demo, client):
    first = demo_link_for(SET_UP_REVIEWER)
    call_command("load_demo", stdout=io.StringIO())
    second = demo_link_for(SET_UP_REVIEWER)
    assert first != second
    grants = EnrolmentGrant.objects.filter(user__email=SET_UP_REVIEWER)
    assert grants.count() == 2
    assert grants.filter(revoked_at__isnull=True).count() == 1

    client.post(reverse("account_login"), {"login": SET_UP_REVIEWER, "password": DEMO_PASSWORD})
    assert client.post(first).status_code == 404
    assert client.post(second).status_code == 302

    set_up_totp(client, password=DEMO_PASSWORD)  # once it has one, loading again issues none
    call_command("load_demo", stdout=io.StringIO())
    assert grants.count() == 2


def test_the_demo_site_admin_opens_the_admin_with_the_demo_authenticator(demo, client):
    admin = "admin@demo.ktechpass.kr"
    response = client.post(
        reverse("account_login"), {"login": admin, "password": DEMO_PASSWORD, "next": "/admin/"}
    )
    assert urlsplit(response.url).path == reverse("mfa_authenticate")
    out = io.StringIO()
    call_command("demo_totp", admin, stdout=out, stderr=io.StringIO())
    response = client.post(response.url, {"code": out.getvalue().strip()})
    assert response.url == "/admin/"
    assert client.get("/admin/cases/case/").status_code == 200
