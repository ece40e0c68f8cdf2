"""``{% load programmes_tags %}{% if user|keeps_a_roster %}``: show the roster link to officers who keep one."""

from django import template

from apps.programmes import selectors

register = template.Library()


# The selector itself, so the filter and the landing page share one definition.
register.filter("keeps_a_roster", selectors.keeps_a_roster)
