"""Reads for the rosters. Every lookup an outsider could probe ends in ``Http404``."""

from __future__ import annotations

from typing import Any

import rules
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from apps.accounts.roles import Role
from apps.programmes.models import ProgrammeOfficer, RosterEntry
from apps.rubric.models import GovernmentProgramme


def keeps_a_roster(user: Any) -> bool:
    """The role and at least one programme, in one query (the navigation asks on every page).

    Stricter than the rule ``programmes.use_rosters`` (the role alone, ``rules.has_programme_officer_role``):
    this one decides whether a roster link is worth showing or a landing page worth sending to.
    """
    if not getattr(user, "is_authenticated", False):
        return False
    return ProgrammeOfficer.objects.filter(
        user=user, user__groups__name=Role.PROGRAMME_OFFICER.value
    ).exists()


def programmes_kept_by(user: Any) -> QuerySet[GovernmentProgramme]:
    """The programmes whose roster this user keeps, with their entry counts; none without the role."""
    if not rules.test_rule("programmes.use_rosters", user):
        return GovernmentProgramme.objects.none()
    return (
        GovernmentProgramme.objects.filter(officers__user=user)
        .annotate(entry_count=Count("roster_entries", distinct=True))
        .order_by("code")
    )


def roster_for(user: Any, programme_code: str) -> GovernmentProgramme:
    """The programme if ``user`` keeps its roster; otherwise 404, whether or not it exists."""
    programme = GovernmentProgramme.objects.filter(code=programme_code).first()
    if programme is None or not rules.test_rule("programmes.keep_roster", user, programme):
        raise Http404
    return programme


def roster_entries(programme: GovernmentProgramme, search: str = "") -> QuerySet[RosterEntry]:
    entries = RosterEntry.objects.filter(programme=programme)
    search = search.strip()
    if search:
        entries = entries.filter(Q(full_name__icontains=search) | Q(email__icontains=search))
    return entries.order_by("full_name", "pk")


def roster_entry_for(programme: GovernmentProgramme, entry_id: int) -> RosterEntry:
    """An entry of this programme only: another programme's entry under this URL is a 404."""
    entry = RosterEntry.objects.filter(programme=programme, pk=entry_id).first()
    if entry is None:
        raise Http404
    return entry
