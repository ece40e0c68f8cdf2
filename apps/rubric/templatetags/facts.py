"""Template tags for how a fact is called and reads (the catalogue's words, in the active language).

{% load facts %}{% fact_label "offered_salary_krw" %}
{% fact_line "offered_salary_krw" sponsorship.offered_salary_krw %}  ->  "Offered annual salary (KRW): 150,000,000"
"""

from __future__ import annotations

from typing import Any

from django import template

from apps.rubric.wording import fact_label as label_of
from apps.rubric.wording import fact_value

register = template.Library()


@register.simple_tag
def fact_label(code: str) -> str:
    return label_of(code)


@register.simple_tag
def fact_line(code: str, value: Any) -> str:
    """The fact's label and its value in words ("Sponsor is an SME: Yes")."""
    return f"{label_of(code)}: {fact_value(code, value, {})}"
