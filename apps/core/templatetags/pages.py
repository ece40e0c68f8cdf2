"""``{% load pages %}``: the links of the one pagination partial, ``templates/includes/pagination.html``.

- ``{% page_url param number %}``: the current query string with ``param`` set to ``number``, so a
  page with two lists (members and invitations) keeps the other list's page, and a search its terms.
- ``{% elided_pages page as pages %}``: the page numbers to show (the first, the last, two either
  side of the current one, ``…`` for the gaps), for callers that do not pass their own ``page_range``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import template
from django.core.paginator import Page

register = template.Library()


@register.simple_tag(takes_context=True)
def page_url(context: dict[str, Any], param: str, number: int) -> str:
    query = context["request"].GET.copy()
    query[param] = str(number)
    return f"?{query.urlencode()}"


@register.simple_tag
def elided_pages(page: Page) -> Iterator[str | int]:
    return page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
