"""The case workspace (issue 4). Placeholder page until the workspace lands: the queue links here."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from apps.reviewers.access import get_case_for_ministry, ministry_required


@ministry_required
def case_workspace(request: HttpRequest, reference: str) -> HttpResponse:
    case = get_case_for_ministry(request.user, reference)  # type: ignore[arg-type]
    return render(request, "reviewers/workspace.html", {"case": case, "ministry_section": "queue"})
