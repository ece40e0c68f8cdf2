"""The current request's id and facts for log lines, in a context variable (thread- and task-safe)."""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar
from dataclasses import dataclass

# An id from a proxy is kept when it looks like one (letters, digits, dashes, dots; at most 64
# characters): anything else could forge or smuggle text into log lines, so a new one is made.
_SANE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


@dataclass
class RequestFacts:
    request_id: str
    method: str = ""
    path: str = ""  # never with the query string
    user_id: int | None = None


current: ContextVar[RequestFacts | None] = ContextVar("ktp_request", default=None)


def request_id_from(header: str | None) -> str:
    if header and _SANE_ID.match(header):
        return header
    return uuid.uuid4().hex
