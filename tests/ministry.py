"""Ministry personas for tests: reviewers and supervisors signed in with a second factor, and
submitted cases placed in the queue without going through the applicant's wizard."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any
from urllib.parse import urlsplit

from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY

# Test-only private details of allauth (no public way to write a session's authentication records
# or to read the secret offered at set-up; the app itself goes through apps.accounts.allauth_private).
from allauth.account.internal.flows.login import _AUTHENTICATION_METHODS_USER_SESSION_KEY
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.accounts.enrolment import grant_issue
from apps.accounts.models import EnrolmentGrant, User
from apps.accounts.roles import Role
from apps.accounts.totp import add_totp_authenticator, new_secret
from apps.accounts.totp import totp_code as _totp_code
from apps.cases.models import Case, CaseStatus, Track
from apps.cases.search import index_fields
from apps.rubric.selectors import rubric_version_in_force
from tests.factories import FULL_ANSWERS, CaseFactory, UserFactory


def sign_in(client: Client, user: User, *, two_factor: bool = True) -> Client:
    """Log ``user`` in as allauth would after a password and, with ``two_factor``, a TOTP code."""
    client.force_login(user)
    if two_factor:
        add_totp_authenticator(user, new_secret())
        session = client.session
        now = time.time()
        session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
        session[AUTHENTICATION_METHODS_SESSION_KEY] = [
            {"method": "password", "at": now, "email": user.email},
            {"method": "mfa", "at": now, "type": "totp"},
        ]
        session.save()
    return client


def reviewer(**kwargs: Any) -> User:
    return UserFactory(role=Role.REVIEWER, **kwargs)


def supervisor(**kwargs: Any) -> User:
    return UserFactory(role=Role.SUPERVISOR, **kwargs)


def policy_administrator(**kwargs: Any) -> User:
    return UserFactory(role=Role.POLICY_ADMINISTRATOR, **kwargs)


def site_admin(**kwargs: Any) -> User:
    """A superuser who may open the admin site (``is_staff``), without an authenticator yet."""
    return UserFactory(is_staff=True, is_superuser=True, **kwargs)


def enrolment_link(user: User, *, by: User | None = None) -> str:
    """The path of a fresh two-factor enrolment link for staff ``user``, issued by a supervisor
    (a new one unless ``by``), as the e-mail carries it (apps.accounts.enrolment)."""
    issued = grant_issue(user=user, by=by or supervisor(), via=EnrolmentGrant.Channel.ADMIN)
    return urlsplit(issued.link).path


def claim_enrolment(client: Client, user: User, *, by: User | None = None) -> None:
    """Follow a fresh enrolment link as ``user`` (signed in on ``client``): this session may set up
    an authenticator, as after clicking the e-mailed link's button."""
    response = client.post(enrolment_link(user, by=by))
    assert response.status_code == 302, response.content.decode()[:2000]


def submitted_case(
    *,
    submitted_at: dt.datetime | None = None,
    status: str = CaseStatus.SUBMITTED,
    assigned_to: User | None = None,
    track: str = Track.QUANTITATIVE,
    applicant_name: str = "",
    **facts: Any,
) -> Case:
    """A case as it stands after a complete submission (clock started, queue fields filled)."""
    submitted_at = submitted_at or timezone.now()
    version = rubric_version_in_force(timezone.localdate(submitted_at))
    clock_days = version.parsed_config().clock.days
    case = CaseFactory.create(
        track=track,
        status=status,
        facts={**FULL_ANSWERS, **facts},
        rubric_version=version,
        submitted_at=submitted_at,
        due_at=submitted_at + dt.timedelta(days=clock_days),
        assigned_to=assigned_to,
        assigned_at=submitted_at if assigned_to else None,
    )
    for name, value in index_fields(case, applicant_name=applicant_name).items():
        setattr(case, name, value)
    case.save()
    return case


PASSWORD = "a-long-test-password"  # UserFactory's


def totp_code(secret: str, at: float | None = None) -> str:
    """The code an authenticator app shows now (RFC 6238 over allauth's 30-second steps)."""
    return _totp_code(secret, at or time.time())


def set_up_totp(client: Client, *, password: str = PASSWORD) -> str:
    """Go through allauth's authenticator set-up as the signed-in person would (confirming the
    password when asked, then a code from the new authenticator); the set-up's last response's URL."""
    response = client.get(reverse("mfa_activate_totp"))
    if response.status_code == 302 and urlsplit(response.url).path == reverse("account_reauthenticate"):
        client.post(response.url, {"password": password})
        response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200, response.content.decode()[:2000]
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302, response.content.decode()[:2000]
    return str(response.url)


def assess_as_scored(case: Case, by: User) -> Case:
    """The reviewer's B1/B2 assessment confirming the facts the engine scores the case on now, so
    the total stays as it was: what a qualitative approval needs first (decision 8)."""
    from decimal import Decimal

    from apps.cases.reviewer_findings import QualitativeValues, confirmed_sponsorship, qualitative_assess
    from apps.cases.score_snapshot import scored_answers

    assert case.rubric_version is not None
    config = case.rubric_version.parsed_config()
    facts = scored_answers(case, config, sponsorship=confirmed_sponsorship(case), assessment=None)
    checked = "Checked against the documents."
    qualitative_assess(
        case=case,
        by=by,
        values=QualitativeValues(
            field=facts.get("field") or "other",
            field_justification=checked,
            publications_and_patents=int(facts.get("publications_and_patents") or 0),
            publications_justification=checked,
            led_project_years=Decimal(str(facts.get("led_project_years") or 0)),
            international_award=bool(facts.get("international_award")),
            leadership_justification=checked,
            core_technology_role=int(facts.get("core_technology_role") or 0),
            core_technology_justification=checked,
            hard_to_fill=bool(facts.get("hard_to_fill")),
            hard_to_fill_justification=checked,
            transfer_plan=int(facts.get("transfer_plan") or 0),
            transfer_plan_justification=checked,
        ),
    )
    case.refresh_from_db()
    return case
