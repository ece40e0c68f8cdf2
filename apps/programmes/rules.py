"""Who may keep a roster (django-rules; autodiscovered).

Tested with ``rules.test_rule`` rather than ``user.has_perm``: ``has_perm`` lets a superuser through
everything, and a roster belongs to its programme's officers only.
"""

from __future__ import annotations

from typing import Any

import rules

from apps.accounts.roles import Role
from apps.programmes.models import ProgrammeOfficer
from apps.rubric.models import GovernmentProgramme


@rules.predicate
def has_programme_officer_role(user: Any) -> bool:
    """The role alone (no programme needed): may open the rosters' pages at all."""
    return bool(getattr(user, "is_authenticated", False)) and user.has_role(Role.PROGRAMME_OFFICER)


@rules.predicate
def keeps_programme(user: Any, programme: GovernmentProgramme | None) -> bool:
    if programme is None or not getattr(user, "is_authenticated", False):
        return False
    return ProgrammeOfficer.objects.filter(user=user, programme=programme).exists()


# Both: taking the role away ends access even while the membership row remains.
can_keep_roster = has_programme_officer_role & keeps_programme

rules.add_rule("programmes.use_rosters", has_programme_officer_role)
rules.add_rule("programmes.keep_roster", can_keep_roster)
