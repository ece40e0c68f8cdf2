"""``{% load menu %}{% main_menu user as menu %}``: which role items the main menu shows (apps.accounts.landing)."""

from typing import Any

from django import template

from apps.accounts.landing import Menu, menu_for

register = template.Library()


@register.simple_tag
def main_menu(user: Any) -> Menu:
    return menu_for(user)
