"""``{% load ktp %}``: the service's shared wording for templates and e-mails (decision 50).

- ``{{ value|when }}``: a date-time in Korea time, "7 December 2026, 14:05 KST" /
  "2026년 12월 7일 14:05 (KST)"; ``{{ value|when:"date" }}`` (or a ``date``): "7 December 2026" /
  "2026년 12월 7일". Use it for every date a person reads (``|date:"c"`` stays for ``<time datetime>``).
- ``{% greeting name %}``: an e-mail's first line, "Dear Priya Raman," / "Priya Raman님, 안녕하세요.",
  or "Hello," / "안녕하세요." when the name is not known. Every e-mail opens with it.
"""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils.translation import gettext

from apps.core.dates import format_when

register = template.Library()


@register.filter
def when(value: dt.datetime | dt.date | str | None, arg: str = "") -> str:
    if value is None or value == "":
        return ""
    if not isinstance(value, dt.date):  # a string, say: shown as it is rather than dropped
        return str(value)
    if arg not in ("", "date"):
        raise template.TemplateSyntaxError(f'when: expected no argument or "date", got {arg!r}')
    return format_when(value, date_only=arg == "date")


@register.simple_tag
def greeting(name: object = "") -> str:
    text = str(name or "").strip()
    if not text:
        return gettext("Hello,")
    return gettext("Dear %(name)s,") % {"name": text}
