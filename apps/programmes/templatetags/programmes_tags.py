"""``{% load programmes_tags %}{% if user|is_programme_officer %}``: show the roster link to officers."""

from typing import Any

from django import template

from apps.programmes import selectors

register = template.Library()


@register.filter
def is_programme_officer(user: Any) -> bool:
    """True for a signed-in user with the role who keeps at least one programme (one query)."""
    return selectors.is_programme_officer(user)
