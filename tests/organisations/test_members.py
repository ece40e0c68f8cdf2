"""Invitations (by e-mail, 14 days, usable once, only by the invited address) and removing members."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from apps.accounts.roles import Role
from apps.organisations.models import Invitation, MemberRole, Membership
from apps.organisations.services import (
    invitation_accept,
    invitation_revoke,
    member_invite,
    member_remove,
)
from tests.factories import MembershipFactory, UserFactory, staff_membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return MembershipFactory(organisation__name="Hanbit Semiconductor")


def test_an_invitation_is_e_mailed_after_commit_and_expires_in_14_days(
    admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = member_invite(
            organisation=admin.organisation, by=admin.user, email=" New.Person@Example.org "
        )
    assert invitation.email == "new.person@example.org"
    assert invitation.expires_at - invitation.created_at == pytest.approx(
        dt.timedelta(days=14), abs=dt.timedelta(seconds=5)
    )
    (sent,) = mail.outbox
    assert sent.to == ["new.person@example.org"]
    assert "Hanbit Semiconductor" in sent.subject
    assert f"/employer/invitations/{invitation.token}/" in sent.body
    assert "\n" not in sent.subject


def test_nothing_is_sent_when_the_transaction_rolls_back(admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        member_invite(organisation=admin.organisation, by=admin.user, email="x@example.org")
    assert len(callbacks) == 1
    assert mail.outbox == []


def test_the_e_mail_is_in_the_recipients_language_when_known(admin, django_capture_on_commit_callbacks):
    UserFactory(email="known@example.org", preferred_language="ko")
    admin.user.preferred_language = "en"
    admin.user.save()
    from apps.organisations.services import invitation_language

    invitation = member_invite(organisation=admin.organisation, by=admin.user, email="known@example.org")
    assert invitation_language(invitation) == "ko"
    stranger = member_invite(organisation=admin.organisation, by=admin.user, email="new@example.org")
    assert invitation_language(stranger) == "en"


def test_only_admins_invite(admin):
    staff = staff_membership(admin.organisation)
    with pytest.raises(PermissionDenied):
        member_invite(organisation=admin.organisation, by=staff.user, email="x@example.org")
    outsider = MembershipFactory()
    with pytest.raises(PermissionDenied):
        member_invite(organisation=admin.organisation, by=outsider.user, email="x@example.org")


def test_a_second_open_invitation_to_the_same_address_is_refused(admin):
    member_invite(organisation=admin.organisation, by=admin.user, email="x@example.org")
    with pytest.raises(ValidationError) as caught:
        member_invite(organisation=admin.organisation, by=admin.user, email="X@example.org")
    assert "already waiting to be accepted" in caught.value.message_dict["email"][0]


def test_an_expired_invitation_does_not_block_a_new_one(admin):
    old = member_invite(organisation=admin.organisation, by=admin.user, email="x@example.org")
    with time_machine.travel(timezone.now() + dt.timedelta(days=15)):
        new = member_invite(organisation=admin.organisation, by=admin.user, email="x@example.org")
    old.refresh_from_db()
    assert old.revoked_at is not None
    assert new.pk != old.pk


def test_inviting_an_existing_member_is_refused(admin):
    staff = staff_membership(admin.organisation)
    with pytest.raises(ValidationError) as caught:
        member_invite(organisation=admin.organisation, by=admin.user, email=staff.user.email.upper())
    assert "is already a member of this organisation" in caught.value.message_dict["email"][0]


def test_the_invited_person_accepts_once_and_becomes_staff(admin):
    invitation = member_invite(organisation=admin.organisation, by=admin.user, email="Invitee@example.org")
    invitee = UserFactory(email="invitee@EXAMPLE.org")  # the address matches case-insensitively
    membership = invitation_accept(token=invitation.token, user=invitee)
    assert (membership.organisation, membership.role) == (admin.organisation, MemberRole.STAFF)
    assert invitee.has_role(Role.EMPLOYER)
    with pytest.raises(ValidationError, match="already been used"):
        invitation_accept(token=invitation.token, user=invitee)


def test_someone_else_cannot_use_the_invitation(admin):
    invitation = member_invite(organisation=admin.organisation, by=admin.user, email="invitee@example.org")
    intruder = UserFactory(email="intruder@example.org")
    with pytest.raises(PermissionDenied, match="sent to a different e-mail address"):
        invitation_accept(token=invitation.token, user=intruder)
    assert not Membership.objects.filter(user=intruder).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_an_expired_invitation_is_refused_with_its_date(admin):
    invitation = member_invite(organisation=admin.organisation, by=admin.user, email="late@example.org")
    late = UserFactory(email="late@example.org")
    with (
        time_machine.travel(invitation.expires_at + dt.timedelta(seconds=1)),
        pytest.raises(ValidationError) as caught,
    ):
        invitation_accept(token=invitation.token, user=late)
    assert caught.value.code == "expired"
    assert "This invitation expired on" in caught.value.messages[0]
    assert not Membership.objects.filter(user=late).exists()


def test_a_revoked_invitation_is_refused(admin):
    invitation = member_invite(organisation=admin.organisation, by=admin.user, email="gone@example.org")
    invitation_revoke(invitation=invitation, by=admin.user)
    with pytest.raises(ValidationError, match="withdrawn by the organisation"):
        invitation_accept(token=invitation.token, user=UserFactory(email="gone@example.org"))
    with pytest.raises(ValidationError, match="already been accepted or revoked"):
        invitation_revoke(invitation=invitation, by=admin.user)


def test_an_unknown_token_is_refused():
    with pytest.raises(ValidationError, match="not valid"):
        invitation_accept(token="no-such-token", user=UserFactory())
    assert not Invitation.objects.exists()


def test_an_admin_removes_staff_and_the_role_goes_with_the_last_membership(admin):
    staff = staff_membership(admin.organisation)
    member_remove(organisation=admin.organisation, by=admin.user, member=staff)
    assert not Membership.objects.filter(pk=staff.pk).exists()
    assert not staff.user.has_role(Role.EMPLOYER)


def test_the_role_stays_while_another_membership_remains(admin):
    staff = staff_membership(admin.organisation)
    MembershipFactory(user=staff.user)  # also a member elsewhere
    member_remove(organisation=admin.organisation, by=admin.user, member=staff)
    assert staff.user.has_role(Role.EMPLOYER)


def test_the_last_admin_cannot_be_removed(admin):
    with pytest.raises(ValidationError) as caught:
        member_remove(organisation=admin.organisation, by=admin.user, member=admin)
    assert caught.value.code == "last_admin"
    assert "only administrator" in caught.value.messages[0]
    assert Membership.objects.filter(pk=admin.pk).exists()


def test_an_admin_can_remove_another_admin_while_one_remains(admin):
    second = MembershipFactory(organisation=admin.organisation, role=MemberRole.ADMIN)
    member_remove(organisation=admin.organisation, by=admin.user, member=second)
    with pytest.raises(ValidationError):
        member_remove(organisation=admin.organisation, by=admin.user, member=admin)


def test_staff_cannot_remove_anyone(admin):
    staff = staff_membership(admin.organisation)
    other = staff_membership(admin.organisation)
    with pytest.raises(PermissionDenied):
        member_remove(organisation=admin.organisation, by=staff.user, member=other)


def test_a_member_of_another_organisation_cannot_be_removed_here(admin):
    elsewhere = MembershipFactory(role=MemberRole.STAFF)
    with pytest.raises(ValidationError, match="not a member of this organisation"):
        member_remove(organisation=admin.organisation, by=admin.user, member=elsewhere)
    assert Membership.objects.filter(pk=elsewhere.pk).exists()


def test_an_admin_promotes_staff_and_then_may_step_down(admin):
    from apps.organisations.services import member_change_role

    staff = staff_membership(admin.organisation)
    with pytest.raises(ValidationError, match="only administrator"):
        member_change_role(
            organisation=admin.organisation, by=admin.user, member=admin, role=MemberRole.STAFF
        )
    member_change_role(organisation=admin.organisation, by=admin.user, member=staff, role=MemberRole.ADMIN)
    member_change_role(organisation=admin.organisation, by=admin.user, member=admin, role=MemberRole.STAFF)
    staff.refresh_from_db()
    admin.refresh_from_db()
    assert (staff.role, admin.role) == (MemberRole.ADMIN, MemberRole.STAFF)
    with pytest.raises(PermissionDenied):  # no longer an admin
        member_change_role(
            organisation=admin.organisation, by=admin.user, member=staff, role=MemberRole.STAFF
        )
