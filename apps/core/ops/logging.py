"""JSON log lines: one object per line, no query strings, no tokens, no names or e-mail addresses.

``JsonFormatter`` is used by Django (``LOGGING`` in production) and by gunicorn's error log
(config/gunicorn.py). Every message passes ``redact``: a URL's query string becomes ``?[redacted]``
and anything that looks like a token after a known path (password reset, e-mail confirmation,
enrolment links) is replaced, so a log line quoting a URL leaks neither.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from typing import Any

from apps.core.ops.context import current

# "?anything" up to whitespace or a quote: the query string of any URL or path in a message.
_QUERY = re.compile(r"\?[^\s\"']*")
# Single-use tokens in paths: allauth's password reset (/accounts/password/reset/key/<uidb36>-<key>/),
# e-mail confirmation (/accounts/confirm-email/<key>/), staff enrolment links, and similar.
_PATH_TOKEN = re.compile(r"(/(?:key|confirm-email|enrol(?:ment)?|token)/)[^/\s\"'?]+", re.IGNORECASE)
# Secrets in URLs (scheme://user:password@host).
_URL_PASSWORD = re.compile(r"(\w[\w+.-]*://[^:/\s@]*:)[^@\s/]+@")


def redact(text: str) -> str:
    text = _QUERY.sub("?[redacted]", text)
    text = _PATH_TOKEN.sub(r"\1[redacted]", text)
    return _URL_PASSWORD.sub(r"\1[redacted]@", text)


_EXTRA_KEYS = ("request_id", "method", "path", "status", "duration_ms", "view", "task", "state")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        facts = current.get()
        if facts is not None:
            entry["request_id"] = facts.request_id
            entry["method"] = facts.method
            entry["path"] = redact(facts.path)
            if facts.user_id is not None:
                entry["user_id"] = facts.user_id
        for key in _EXTRA_KEYS:  # passed in ``extra`` (gunicorn's access log: no request context)
            value = record.__dict__.get(key)
            if value is not None and key not in entry:
                entry[key] = redact(value) if key == "path" else value
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)
