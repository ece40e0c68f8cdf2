"""Reading the cells of an imported CSV row: each reader returns the value or raises ``RowError``
with a message for the person who made the file (reported with its line number by the caller).

Shared by every import of a list (the rubric's reference lists, the programmes' rosters), so a cell
means the same in each file.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _


class RowError(ValueError):
    """A cell that cannot be read; its message says why, in the reader's language."""


def required_text(value: str) -> str:
    if not value.strip():
        raise RowError(_("must not be empty"))
    return value.strip()


def optional_text(value: str) -> str:
    return value.strip()


def iso_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise RowError(_("%(value)r is not a date in the form YYYY-MM-DD") % {"value": value}) from None
