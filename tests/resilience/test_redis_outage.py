"""The acceptance test for a Redis outage (issue 11, part 4; decision 14).

A dedicated redis-server serves as both Django's cache and Celery's broker. It is killed before the
first request of a scripted journey (applicants sign in, save, upload, submit; an applicant confirms
an employer's sponsorship; the employer submits one and withdraws another; a reviewer signs in with
a TOTP code, works the queue and opens a case; a supervisor opens the dashboard; the public API
answers) and stays down for the whole journey: no response may be a 5xx. Then Redis starts again
on the same port (empty, as after a crash), the beat sweeps run once, synchronously in the test, and
a real Celery worker (solo pool, in this process) runs what they enqueued: every submitted case is
scored and every case and sponsorship e-mail is sent exactly once; a second round sends nothing.

Production keeps the broker and the cache on separate instances, so the same journey also runs with
two servers and only one of them down: the cache alone (tasks are enqueued as usual, and the sweep
must not send again what the worker then sends) or the broker alone.
"""

from __future__ import annotations

import collections
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.test import Client
from django.urls import reverse

from apps.accounts.roles import Role
from apps.cases.models import Case, CaseEvent, CaseScore, CaseStatus, SponsorshipStatus
from apps.cases.services import case_start
from apps.cases.tasks import redrive_unscored
from apps.core.cache import reset_outage_state
from apps.core.hooks import reset_broker_state
from apps.notifications import tasks as notification_tasks
from apps.notifications.models import Notification
from apps.organisations.models import MemberRole
from config.celery import app
from tests.factories import (
    QUALITATIVE_KINDS,
    QUANTITATIVE_KINDS,
    ApplicantProfileFactory,
    EducationFactory,
    EmploymentFactory,
    MembershipFactory,
    OrganisationFactory,
    SponsorshipFactory,
    UserFactory,
    pdf_upload,
)
from tests.ministry import reviewer, sign_in, supervisor
from tests.resilience.redis_server import RedisServer, drop_broker_connections, pointed_at, redis_server

# Transactional: the Celery worker reads what the requests committed.
pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a-long-test-password"  # UserFactory's
API_ANSWERS = {
    "degree_level": "master",
    "experience_years": 5,
    "offered_salary_krw": 60_000_000,
    "field": "other",
}


def totp_code(secret: str) -> str:
    """The authenticator's code now; in the last 3 seconds of its 30, the next one (on a loaded
    machine the request could otherwise reach the check after the code expired)."""
    left = 30 - time.time() % 30
    if left < 3:
        time.sleep(left + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


class Journey:
    """Test clients that remember every response, so the test can list every 5xx at once."""

    def __init__(self) -> None:
        self.responses: list[tuple[str, str, int]] = []

    def client(self) -> Client:
        journey = self

        class Recording(Client):
            def request(self, **request: Any) -> Any:
                response = super().request(**request)
                journey.responses.append(
                    (request["REQUEST_METHOD"], request["PATH_INFO"], response.status_code)
                )
                return response

        return Recording(raise_request_exception=False)

    @property
    def server_errors(self) -> list[tuple[str, str, int]]:
        return [entry for entry in self.responses if entry[2] >= 500]


def applicant_with_profile(email: str) -> Any:
    user = UserFactory(role=Role.APPLICANT, email=email)
    profile = ApplicantProfileFactory(user=user)
    EducationFactory(profile=profile, degree_level="doctorate")
    EmploymentFactory(profile=profile, years=10)
    return user


def password_login(client: Client, email: str) -> Any:
    return client.post(reverse("account_login"), {"login": email, "password": PASSWORD})


def upload_and_submit(client: Client, case: Case, kinds: tuple[str, ...]) -> None:
    for kind in kinds:
        response = client.post(
            f"/apply/{case.reference}/documents/{kind}/upload/", {"file": pdf_upload(f"{kind}.pdf")}
        )
        assert response.status_code in (200, 302), (kind, response.status_code)
    assert client.get(f"/apply/{case.reference}/review/").status_code == 200
    response = client.post(f"/apply/{case.reference}/submit/", {"confirm": "on"})
    assert response.status_code == 302, response.status_code
    assert client.get(f"/apply/{case.reference}/status/").status_code == 200


def _restore_after_outage() -> None:
    """After Redis is back: Celery's pooled connections point at the dead server, and this process
    remembers the outage for a few more seconds (apps.core.cache, apps.core.hooks)."""
    drop_broker_connections()
    reset_outage_state()
    reset_broker_state()


def waiting_in_broker() -> int:
    """Tasks still in the broker's default queue (a task being run is no longer in it)."""
    import redis

    return int(redis.Redis.from_url(str(app.conf.broker_url)).llen("celery"))


def run_worker_until(done: Any, timeout: float = 30.0) -> None:
    """A real worker (solo pool, in this process) until ``done()`` and the queue is empty."""
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not (done() and waiting_in_broker() == 0):
            time.sleep(0.1)
        assert waiting_in_broker() == 0
        time.sleep(0.5)  # the last task taken finishes, and shows in the counts


def run_sweeps_once() -> None:
    """What beat sends every five minutes, called synchronously here."""
    redrive_unscored()
    notification_tasks.sweep()
    notification_tasks.sweep_reminders()


@pytest.fixture(params=["cache-and-broker", "cache-only", "broker-only"])
def down(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[list[RedisServer]]:
    """The Redis servers the journey runs without: one serving both, or one of two."""
    if request.param == "cache-and-broker":
        with redis_server(tmp_path / "redis") as both, pointed_at(cache_url=both.url, broker_url=both.url):
            yield [both]
        return
    with (
        redis_server(tmp_path / "cache") as cache_server,
        redis_server(tmp_path / "broker") as broker_server,
        pointed_at(cache_url=cache_server.url, broker_url=broker_server.url),
    ):
        yield [cache_server] if request.param == "cache-only" else [broker_server]


def test_a_journey_with_redis_down_answers_no_5xx_and_loses_nothing_once_it_returns(down):
    ada = applicant_with_profile("ada@example.org")
    ada_case = case_start(applicant=ada, track="quantitative", answers={"degree_level": "doctorate"})
    ben = applicant_with_profile("ben@example.org")
    ben_case = case_start(applicant=ben, track="qualitative", answers={"degree_level": "doctorate"})
    organisation = OrganisationFactory(name="Hanbit Semiconductor", verified=True)
    employer = MembershipFactory(
        organisation=organisation, role=MemberRole.ADMIN, user__email="hr@hanbit.example"
    ).user
    colleague = MembershipFactory(organisation=organisation, user__email="cto@hanbit.example").user
    offered = SponsorshipFactory(
        organisation=organisation, case=ben_case, candidate_email=ben.email, candidate_name="Ben"
    )
    to_send = SponsorshipFactory(
        organisation=organisation,
        status=SponsorshipStatus.DRAFT,
        candidate_email="carol@example.org",
        candidate_name="Carol",
    )
    to_withdraw = SponsorshipFactory(
        organisation=organisation,
        status=SponsorshipStatus.DRAFT,
        candidate_email="dan@example.org",
        candidate_name="Dan",
    )
    staff = reviewer(email="reviewer@example.go.kr")
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)
    boss = supervisor(email="supervisor@example.go.kr")
    sent_before = len(mail.outbox)

    for server in down:  # ---------------------------------------------------- Redis is down
        server.kill()
    journey = Journey()

    # An applicant signs in, saves a step, uploads every document and submits.
    ada_client = journey.client()
    assert ada_client.get(reverse("account_login")).status_code == 200
    assert password_login(ada_client, ada.email).status_code == 302
    assert ada_client.get("/apply/").status_code == 200
    step = ada_client.post(
        f"/apply/{ada_case.reference}/track/", {"track": "quantitative", "action": "continue"}
    )
    assert step.status_code == 302
    upload_and_submit(ada_client, ada_case, QUANTITATIVE_KINDS)

    # Another confirms the employer's sponsorship (the employer is e-mailed), uploads and submits.
    ben_client = journey.client()
    assert password_login(ben_client, ben.email).status_code == 302
    assert ben_client.get(f"/apply/{ben_case.reference}/sponsorship/").status_code == 200
    confirmed = ben_client.post(f"/apply/{ben_case.reference}/sponsorship/{offered.pk}/confirm/")
    assert confirmed.status_code == 302
    upload_and_submit(ben_client, ben_case, QUALITATIVE_KINDS)

    # The employer sends one sponsorship and withdraws another.
    employer_client = journey.client()
    assert password_login(employer_client, employer.email).status_code == 302
    base = f"/employer/organisations/{organisation.pk}/sponsorships"
    assert employer_client.get(f"{base}/").status_code == 200
    assert employer_client.post(f"{base}/{to_send.pk}/submit/", {"case_reference": ""}).status_code == 302
    withdrawn = employer_client.post(f"{base}/{to_withdraw.pk}/withdraw/", {"reason": "Filled internally."})
    assert withdrawn.status_code == 302

    # A reviewer signs in with a password and a code, works the queue and opens a case.
    staff_client = journey.client()
    stage = password_login(staff_client, staff.email)
    assert stage.status_code == 302
    assert stage.url.startswith(reverse("mfa_authenticate"))
    code = staff_client.post(stage.url, {"code": totp_code(secret)})
    assert code.status_code == 302, code.content.decode()[-3000:]
    queue = staff_client.get(reverse("ministry:queue"))
    assert queue.status_code == 200
    assert staff_client.get(reverse("ministry:queue"), {"status": "submitted"}).status_code == 200
    claimed = staff_client.post(reverse("ministry:claim_next"))
    assert claimed.status_code == 302
    assert staff_client.get(claimed.url).status_code == 200  # the workspace
    assert staff_client.get(reverse("ministry:case", args=[ben_case.reference])).status_code == 200

    # A supervisor (signed in with both factors, as tests/ministry.py does) opens the queue and the dashboard.
    boss_client = sign_in(journey.client(), boss)
    assert boss_client.get(reverse("ministry:queue")).status_code == 200
    assert boss_client.get(reverse("ministry:dashboard")).status_code == 200

    # The public API.
    api = journey.client()
    for _ in range(3):
        assert (
            api.post("/api/v1/self-assessment", API_ANSWERS, content_type="application/json").status_code
            == 200
        )

    assert journey.server_errors == [], journey.server_errors
    assert len(journey.responses) >= 40
    ada_case.refresh_from_db()
    ben_case.refresh_from_db()
    assert ada_case.status in (CaseStatus.SUBMITTED, CaseStatus.IN_REVIEW)
    assert ben_case.status in (CaseStatus.SUBMITTED, CaseStatus.IN_REVIEW)
    assert not CaseScore.objects.exists()  # nothing could reach a worker
    assert len(mail.outbox) == sent_before  # and nothing was sent from the requests

    # ------------------------------------------------------------------ Redis is back (empty)
    for server in down:
        server.start()
    _restore_after_outage()
    run_sweeps_once()
    run_worker_until(lambda: CaseScore.objects.count() == 2)

    assert set(CaseScore.objects.values_list("case_id", flat=True)) == {ada_case.pk, ben_case.pk}
    expected = expected_messages(
        cases=[ada_case, ben_case],
        sponsorships=[(offered, "confirmed"), (to_send, "submitted"), (to_withdraw, "withdrawn")],
        members=[employer, colleague],
    )
    sent = Notification.objects.filter(sent_at__isnull=False)
    assert set(sent.values_list("dedupe_key", flat=True)) == expected
    assert not Notification.objects.filter(sent_at__isnull=True).exists()
    by_recipient_and_subject = collections.Counter((m.to[0], m.subject) for m in mail.outbox[sent_before:])
    assert len(mail.outbox) - sent_before == len(expected)
    assert set(by_recipient_and_subject.values()) == {1}, by_recipient_and_subject

    # A second sweep (and worker) finds nothing more to do.
    run_sweeps_once()
    run_worker_until(lambda: True)
    assert len(mail.outbox) - sent_before == len(expected)
    assert CaseScore.objects.count() == 2


def expected_messages(
    *, cases: list[Case], sponsorships: list[tuple[Any, str]], members: list[Any]
) -> set[str]:
    keys = {
        f"case-event:{event.pk}:{event.case.applicant.email}"
        for event in CaseEvent.objects.filter(case__in=cases).select_related("case__applicant")
        if event.changes_status
    }
    assert len(keys) >= 3  # two submissions and the claimed case's start of review
    for sponsorship, status in sponsorships:
        keys |= {f"sponsorship:{sponsorship.pk}:{status}:{member.email}" for member in members}
        if status == "submitted":
            keys.add(f"sponsorship:{sponsorship.pk}:offered:{sponsorship.candidate_email}")
    return keys
