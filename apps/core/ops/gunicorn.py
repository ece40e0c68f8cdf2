"""Gunicorn's logs as JSON lines (``logger_class`` in config/gunicorn.py).

The access line holds the method, the path without its query string (gunicorn's ``%(U)s``; a
search by name, a self-assessment's answers or a reset token stay out of the log), the status, the
duration and the request id the app echoed. No client address, no user agent, no referrer (that
carries the previous page's query string).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from gunicorn.glogging import Logger

from apps.core.ops.logging import JsonFormatter

# Probes and scrapes that succeed are not logged (every few seconds, from every probe).
_QUIET_PATHS = {"/healthz", "/readyz", "/metrics"}


class JsonLogger(Logger):
    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(JsonFormatter())

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: dt.timedelta) -> None:
        if not self.cfg.accesslog:
            return
        path = environ.get("PATH_INFO", "")
        status = int(str(resp.status).split(None, 1)[0]) if resp.status else 0
        if path in _QUIET_PATHS and status < 400:
            return
        request_id = next((value for name, value in resp.headers if name.lower() == "x-request-id"), None)
        method = environ.get("REQUEST_METHOD", "")
        try:
            self.access_log.info(
                "%s %s %s",
                method,
                path,
                status,
                extra={
                    "request_id": request_id,
                    "method": method,
                    "path": path,
                    "status": status,
                    "duration_ms": round(request_time.total_seconds() * 1000, 1),
                },
            )
        except Exception:  # never fail a response over its log line
            self.error("Failed to write the access log line")
