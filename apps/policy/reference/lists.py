"""The five reference lists as the pages show them: names, columns and what a search looks in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from apps.rubric.reference_import import KINDS, ReferenceKind, compared_columns

COLUMN_LABELS: dict[str, Promise] = {
    "name": _("Name (English)"),
    "name_ko": _("Name (Korean)"),
    "rank": _("Rank"),
    "country": _("Country"),
    "list_year": _("List year"),
    "year": _("Year"),
    "amount_krw": _("Amount (KRW)"),
    "published_on": _("Published on"),
    "source": _("Source"),
    "code": _("Code"),
    "is_active": _("In use"),
    "ministry": _("Ministry (English)"),
    "ministry_ko": _("Ministry (Korean)"),
    "is_demo": _("Demo data"),
}


@dataclass(frozen=True)
class ReferenceList:
    kind_name: str
    title: Promise
    description: Promise
    search_fields: tuple[str, ...]
    columns: tuple[str, ...]  # shown when browsing, in this order

    @property
    def kind(self) -> ReferenceKind:
        return KINDS[self.kind_name]

    def rows(self) -> QuerySet[Any]:
        return self.kind.model._default_manager.all()

    def search(self, query: str) -> QuerySet[Any]:
        rows = self.rows()
        query = query.strip()
        if not query:
            return rows
        condition = Q()
        for name in self.search_fields:
            condition |= Q(**{f"{name}__icontains": query})
        if query.isdigit() and "year" in self.kind.columns:
            condition |= Q(year=int(query))
        if query.isdigit() and "rank" in self.kind.columns:
            condition |= Q(rank=int(query))
        return rows.filter(condition)

    def recorded_columns(self) -> list[tuple[str, Promise]]:
        return [(name, COLUMN_LABELS[name]) for name in compared_columns(self.kind)]


LISTS: dict[str, ReferenceList] = {
    item.kind_name: item
    for item in (
        ReferenceList(
            "schools",
            _("Engineering schools"),
            _("Engineering schools with their rank; an unranked school has no rank."),
            ("name", "name_ko", "country"),
            ("rank", "name", "name_ko", "country"),
        ),
        ReferenceList(
            "fortune500",
            _("Fortune Global 500 companies"),
            _("Companies on the Fortune Global 500 list, with their rank and the list's year."),
            ("name", "name_ko"),
            ("rank", "name", "name_ko", "list_year"),
        ),
        ReferenceList(
            "gni",
            _("Per-capita GNI by year"),
            _("Korea's per-capita gross national income, in won, and when each figure was published."),
            ("source",),
            ("year", "amount_krw", "published_on", "source"),
        ),
        ReferenceList(
            "fields",
            _("Strategic fields"),
            _("The high-tech fields that count as strategic; a field not in use counts as any other field."),
            ("code", "name", "name_ko"),
            ("code", "name", "name_ko", "is_active"),
        ),
        ReferenceList(
            "programmes",
            _("Government programmes"),
            _("The government recruitment programmes whose scholars may use the programme track."),
            ("code", "name", "name_ko", "ministry", "ministry_ko"),
            ("code", "name", "name_ko", "ministry", "ministry_ko", "is_active"),
        ),
    )
}


def reference_list(kind: str) -> ReferenceList:
    if kind not in LISTS:
        raise Http404
    return LISTS[kind]
