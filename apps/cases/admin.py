"""Site administrators can look cases up; every change goes through the services and transitions.

This is also the baseline the ministry queue is benchmarked against (bench/ministry_queue.py): a
changelist set up the way a careful engineer would set it up for a large table, not a straw man.
The list reads one table plus the assignee (``list_select_related``), sorts on the indexed due date
(``ordering``, the same order as the queue's partial index ``case_open_due_idx``), filters on
plain columns, searches the queue's copied name columns, and skips the unfiltered ``COUNT(*)`` of
the whole table that Django's default ``show_full_result_count`` would run on every page. What it
keeps is what the admin is built on: a ``COUNT(*)`` of the filtered rows for its paginator, and
``OFFSET`` pages.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from apps.cases.models import Case, CaseDocument, CaseEvent


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CaseEventInline(ReadOnlyInline):
    model = CaseEvent
    fields = ("at", "kind", "from_status", "to_status", "actor", "reason")
    readonly_fields = fields


class CaseDocumentInline(ReadOnlyInline):
    model = CaseDocument
    # The file itself is served only through the authorising download view, never from the admin.
    fields = ("kind", "original_name", "content_type", "size", "uploaded_by", "uploaded_at")
    readonly_fields = fields


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ("reference", "applicant_name", "status", "track", "field", "assigned_to", "due_at")
    list_filter = ("status", "track", "sme_claimed")
    search_fields = ("reference", "applicant_name", "employer_name")
    list_select_related = ("assigned_to",)
    ordering = ("due_at", "id")
    list_per_page = 25
    show_full_result_count = False  # no COUNT(*) of the whole table on each page
    raw_id_fields = ("applicant", "assigned_to", "roster_confirmed_by", "rubric_version")
    exclude = ("search_text", "search_grams")  # the queue's search index, derived from the names
    inlines = (CaseEventInline, CaseDocumentInline)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
