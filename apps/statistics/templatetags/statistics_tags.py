"""``{{ value|published }}``: a figure, or "not published" (a dash on screen, words for a screen reader)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext

register = template.Library()


@register.filter
def published(value: Any, suffix: str = "") -> SafeString | str:
    if value is None:
        return format_html(
            '<span aria-hidden="true">–</span><span class="visually-hidden">{}</span>',
            gettext("not published"),
        )
    if isinstance(value, float):
        text = number_format(value, decimal_pos=1, use_l10n=True)
    else:
        text = number_format(value, decimal_pos=0, use_l10n=True, force_grouping=True)
    return f"{text}{suffix}"
