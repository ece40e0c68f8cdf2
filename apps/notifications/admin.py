"""Reminders in the admin: a read-only record of what was owed and when it went."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from apps.notifications.models import Reminder


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ("case", "kind", "threshold", "clock_period", "recipient", "created_at", "held", "sent_at")
    list_filter = ("kind", "held")
    list_select_related = ("case", "recipient")
    search_fields = ("case__reference",)
    ordering = ("-pk",)  # the primary key's index: no sort over millions of rows
    show_full_result_count = False  # no COUNT(*) over the whole table on every page
    raw_id_fields = ("case", "recipient", "notification")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Reminder | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Reminder | None = None) -> bool:
        return False
