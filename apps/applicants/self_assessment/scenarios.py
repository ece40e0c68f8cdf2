"""Saved self-assessment scenarios: named sets of answers a signed-in person keeps and compares."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.applicants.models import Scenario
from apps.core.text import one_line
from apps.rubric.answers import answer_fields

MAX_SCENARIOS = 20  # per person: enough to weigh offers, few enough to compare
COMPARE_AT_MOST = 4  # columns side by side
ANSWER_PARAMETERS = ("version",)  # kept with the answers: the rules they were tried under


def scenario_answers(query: Mapping[str, Any]) -> dict[str, str]:
    """The answers in a query string (the form's names only; nothing else is kept)."""
    names = (*answer_fields(), *ANSWER_PARAMETERS)
    return {name: str(query.get(name, ""))[:255] for name in names if query.get(name) not in (None, "")}


def scenario_save(*, user: User, name: str, query: Mapping[str, Any]) -> Scenario:
    """Save the answers under ``name``; a scenario of that name is replaced (its answers updated)."""
    name = one_line(name).strip()
    if not name:
        raise ValidationError({"name": _("Give the scenario a name, for example “Offer from Hanbit”.")})
    answers = scenario_answers(query)
    if not answers:
        raise ValidationError({"name": _("Answer at least one question before saving a scenario.")})
    with transaction.atomic():
        existing = Scenario.objects.select_for_update().filter(user=user, name=name).first()
        if existing is None and Scenario.objects.filter(user=user).count() >= MAX_SCENARIOS:
            raise ValidationError(
                {
                    "name": _("You have %(count)s saved scenarios: delete one first.")
                    % {"count": MAX_SCENARIOS}
                }
            )
        scenario, _created = Scenario.objects.update_or_create(
            user=user, name=name, defaults={"answers": answers}
        )
    return scenario


def scenario_delete(*, user: User, scenario_id: int) -> bool:
    deleted, _rows = Scenario.objects.filter(user=user, pk=scenario_id).delete()
    return bool(deleted)


def scenarios_of(user: User) -> list[Scenario]:
    return list(Scenario.objects.filter(user=user))
