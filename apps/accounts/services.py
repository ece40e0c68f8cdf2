from django.contrib.auth.models import Group

from apps.accounts.models import User
from apps.accounts.roles import Role


def user_grant_role(*, user: User, role: Role) -> None:
    group, _created = Group.objects.get_or_create(name=role.value)
    user.groups.add(group)
