"""Small helpers every page of /apply/ uses."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.functional import Promise

from apps.accounts.models import User
from apps.cases.models import Case, Track


def user_of(request: HttpRequest) -> User:
    """The signed-in person (every view here is behind ``login_required``)."""
    assert isinstance(request.user, User)
    return request.user


def add_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """A service's refusal, shown at the top of the form."""
    for message in error.messages:
        form.add_error(None, message)


def to_status(case: Case) -> HttpResponse:
    return redirect("application:status", reference=case.reference)


def track_label(case: Case) -> str | Promise:
    return Track(case.track).label if case.track else ""
