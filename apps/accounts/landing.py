"""Where a person lands after signing in, and which menu items their roles can use (decision 50).

Roles are groups (apps.accounts.roles); this module reads them once per request (kept on the user
object) and knows nothing of the apps above it. Where each role lands is looked up by the landing
view (apps.applicants.landing), which may read cases and organisations; here is only the order.

A person with several roles lands on the home of the first role in ``LANDING_ORDER``: the roles an
administrator grants for official work come before the ones a person gives themselves (joining an
employer, applying), and among them the one with the widest view first. A local ``next`` always
wins over any of them (apps.accounts.adapter).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from apps.accounts.roles import Role

LANDING_ORDER: tuple[Role, ...] = (
    Role.POLICY_ADMINISTRATOR,
    Role.SUPERVISOR,
    Role.REVIEWER,
    Role.PROGRAMME_OFFICER,
    Role.EMPLOYER,
    Role.APPLICANT,
)

# Roles granted by an administrator for official work. Holding one of them (and no applicant or
# employer role) means the applicant's and employer's menu items are not for you.
OFFICIAL_ROLES = frozenset(
    {Role.REVIEWER, Role.SUPERVISOR, Role.PROGRAMME_OFFICER, Role.POLICY_ADMINISTRATOR}
)
_CACHE_ATTRIBUTE = "_held_roles"


def held_roles(user: Any) -> frozenset[Role]:
    """The roles ``user``'s groups grant (one query per request, kept on the user object).

    Nobody signs up with a group: a signed-in person without one is treated as an applicant (that
    is what anyone may do), so the result for them is ``{APPLICANT}``; anonymous visitors hold none.
    """
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    known: frozenset[Role] | None = getattr(user, _CACHE_ATTRIBUTE, None)
    if known is None:
        values = set(user.groups.filter(name__in=Role.values).values_list("name", flat=True))
        known = frozenset(Role(value) for value in values) or frozenset({Role.APPLICANT})
        setattr(user, _CACHE_ATTRIBUTE, known)
    return known


def roles_in_landing_order(user: Any) -> list[Role]:
    roles = held_roles(user)
    return [role for role in LANDING_ORDER if role in roles]


@dataclass(frozen=True, slots=True)
class Menu:
    """Which of the main menu's role items a person sees (templates/includes/menu.html).

    - eligibility check and "My applications": applicants, that is people with the applicant role or
      with no role at all (everyone who signs up); the check also for anonymous visitors;
    - "Employer": employer members, and people who may register an organisation, that is anyone
      signed in who holds no official role (an official's own organisation would be a conflict);
    - ministry, rosters, policy: the officials who hold those roles (templates ask the role apps
      for the finer checks, such as a programme officer keeping at least one roster);
    - "API" is not in the menu for anyone: the API's documentation is linked from the footer.
    """

    signed_in: bool
    applicant: bool
    employer: bool
    ministry: bool
    programme_officer: bool
    policy_administrator: bool

    @property
    def eligibility(self) -> bool:
        return not self.signed_in or self.applicant


def menu_for(user: Any) -> Menu:
    roles = held_roles(user)
    signed_in = bool(getattr(user, "is_authenticated", False))
    official = bool(roles & OFFICIAL_ROLES)
    member = Role.EMPLOYER in roles
    return Menu(
        signed_in=signed_in,
        applicant=Role.APPLICANT in roles,
        employer=signed_in and (member or not official),
        ministry=bool(roles & {Role.REVIEWER, Role.SUPERVISOR}),
        programme_officer=Role.PROGRAMME_OFFICER in roles,
        policy_administrator=Role.POLICY_ADMINISTRATOR in roles,
    )
