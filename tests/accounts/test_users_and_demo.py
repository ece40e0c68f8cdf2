import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import IntegrityError, transaction

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.rubric.models import EngineeringSchool

pytestmark = pytest.mark.django_db


def test_users_log_in_with_email_and_emails_are_unique_ignoring_case():
    User.objects.create_user("Person@Example.org", "a-long-password")
    assert User.objects.get(email="Person@example.org").check_password("a-long-password")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("person@example.org", "another-password")


def test_every_role_exists_as_a_group():
    assert set(Group.objects.values_list("name", flat=True)) >= {role.value for role in Role}


def test_load_demo_is_idempotent_and_labels_demo_reference_data():
    from apps.cases.models import Case, CaseStatus
    from apps.demo.management.commands.load_demo import DEMO_USERS

    call_command("load_demo", stdout=None)
    users, cases = User.objects.count(), Case.objects.count()
    call_command("load_demo", stdout=None)
    assert (User.objects.count(), Case.objects.count()) == (users, cases)
    for email, _name, role in DEMO_USERS:
        assert User.objects.get(email=email).has_role(role)
    assert set(Case.objects.values_list("status", flat=True)) == set(CaseStatus.values)  # every state
    reviewer = User.objects.get(email="reviewer@demo.ktechpass.kr")
    assert reviewer.has_role(Role.REVIEWER)
    assert not reviewer.has_role(Role.APPLICANT)
    assert EngineeringSchool.objects.filter(is_demo=True).count() == 16
    assert EngineeringSchool.objects.filter(is_demo=False).count() == 0


def test_load_demo_leaves_an_imported_official_list_alone():
    EngineeringSchool.objects.create(name="Official Institute", rank=3, is_demo=False)
    call_command("load_demo", stdout=None)
    assert list(EngineeringSchool.objects.values_list("name", flat=True)) == ["Official Institute"]
