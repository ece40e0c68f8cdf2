"""Registering an organisation: the first user is its administrator and gets the employer role."""

import pytest
from django.core.exceptions import ValidationError

from apps.accounts.roles import Role
from apps.organisations.models import MemberRole, Organisation, SizeClass
from apps.organisations.selectors import get_organisation_for_member, is_admin, organisations_of
from apps.organisations.services import organisation_register
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

DUPLICATE = (
    "An organisation with this business registration number is already registered. "
    "Ask its administrator to invite you, or, if the number is your organisation's, claim it "
    "with your business registration certificate."
)


def register(user, number="124-81-00998", **overrides):
    data = {
        "name": "Hanbit Semiconductor",
        "business_registration_number": number,
        "sector": "Semiconductors",
        "size_class": SizeClass.SME,
        **overrides,
    }
    return organisation_register(user=user, **data)


def test_registration_makes_the_user_admin_with_the_employer_role():
    user = UserFactory()
    organisation = register(user, name="  Hanbit Semiconductor  ")
    assert organisation.business_registration_number == "1248100998"
    assert organisation.formatted_brn == "124-81-00998"
    assert organisation.name == "Hanbit Semiconductor"
    assert organisation.created_by == user
    membership = organisation.memberships.get()
    assert (membership.user, membership.role) == (user, MemberRole.ADMIN)
    assert user.has_role(Role.EMPLOYER)
    assert is_admin(user, organisation)
    assert list(organisations_of(user)) == [organisation]


def test_a_duplicate_number_is_refused_with_or_without_hyphens():
    register(UserFactory())
    with pytest.raises(ValidationError) as caught:
        register(UserFactory(), number="1248100998", name="Someone else")
    assert caught.value.message_dict["business_registration_number"] == [DUPLICATE]
    assert Organisation.objects.count() == 1


def test_a_wrong_check_digit_is_refused_by_the_service_too():
    with pytest.raises(ValidationError) as caught:
        register(UserFactory(), number="124-81-00997")
    assert "last digit does not match" in caught.value.message_dict["business_registration_number"][0]
    assert not Organisation.objects.exists()


def test_an_unknown_size_class_is_refused():
    with pytest.raises(ValidationError) as caught:
        register(UserFactory(), size_class="huge")
    assert "size_class" in caught.value.message_dict


def test_outsiders_get_404_for_an_organisation():
    from django.http import Http404

    admin = MembershipFactory()
    outsider = UserFactory(role=Role.EMPLOYER)
    assert get_organisation_for_member(admin.user, admin.organisation.pk) == admin.organisation
    with pytest.raises(Http404):
        get_organisation_for_member(outsider, admin.organisation.pk)
    with pytest.raises(Http404):
        get_organisation_for_member(admin.user, 999_999)


def test_organisations_of_counts_every_member_and_names_my_role():
    admin = MembershipFactory()
    MembershipFactory(organisation=admin.organisation, role=MemberRole.STAFF)
    MembershipFactory(organisation=admin.organisation, role=MemberRole.STAFF)
    (row,) = organisations_of(admin.user)
    assert (row.member_count, row.my_role) == (3, MemberRole.ADMIN)


def test_the_rules_predicates_and_permissions():
    import rules

    from apps.organisations.rules import is_organisation_admin, is_organisation_member

    admin = MembershipFactory()
    staff = MembershipFactory(organisation=admin.organisation, role=MemberRole.STAFF)
    outsider = UserFactory(is_superuser=True)  # a superuser is no member: the rules say no
    organisation = admin.organisation
    assert is_organisation_member(admin.user, organisation)
    assert is_organisation_admin(admin.user, organisation)
    assert is_organisation_member(staff.user, organisation)
    assert not is_organisation_admin(staff.user, organisation)
    assert not is_organisation_member(outsider, organisation)
    assert not is_organisation_member(staff.user, None)
    assert rules.test_rule("organisations.manage_members", admin.user, organisation)
    assert not rules.test_rule("organisations.manage_members", staff.user, organisation)
    assert rules.test_rule("organisations.manage_sponsorships", staff.user, organisation)
    assert not rules.test_rule("organisations.access_organisation", outsider, organisation)
    assert staff.user.has_perm("organisations.claim_sme_status", organisation)
