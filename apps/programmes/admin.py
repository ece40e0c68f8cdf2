"""Site administrators appoint officers here. Roster entries are deliberately not in the admin:
a roster is for its programme's officers only (policy.md section 5)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from apps.accounts.roles import Role
from apps.accounts.services import user_grant_role
from apps.programmes.models import ProgrammeOfficer


@admin.register(ProgrammeOfficer)
class ProgrammeOfficerAdmin(admin.ModelAdmin):
    list_display = ("user", "programme", "created_at")
    list_filter = ("programme",)
    list_select_related = ("user", "programme")
    search_fields = ("user__email", "user__full_name")
    autocomplete_fields = ("user",)

    def save_model(self, request: HttpRequest, obj: ProgrammeOfficer, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        # A membership gives no access without the role (rules.py), so appointing grants it.
        user_grant_role(user=obj.user, role=Role.PROGRAMME_OFFICER)
