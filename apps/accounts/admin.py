from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from apps.accounts.enrolment import grant_issue
from apps.accounts.models import EnrolmentGrant, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ("email",)
    list_display = ("email", "full_name", "is_staff", "is_active", "date_joined")
    search_fields = ("email", "full_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("full_name", "preferred_language")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    actions = ("send_enrolment_link",)

    @admin.action(description=_("Send a two-factor enrolment link"), permissions=("change",))
    def send_enrolment_link(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        """E-mail each selected staff member a single-use link to set up their authenticator."""
        assert isinstance(request.user, User)
        sent = 0
        for user in queryset:
            try:
                grant_issue(user=user, by=request.user, via=EnrolmentGrant.Channel.ADMIN)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.WARNING)
            except (
                OSError
            ) as error:  # SMTP failed (smtplib's errors are OSErrors): rolled back, their earlier link works
                self.message_user(
                    request,
                    _("Could not e-mail %(email)s (%(error)s); nothing changed for them.")
                    % {"email": user.email, "error": error},
                    messages.ERROR,
                )
            else:
                sent += 1
        if sent:
            self.message_user(
                request,
                ngettext(
                    "Enrolment link sent to %(count)d person.",
                    "Enrolment links sent to %(count)d people.",
                    sent,
                )
                % {"count": sent},
                messages.SUCCESS,
            )


@admin.register(EnrolmentGrant)
class EnrolmentGrantAdmin(admin.ModelAdmin):
    """The audit of enrolment grants: read-only (issue them with the users' action)."""

    list_display = (
        "user",
        "issued_by_name",
        "issued_via",
        "issued_at",
        "expires_at",
        "used_at",
        "enrolled_at",
        "revoked_at",
    )
    list_filter = ("issued_via",)
    search_fields = ("user__email", "issued_by_name")
    readonly_fields = [field.name for field in EnrolmentGrant._meta.fields if field.name != "token_hash"]
    exclude = ("token_hash",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: EnrolmentGrant | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: EnrolmentGrant | None = None) -> bool:
        return False
