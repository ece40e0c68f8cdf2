"""Site administrators can look up organisations, members, invitations and SME claims.

Changes to members and claims belong to the services (they check who acts and keep the rules,
such as "never remove the last administrator"), so most of this admin is read-only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from apps.organisations.models import (
    Invitation,
    Membership,
    MembershipPeriod,
    Organisation,
    OwnershipClaim,
    SmeClaim,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ("user", "role", "joined_at")
    readonly_fields = ("user", "role", "joined_at")
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "formatted_brn", "sector", "size_class", "created_at")
    list_filter = ("size_class",)
    search_fields = ("name", "business_registration_number")
    readonly_fields = ("created_at", "created_by", "verified_at", "verified_by")  # decided by reviewers
    inlines = (MembershipInline,)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "role", "joined_at")
    list_filter = ("role",)
    list_select_related = ("user", "organisation")
    search_fields = ("user__email", "organisation__name")
    readonly_fields = ("organisation", "user", "role", "joined_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("email", "organisation", "created_at", "expires_at", "accepted_at", "revoked_at")
    list_select_related = ("organisation",)
    search_fields = ("email", "organisation__name")
    exclude = ("token",)  # the token is a secret that lets its holder join
    readonly_fields = (
        "organisation",
        "email",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "revoked_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(SmeClaim)
class SmeClaimAdmin(admin.ModelAdmin):
    list_display = ("organisation", "status", "valid_from", "valid_to", "submitted_at", "reviewed_at")
    list_filter = ("status",)
    list_select_related = ("organisation",)
    search_fields = ("organisation__name",)
    exclude = ("certificate",)  # served only as an attachment through the employer pages
    readonly_fields = (
        "organisation",
        "certificate_name",
        "certificate_content_type",
        "certificate_size",
        "certificate_sha256",
        "valid_from",
        "valid_to",
        "status",
        "submitted_by",
        "submitted_at",
        "reviewed_by",
        "reviewed_at",
        "review_reason",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(OwnershipClaim)
class OwnershipClaimAdmin(admin.ModelAdmin):
    """Business registration certificates: decided on the ministry's pages, read-only here."""

    list_display = ("organisation", "kind", "status", "submitted_by", "submitted_at", "reviewed_at")
    list_filter = ("kind", "status")
    list_select_related = ("organisation", "submitted_by")
    search_fields = (
        "organisation__name",
        "organisation__business_registration_number",
        "submitted_by__email",
    )
    exclude = ("certificate",)
    readonly_fields = (
        "organisation",
        "kind",
        "certificate_name",
        "certificate_content_type",
        "certificate_size",
        "certificate_sha256",
        "note",
        "status",
        "submitted_by",
        "submitted_at",
        "reviewed_by",
        "reviewed_at",
        "review_reason",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(MembershipPeriod)
class MembershipPeriodAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "role", "started_at", "ended_at")
    list_select_related = ("user", "organisation")
    search_fields = ("user__email", "organisation__name")
    readonly_fields = ("organisation", "user", "role", "started_at", "ended_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
