"""The policy administrator's pages (issue 10). Thin: reads come from selectors, changes from services."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from apps.policy.access import policy_administrator_required


@policy_administrator_required
def home(request: HttpRequest) -> HttpResponse:
    """Where a policy administrator lands: the versions, simulations and reference lists."""
    return render(request, "policy/home.html")
