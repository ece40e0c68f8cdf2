"""Who, among policy administrators, may see case references in a simulation's result.

A changed case is listed by its reference only, and only to staff whose role lets them open cases
(reviewers and supervisors, as ``apps.reviewers.access`` decides for ministry pages). A policy
administrator without such a role sees the counts, never a reference. Read here from the groups,
since ``apps.policy`` does not import a role app.
"""

from __future__ import annotations

from typing import Any

from apps.accounts.roles import Role

CASE_ROLES = (Role.REVIEWER, Role.SUPERVISOR)


def may_see_cases(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    known: bool | None = getattr(user, "_may_see_cases", None)
    if known is None:
        known = user.groups.filter(name__in=CASE_ROLES).exists()
        user._may_see_cases = known
    return known
