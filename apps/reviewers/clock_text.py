"""The processing clock in words, the same on the queue and in the workspace.

"3 days left", "Due today", "Overdue today" (past the due time on the due day), "2 days overdue";
"Paused (...)" around any of them while the clock is stopped, so a paused clock never reads as a
negative number of days left.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def clock_text(*, days_left: int, overdue: bool, paused: bool) -> str:
    """``days_left`` in calendar days in Korea and ``overdue`` by the instant (apps.cases.clock)."""
    text = _running_text(days_left, overdue)
    return _("Paused (%(clock)s)") % {"clock": text} if paused else text


def _running_text(days: int, overdue: bool) -> str:
    if overdue:
        if days >= 0:  # past the due time, still the due day
            return _("Overdue today")
        return ngettext("%(days)d day overdue", "%(days)d days overdue", -days) % {"days": -days}
    if days == 0:
        return _("Due today")
    return ngettext("%(days)d day left", "%(days)d days left", days) % {"days": days}
