"""The demo's policy administration: two policy administrators with the demo authenticator and the
submitted draft "2027-03-top-200", loaded by ``load_demo`` once; and the version pages in Korean."""

from __future__ import annotations

import io

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.demo.ministry import DEMO_TOTP_SECRET
from apps.demo.policy import APPROVER, AUTHOR, TOP_200
from apps.policy import versions
from apps.policy.models import ChangeReason, ConformanceCase, VersionEvent
from apps.rubric.models import RubricVersion, VersionState
from tests.ministry import sign_in

pytestmark = pytest.mark.django_db


def test_load_demo_seeds_two_policy_administrators_and_the_submitted_top_200_draft() -> None:
    call_command("load_demo", stdout=io.StringIO())
    for email in (AUTHOR, APPROVER):
        user = User.objects.get(email=email)
        assert user.has_role(Role.POLICY_ADMINISTRATOR)
        totp = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
        assert decrypt(totp.data["secret"]) == DEMO_TOTP_SECRET
    draft = RubricVersion.objects.get(code=TOP_200)
    assert draft.author is not None
    assert draft.author.email == AUTHOR
    assert draft.state(versions.today()) == VersionState.AWAITING
    assert draft.config["tracks"][0]["eligible_when"]["any"][0]["all"][1]["value"] == 200
    assert draft.config["criteria"][0]["points"]["table"]["columns"]["bands"] == [{"max": 200}]
    review = versions.review(draft)
    assert review.cases_pass
    assert not review.blockers
    counts = (
        ConformanceCase.objects.count(),
        ChangeReason.objects.count(),
        VersionEvent.objects.count(),
        RubricVersion.objects.count(),
    )
    call_command("load_demo", stdout=io.StringIO())  # a second run changes nothing
    assert (
        ConformanceCase.objects.count(),
        ChangeReason.objects.count(),
        VersionEvent.objects.count(),
        RubricVersion.objects.count(),
    ) == counts


def test_the_version_pages_speak_korean() -> None:
    call_command("load_demo", stdout=io.StringIO())
    approver = User.objects.get(email=APPROVER)
    approver.preferred_language = "ko"
    approver.save(update_fields=["preferred_language"])
    Authenticator.objects.filter(user=approver).delete()  # sign_in gives the session's own
    client = sign_in(Client(HTTP_ACCEPT_LANGUAGE="ko"), approver)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ko"
    listing = client.get(reverse("policy:versions")).content.decode()
    assert "평가 기준표 버전" in listing
    assert "승인 대기" in listing
    page = client.get(reverse("policy:version", args=[TOP_200])).content.decode()
    for phrase in ("승인 또는 반려", "2026-07 대비 변경 사항", "적합성 사례", "확인 단계로 계속"):
        assert phrase in page, phrase
    assert "Approve or send back" not in page
