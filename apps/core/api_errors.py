"""Every API error as a small RFC 9457 problem document (``application/problem+json``), whose cost
is bounded by the body limit (issue 13).

- Validation errors keep their per-answer messages as top-level members (the shape clients have
  used since the first release: ``{"field": ["..."]}``) beside ``type``, ``title``, ``status`` and
  ``detail``; no answer is named ``type``, ``title``, ``status`` or ``detail``.
- Other errors (malformed JSON, a wrong content type, too many requests) carry DRF's message as
  ``detail``, as before.
- JSON nested deeper than Python's parser can follow is a 400 (``BoundedJSONParser``), not a 500;
  a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` is a 413 problem, not Django's HTML 400.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.utils.translation import gettext as _
from rest_framework import status as http
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import exception_handler

from apps.core.input_checks import PROBLEM_CONTENT_TYPE

# Members of every problem document; an answer's errors sit beside them.
PROBLEM_MEMBERS = frozenset({"type", "title", "status", "detail"})


def problem_exception_handler(exc: Exception, context: Mapping[str, Any]) -> Response | None:
    if isinstance(exc, RequestDataTooBig):
        return _problem(
            http.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            _("Request too large"),
            _("The request body is larger than this API accepts. Send only the answers."),
        )
    response = exception_handler(exc, dict(context))
    if response is None:
        return None
    data = response.data
    if isinstance(exc, ValidationError) and isinstance(data, Mapping):
        body: dict[str, Any] = {
            "type": "about:blank",
            "title": _("Some answers need correcting"),
            "status": response.status_code,
            "detail": _("Each answer named below has a message saying what to change."),
        }
        body.update({key: value for key, value in data.items() if key not in PROBLEM_MEMBERS})
        response.data = body
    else:
        detail = data.get("detail") if isinstance(data, Mapping) else data
        response.data = {
            "type": "about:blank",
            "title": _("The request could not be handled"),
            "status": response.status_code,
            "detail": str(detail),
        }
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


def _problem(status: int, title: str, detail: str) -> Response:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    return Response(body, status=status, content_type=PROBLEM_CONTENT_TYPE)


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser, with JSON nested too deeply for the parser answered as a 400."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("JSON parse error - the document is nested too deeply.")) from None
