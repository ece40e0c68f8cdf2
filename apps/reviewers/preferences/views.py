"""A reviewer's or supervisor's reminder settings: single e-mails or one daily digest."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from apps.accounts.models import User
from apps.notifications.reminders import DIGEST_TIME, reminder_preference_for, set_reminder_preference
from apps.reviewers.access import ministry_required

SINGLE = "single"
DIGEST = "digest"


class ReminderPreferenceForm(forms.Form):
    delivery = forms.ChoiceField(
        label=gettext_lazy("How do you want your reminders?"), widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        digest_time = DIGEST_TIME.strftime("%H:%M")
        field = self.fields["delivery"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (SINGLE, _("One e-mail for each reminder, as soon as it is due")),
            (
                DIGEST,
                _("One daily digest instead of single e-mails, each morning at %(time)s (Korea time)")
                % {"time": digest_time},
            ),
        ]


@ministry_required
@require_http_methods(["GET", "POST"])
def reminder_preferences(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)  # ministry_required lets only signed-in staff through
    current = DIGEST if reminder_preference_for(user).daily_digest else SINGLE
    form = ReminderPreferenceForm(request.POST or None, initial={"delivery": current})
    if request.method == "POST" and form.is_valid():
        digest = form.cleaned_data["delivery"] == DIGEST
        set_reminder_preference(user=user, daily_digest=digest)
        if digest:
            messages.success(
                request,
                _("Saved. Your reminders will come in one daily digest at %(time)s.")
                % {"time": DIGEST_TIME.strftime("%H:%M")},
            )
        else:
            messages.success(request, _("Saved. Each reminder will come in its own e-mail."))
        return redirect("ministry:preferences")
    return render(request, "reviewers/preferences.html", {"form": form, "ministry_section": "preferences"})
