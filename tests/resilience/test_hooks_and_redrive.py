"""After-commit hooks that cannot stop each other, and the sweeps that re-drive what a broker outage
lost: sponsorship e-mails and clock reminders, each sent once (decision 15)."""

from __future__ import annotations

import datetime as dt

import pytest
from celery import current_app
from django.core import mail
from django.db import transaction
from django.utils import timezone

from apps.cases.models import CaseStatus, SponsorshipStatus
from apps.cases.sponsorships import sponsorship_submit, sponsorship_withdraw
from apps.core.hooks import enqueue, reset_broker_state, safe_on_commit
from apps.notifications import reminders
from apps.notifications.tasks import sweep
from apps.organisations.models import MemberRole
from tests.factories import MembershipFactory, OrganisationFactory, SponsorshipFactory
from tests.ministry import reviewer, submitted_case, supervisor

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(current_app, "send_task", refuse)
    yield
    monkeypatch.undo()
    reset_broker_state()


def test_a_failing_hook_does_not_stop_the_hooks_after_it(django_capture_on_commit_callbacks, caplog):
    ran = []
    with django_capture_on_commit_callbacks(execute=True):
        safe_on_commit(lambda: 1 / 0, what="a cache bump that fails")
        safe_on_commit(lambda: ran.append("enqueue"), what="the enqueue")
    assert ran == ["enqueue"]
    assert "after-commit hook failed: a cache bump that fails" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_at_a_real_commit_too():
    ran = []
    with transaction.atomic():
        safe_on_commit(lambda: 1 / 0, what="a cache bump that fails")
        safe_on_commit(lambda: ran.append("enqueue"), what="the enqueue")
    assert ran == ["enqueue"]


def test_an_enqueue_the_broker_refuses_is_reported_not_raised_and_not_retried_at_once(broker_down, caplog):
    assert enqueue("cases.score_case", 1) is False
    assert "could not enqueue cases.score_case(1,)" in caplog.text
    caplog.clear()
    assert enqueue("cases.score_case", 2) is False  # not tried again for a few seconds
    assert "broker unavailable: cases.score_case(2,) not enqueued" in caplog.text


def test_sponsorship_changes_whose_task_was_lost_are_e_mailed_once_by_the_sweep(
    broker_down, django_capture_on_commit_callbacks
):
    organisation = OrganisationFactory(verified=True)
    admin = MembershipFactory(organisation=organisation, role=MemberRole.ADMIN).user
    MembershipFactory(organisation=organisation)
    sent = SponsorshipFactory(
        organisation=organisation, status=SponsorshipStatus.DRAFT, candidate_email="c@example.org"
    )
    dropped = SponsorshipFactory(organisation=organisation, status=SponsorshipStatus.DRAFT)
    long_ago = SponsorshipFactory(
        organisation=organisation, submitted_at=timezone.now() - dt.timedelta(days=3)
    )  # before the re-drive's window: its e-mails are not sent late
    with django_capture_on_commit_callbacks(execute=True):
        sponsorship_submit(sponsorship=sent, by=admin)
        sponsorship_withdraw(sponsorship=dropped, by=admin, reason="Filled internally.")
    assert mail.outbox == []  # the broker took nothing

    result = sweep.apply().get()
    assert result["sponsorships"] == 2 + 1 + 2  # submitted: members and candidate; withdrawn: members
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients.count("c@example.org") == 1
    assert len(mail.outbox) == 5
    assert not any(f"sponsorship:{long_ago.pk}:" in n for n in sent_keys())

    assert sweep.apply().get()["sponsorships"] == 0  # a second sweep: nothing more
    assert len(mail.outbox) == 5


def sent_keys() -> list[str]:
    from apps.notifications.models import Notification

    return list(Notification.objects.values_list("dedupe_key", flat=True))


def test_reminders_whose_delivery_task_was_lost_are_re_driven_once(
    broker_down, django_capture_on_commit_callbacks
):
    now = timezone.now()
    assignee = reviewer()
    supervisor()
    submitted_case(submitted_at=now - dt.timedelta(days=9), status=CaseStatus.IN_REVIEW, assigned_to=assignee)
    with django_capture_on_commit_callbacks(execute=True):
        first = reminders.sweep(now=now)  # records what is owed; its fan-out finds no broker
    owed = sum(first[kind] for kind in ("due_soon", "overdue", "escalation", "unassigned"))
    assert owed >= 1
    assert mail.outbox == []

    later = now + reminders.REDRIVE_AFTER + dt.timedelta(seconds=1)
    second = reminders.sweep(now=later, inline=True)
    assert second["redriven"] == owed
    assert second["sent"] == owed
    assert len(mail.outbox) == owed
    third = reminders.sweep(now=later + dt.timedelta(minutes=5), inline=True)
    assert (third["redriven"], third["sent"]) == (0, 0)
    assert len(mail.outbox) == owed


def test_ownership_claim_e_mails_lost_while_the_broker_was_down_are_sent_once_by_the_sweep(
    broker_down, django_capture_on_commit_callbacks
):
    """Made, verified and rejected: each e-mail owed is sent by the sweep, once (decision 57)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from apps.organisations.models import SizeClass
    from apps.organisations.services import (
        organisation_register,
        ownership_claim_submit,
        ownership_claim_verify,
    )
    from tests.factories import PDF_BYTES, UserFactory

    def certificate() -> SimpleUploadedFile:
        return SimpleUploadedFile("registration.pdf", PDF_BYTES, content_type="application/pdf")

    squatter, owner, other = (UserFactory(email=f"{name}@example.org") for name in ("squat", "ceo", "cfo"))
    organisation_register(
        user=squatter, name="Hanbit Display", business_registration_number="220-81-62517",
        sector="Displays", size_class=SizeClass.SME,
    )  # fmt: skip
    ministry = reviewer()
    with django_capture_on_commit_callbacks(execute=True):
        made = ownership_claim_submit(
            business_registration_number="220-81-62517", by=owner, upload=certificate(), note="The CEO."
        )
    assert mail.outbox == []  # the broker took nothing: the administrator has not been told
    assert sweep.apply().get()["ownership_claims"] == 1
    assert [(m.to, "claimed Hanbit Display" in m.subject) for m in mail.outbox] == [([squatter.email], True)]

    with django_capture_on_commit_callbacks(execute=True):
        second = ownership_claim_submit(
            business_registration_number="220-81-62517", by=other, upload=certificate(), note="The CFO."
        )
        ownership_claim_verify(claim=made, by=ministry, reason="Checked.")  # rejects the other one too
    assert len(mail.outbox) == 1
    # The verification (to the owner) and the rejection that followed it (to the other claimant);
    # the second claim's arrival is not announced now that it is decided.
    assert sweep.apply().get()["ownership_claims"] == 2
    assert sorted(m.to[0] for m in mail.outbox[1:]) == sorted([owner.email, other.email])
    assert sweep.apply().get()["ownership_claims"] == 0  # a second sweep: nothing more
    assert len(mail.outbox) == 3
    keys = [key for key in sent_keys() if key.startswith("ownership:")]
    assert f"ownership:{second.pk}:rejected:{other.email}" in keys
    assert f"ownership:{made.pk}:verified:{owner.email}" in keys
    assert len(keys) == len(set(keys)) == 3


def test_a_rejected_claim_lost_while_the_broker_was_down_is_sent_by_the_sweep(
    broker_down, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from apps.organisations.models import SizeClass
    from apps.organisations.services import (
        organisation_register,
        ownership_claim_reject,
        registration_certificate_submit,
    )
    from tests.factories import PDF_BYTES, UserFactory

    admin = UserFactory(email="admin@example.org")
    organisation = organisation_register(
        user=admin, name="Hanbit Display", business_registration_number="220-81-62517",
        sector="Displays", size_class=SizeClass.SME,
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        made = registration_certificate_submit(
            organisation=organisation,
            by=admin,
            upload=SimpleUploadedFile("c.pdf", PDF_BYTES, content_type="application/pdf"),
        )
    assert sweep.apply().get()["ownership_claims"] == 0  # its own administrator's: nobody to tell
    with django_capture_on_commit_callbacks(execute=True):
        ownership_claim_reject(claim=made, by=reviewer(), reason="Another company's certificate.")
    assert mail.outbox == []
    assert sweep.apply().get()["ownership_claims"] == 1
    assert [m.to for m in mail.outbox] == [[admin.email]]
    assert "Another company's certificate." in mail.outbox[0].body
    assert sweep.apply().get()["ownership_claims"] == 0
