"""``{% load links %}``: ``{% link "case_status" case=case %}``, a page's absolute URL from the one
registry of links (apps.core.links, decision 53), for e-mails and shared templates."""

from __future__ import annotations

from django import template

from apps.core import links

register = template.Library()


@register.simple_tag(name="link")
def link_tag(name: str, **kwargs: object) -> str:
    return links.link(name, **kwargs)
