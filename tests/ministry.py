"""Ministry personas for tests: reviewers and supervisors signed in with a second factor, and
submitted cases placed in the queue without going through the applicant's wizard."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from allauth.account.internal.flows.login import (
    _AUTHENTICATION_METHODS_USER_SESSION_KEY,
    AUTHENTICATION_METHODS_SESSION_KEY,
)
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import Client
from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.cases.models import Case, CaseStatus, Track
from apps.cases.search import index_fields
from apps.rubric.selectors import rubric_version_in_force
from tests.factories import FULL_ANSWERS, CaseFactory, UserFactory


def sign_in(client: Client, user: User, *, two_factor: bool = True) -> Client:
    """Log ``user`` in as allauth would after a password and, with ``two_factor``, a TOTP code."""
    client.force_login(user)
    if two_factor:
        TOTP.activate(user, generate_totp_secret())
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
