"""Who may do what with an organisation (django-rules; autodiscovered).

Tested with ``rules.test_rule`` in the selectors and views rather than ``user.has_perm``:
``has_perm`` lets a superuser through everything, and an organisation's pages are for its members.
The same predicates are also registered as permissions for templates and the admin.
"""

from __future__ import annotations

from typing import Any

import rules

from apps.organisations.models import MemberRole, Membership, Organisation


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


@rules.predicate
def is_organisation_member(user: Any, organisation: Organisation | None) -> bool:
    if organisation is None or not _signed_in(user):
        return False
    return Membership.objects.filter(organisation=organisation, user=user).exists()


@rules.predicate
def is_organisation_admin(user: Any, organisation: Organisation | None) -> bool:
    if organisation is None or not _signed_in(user):
        return False
    return Membership.objects.filter(organisation=organisation, user=user, role=MemberRole.ADMIN).exists()


PERMISSIONS = {
    "organisations.access_organisation": is_organisation_member,
    "organisations.manage_members": is_organisation_admin,
    "organisations.claim_sme_status": is_organisation_member,
    "organisations.manage_sponsorships": is_organisation_member,
}

for name, predicate in PERMISSIONS.items():
    rules.add_rule(name, predicate)
    rules.add_perm(name, predicate)
