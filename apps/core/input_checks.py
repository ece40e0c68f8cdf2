"""Requests that carry a NUL byte are refused before any view sees them (issue 13).

PostgreSQL cannot store or compare a text value with a NUL character (psycopg raises
``ValueError``), so a NUL that reached a query (a search box, a filter, a slug in the path) ended
as a 500. No person types a NUL; nothing legitimate sends one. ``NulByteMiddleware`` answers 400
with a short message instead, for a NUL anywhere in the path, the query string (names and values),
the form fields of a POST (names and values, multipart included) and the cookies: an HTML page for
people, and for paths under ``/api/`` a small RFC 9457 problem document
(``application/problem+json``).

It sits early in the chain (just after Django's SecurityMiddleware, before sessions, whose cookie
is looked up in the database). Reading ``request.POST`` here parses a form body once, as
CsrfViewMiddleware would a moment later; limits on the body (``DATA_UPLOAD_MAX_*``) raise as they
would in the view, and Django turns them into a 400. Bodies under ``/api/`` are left to the API:
its parser reads the stream itself (JSON only: a form body there is refused as 415, and a NUL in a
JSON string by the serializer), and a form parsed here first would reach it empty.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

Handler = Callable[[HttpRequest], HttpResponseBase]

NUL = "\x00"
API_PREFIX = "/api/"
PROBLEM_CONTENT_TYPE = "application/problem+json"


def _has_nul(pairs: Iterable[tuple[str, list[str]]]) -> bool:
    return any(NUL in key or any(NUL in value for value in values) for key, values in pairs)


def carries_nul(request: HttpRequest) -> bool:
    """Whether the path, a query or form parameter (name or value) or a cookie holds a NUL."""
    if NUL in request.path_info:
        return True
    if _has_nul(request.GET.lists()):
        return True
    if any(NUL in key or NUL in value for key, value in request.COOKIES.items()):
        return True
    if request.method == "POST" and not request.path_info.startswith(API_PREFIX):
        try:
            form = request.POST
        except OSError:  # the client went away mid-body: the view meets the same error, as before
            return False
        return _has_nul(form.lists())
    return False


def problem_response(*, status: int, title: str, detail: str) -> HttpResponse:
    """A small RFC 9457 problem document."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    return HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=PROBLEM_CONTENT_TYPE
    )


def nul_refused(request: HttpRequest) -> HttpResponse:
    """The 400 for a request with a NUL byte, in the reader's language (LocaleMiddleware runs later)."""
    language = translation.get_language_from_request(request)
    with translation.override(language):
        title = gettext("Bad request")
        detail = gettext(
            "The address or the form contains a NUL character (a zero byte), which this site never "
            "accepts. Remove it and try again."
        )
        if request.path_info.startswith(API_PREFIX):
            return problem_response(status=400, title=title, detail=detail)
        page = render_to_string(
            "core/bad_request.html", {"title": title, "detail": detail, "LANGUAGE_CODE": language}
        )
    return HttpResponse(page, status=400, content_type="text/html; charset=utf-8")


class NulByteMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if carries_nul(request):
            return nul_refused(request)
        return self.get_response(request)
