"""``{% load ministry_tags %}{% if user|is_ministry %}``: show ministry links to reviewers and supervisors."""

from typing import Any

from django import template

from apps.reviewers.access import is_supervisor, ministry_roles

register = template.Library()


@register.filter
def is_ministry(user: Any) -> bool:
    return bool(ministry_roles(user))


@register.filter
def is_ministry_supervisor(user: Any) -> bool:
    return is_supervisor(user)
