"""The grammar of explanations: whole, translatable sentence frames with named placeholders.

What a fact is called and how it reads is data (the catalogue, a version's ``says``); how sentences
are put together ("<fact> (<band>): <points>.", "Total: ...", "... would add ...") is grammar, kept
here as gettext messages so Korean word order can differ. Translations are looked up once per language
and message and kept for the process (``Texts``): Django's ``gettext`` reads a context-local on every
call, which would dominate a score built from some thirty sentences.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext, gettext_noop, ngettext, npgettext

# ---- parts of a criterion's explanation
PART = gettext_noop("%(fact)s: %(points)s.")
PART_IN_BAND = gettext_noop("%(fact)s (%(band)s): %(points)s.")
TOTAL = gettext_noop("Total: %(points_of_max)s.")
TOTAL_CAPPED = gettext_noop("Total: %(points_of_max)s (capped at the maximum).")
IF_MET = gettext_noop("Condition met: %(points)s.")
IF_UNMET = gettext_noop("Condition not met: %(points)s.")
ANY_NONE = gettext_noop("None of the conditions is met: %(points)s.")

# ---- how a band reads ("8 years or more")
BAND_AT_LEAST = gettext_noop("%(value)s or more")
BAND_MORE_THAN = gettext_noop("more than %(value)s")
BAND_AT_MOST = gettext_noop("%(value)s or less")
BAND_BELOW = gettext_noop("below %(value)s")
BAND_BETWEEN = gettext_noop("%(low)s to %(high)s")
BAND_FROM_BELOW = gettext_noop("%(low)s or more and below %(high)s")
BAND_ABOVE_TO = gettext_noop("more than %(low)s and up to %(high)s")
BAND_ABOVE_BELOW = gettext_noop("more than %(low)s and below %(high)s")
BAND_NONE = gettext_noop("in no band")
BAND_EXACTLY = gettext_noop("exactly %(value)s")
RANK_TOP = gettext_noop("top %(max_rank)s")
RANK_RANGE = gettext_noop("rank %(low)s-%(high)s")
RANK_OTHER = gettext_noop("other")
TIMES = gettext_noop("%(times)s times")
# A money value shown against a reference quantity it is measured in multiples of.
VALUE_AS_MULTIPLE = gettext_noop("%(fact)s is %(ratio)s times the %(year)s %(quantity)s of %(amount)s")
SCALE_VALUE = gettext_noop("%(value)s of %(of)s")

# ---- next steps
STEP = gettext_noop("%(fact)s would add %(points)s.")
STEP_CONDITION = gettext_noop("Meeting this condition would add %(points)s.")

# ---- track reasons
ROOT_ANY_MET = gettext_noop("Eligible: at least one of the conditions below is met.")
ROOT_ANY_UNMET = gettext_noop("Not eligible: none of the conditions below is met.")
ROOT_ALL_MET = gettext_noop("Eligible: all of the conditions below are met.")
ROOT_ALL_UNMET = gettext_noop("Not eligible: not all of the conditions below are met.")
ROOT_NOT_MET = gettext_noop("Eligible: the condition below does not hold.")
ROOT_NOT_UNMET = gettext_noop("Not eligible: the condition below holds.")
NOT_MET = gettext_noop("The next condition does not hold: met.")
NOT_UNMET = gettext_noop("The next condition holds: not met.")

COMPARE: Mapping[str, tuple[str, str]] = {
    ">=": (
        gettext_noop("%(fact)s, at least the required %(value)s."),
        gettext_noop("%(fact)s; at least %(value)s is required."),
    ),
    ">": (
        gettext_noop("%(fact)s, more than the required %(value)s."),
        gettext_noop("%(fact)s; more than %(value)s is required."),
    ),
    "<=": (
        gettext_noop("%(fact)s, at most the allowed %(value)s."),
        gettext_noop("%(fact)s; at most %(value)s is allowed."),
    ),
    "<": (
        gettext_noop("%(fact)s, less than the limit of %(value)s."),
        gettext_noop("%(fact)s; less than %(value)s is required."),
    ),
    "=": (
        gettext_noop("%(fact)s, as required (%(value)s)."),
        gettext_noop("%(fact)s; %(value)s is required."),
    ),
    "!=": (
        gettext_noop("%(fact)s, not %(value)s, as required."),
        gettext_noop("%(fact)s; anything but %(value)s is required."),
    ),
}
RANK_COMPARE: Mapping[str, tuple[str, str]] = {
    "<=": (
        gettext_noop("%(fact)s, within the top %(value)s."),
        gettext_noop("%(fact)s, outside the top %(value)s."),
    ),
    "<": (
        gettext_noop("%(fact)s, better than rank %(value)s."),
        gettext_noop("%(fact)s; a rank better than %(value)s is required."),
    ),
}
RANK_UNSET = gettext_noop("%(fact)s; the top %(value)s is required.")
UNSET_UNMET = gettext_noop("%(fact)s; a value is required.")
MULTIPLE_COMPARE: Mapping[str, tuple[str, str]] = {
    ">=": (
        gettext_noop("%(fact)s is at least %(times)s times the %(year)s %(quantity)s (%(amount)s)."),
        gettext_noop(
            "%(fact)s is below %(times)s times the %(year)s %(quantity)s (%(amount)s or more is required)."
        ),
    ),
    ">": (
        gettext_noop("%(fact)s is more than %(times)s times the %(year)s %(quantity)s (%(amount)s or more)."),
        gettext_noop(
            "%(fact)s is not more than %(times)s times the %(year)s %(quantity)s (%(amount)s or more is required)."
        ),
    ),
    "<=": (
        gettext_noop("%(fact)s is at most %(times)s times the %(year)s %(quantity)s (%(amount)s)."),
        gettext_noop("%(fact)s is more than %(times)s times the %(year)s %(quantity)s (%(amount)s)."),
    ),
    "<": (
        gettext_noop("%(fact)s is below %(times)s times the %(year)s %(quantity)s (%(amount)s)."),
        gettext_noop("%(fact)s is not below %(times)s times the %(year)s %(quantity)s (%(amount)s)."),
    ),
}
IN_CHOICES = (
    gettext_noop("%(fact)s, one of %(allowed)s."),
    gettext_noop("%(fact)s, not one of %(allowed)s."),
)
NOT_IN_CHOICES = (
    gettext_noop("%(fact)s, not one of %(allowed)s."),
    gettext_noop("%(fact)s, one of %(allowed)s."),
)
IN_LIST = (gettext_noop("%(fact)s, on %(list)s."), gettext_noop("%(fact)s, not on %(list)s."))
IS_SET = (gettext_noop("%(fact)s."), gettext_noop("%(fact)s; a value is required."))
FLAG = (gettext_noop("%(fact)s."), gettext_noop("%(fact)s; the opposite is required."))
POINTS_COMPARE = (
    gettext_noop("%(of)s: %(actual)s, %(op)s %(value)s as required."),
    gettext_noop("%(of)s: %(actual)s; %(op)s %(value)s is required."),
)
TOTAL_NAME = gettext_noop("Total")
THRESHOLD_MET = gettext_noop("A total of %(total)s reaches the %(title)s of %(points)s.")
THRESHOLD_UNMET = gettext_noop("A total of %(total)s is below the %(title)s of %(points)s.")
THRESHOLD_CLAIMED = gettext_noop(
    "The total includes a claimed %(title)s of %(bonus)s, subject to verification."
)
OP_WORDS: Mapping[str, str] = {
    ">=": gettext_noop("at least"),
    ">": gettext_noop("more than"),
    "<=": gettext_noop("at most"),
    "<": gettext_noop("less than"),
    "=": gettext_noop("exactly"),
    "!=": gettext_noop("not"),
}


def n_points(count: int) -> str:
    return ngettext("%(count)s point", "%(count)s points", count)


def n_points_of_max(maximum: int) -> str:
    return ngettext("%(points)s of %(max)s point", "%(points)s of %(max)s points", maximum)


# A group of one reads the same whether "any" or "all"; the contexts keep the two catalogue entries
# (and their different plurals) apart.
def n_group_any_met(count: int) -> str:
    return npgettext(
        "any group", "The next condition: met.", "At least one of the next %(count)s conditions: met.", count
    )


def n_group_any_unmet(count: int) -> str:
    return npgettext(
        "any group",
        "The next condition: not met.",
        "At least one of the next %(count)s conditions: not met.",
        count,
    )


def n_group_all_met(count: int) -> str:
    return npgettext(
        "all group", "The next condition: met.", "All of the next %(count)s conditions together: met.", count
    )


def n_group_all_unmet(count: int) -> str:
    return npgettext(
        "all group",
        "The next condition: not met.",
        "All of the next %(count)s conditions together: not met.",
        count,
    )


class Texts(dict[Any, str]):
    """One language's messages, translated on first use: ``texts[msgid]`` or ``texts[(plural, n)]``.

    Finished phrases are kept here too under ``(helper, *args)`` keys, read with ``get`` (which never
    calls ``__missing__``); their arguments are small bounded integers.
    """

    __slots__ = ()

    def __missing__(self, key: Any) -> str:
        # Called with the language of this cache active, so gettext answers for it.
        value = gettext(key) if isinstance(key, str) else key[0](key[1])
        self[key] = value
        return value


# One Texts per language for the whole process: the grammar does not depend on the rubric version.
TEXTS_BY_LANGUAGE: dict[str | None, Texts] = {}


def plural_count(count: int) -> int:
    """A count with the same plural form as ``count`` but bounded, so memo keys stay few.

    Plural rules look at n, n % 10 and n % 100, all of which 100 + n % 100 keeps for n >= 100.
    """
    return count if count < 100 else 100 + count % 100


def points(texts: Texts, count: int) -> str:
    """ "4 points"; finished phrases are memoised too (keys bounded by the criteria maxima)."""
    key = (points, count)
    phrase = texts.get(key)
    if phrase is None:
        phrase = texts[key] = texts[(n_points, plural_count(count))] % {"count": count}
    return phrase


def points_of_max(texts: Texts, value: int, maximum: int) -> str:
    key = (points_of_max, value, maximum)
    phrase = texts.get(key)
    if phrase is None:
        phrase = texts[key] = texts[(n_points_of_max, plural_count(maximum))] % {
            "points": value,
            "max": maximum,
        }
    return phrase


def number_text(value: Decimal | int) -> str:
    """How a number reads: 7.50 -> "7.5", 8.0 -> "8", -0 -> "0", never an exponent. String work
    only: cheaper than Decimal arithmetic, and a number is formatted for every profile."""
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if "E" in text:
        text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text == "-0":  # a negative zero is not < 0; it reads as 0
        return "0"
    return text


def money_text(amount: int | Decimal) -> str:
    if isinstance(amount, int) or amount == amount.to_integral_value():
        return f"{int(amount):,}"
    return f"{amount:,}"


_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([a-z_]+)\}")


def fill(template: str, values: Mapping[str, str]) -> str:
    """A data template (``{name}`` placeholders, checked when the document was read) filled in, in
    one pass: a value is inserted as it is, never read as a template itself."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name is None:
            return match.group(0)[0]
        return values.get(name, match.group(0))

    return _PLACEHOLDER.sub(replace, template)
