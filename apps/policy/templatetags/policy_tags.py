"""``{% load policy_tags %}{% if user|is_policy_administrator %}``: show the policy pages' link."""

from typing import Any

from django import template

from apps.policy import access

register = template.Library()


@register.filter
def is_policy_administrator(user: Any) -> bool:
    return access.is_policy_administrator(user)
