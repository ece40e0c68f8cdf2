"""The ministry's pages that shared apps link to (apps.core.links, decision 53)."""

from __future__ import annotations

from django.urls import reverse

from apps.cases.models import Case
from apps.core.links import register


def _ministry_case(*, case: Case) -> str:
    return reverse("ministry:case", args=[case.reference])


def _reminder_preferences() -> str:
    return reverse("ministry:preferences")


register("ministry_case", _ministry_case)  # the case's workspace for ministry staff
register("reminder_preferences", _reminder_preferences)  # single e-mails or one daily digest
