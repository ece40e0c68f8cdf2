"""Error reporting to Sentry, only when SENTRY_DSN is set: no personal data, no query strings.

sentry-sdk 2 says "no personal data" with ``send_default_pii=False``; sentry-sdk 3 replaced that
option with ``data_collection``. Both are handled, so the lock may hold either.
"""

from __future__ import annotations

from typing import Any

from apps.core.ops.logging import redact


def sentry_options(*, major_version: int) -> dict[str, Any]:
    if major_version >= 3:
        return {
            "data_collection": {
                "user_info": False,  # no user id, e-mail or IP address
                "cookies": {"mode": "off"},
                "url_query_params": {"mode": "off"},
                "http_bodies": [],
                "stack_frame_variables": False,  # a local variable may hold a name or a passport number
            }
        }
    return {"send_default_pii": False, "include_local_variables": False, "max_request_body_size": "never"}


def init_sentry(*, dsn: str, environment: str, release: str | None, traces_sample_rate: float) -> None:
    import sentry_sdk

    options: dict[str, Any] = {
        "dsn": dsn,
        "environment": environment,
        "release": release,
        "traces_sample_rate": traces_sample_rate,
        "before_send": scrub,
        **sentry_options(major_version=int(sentry_sdk.VERSION.split(".")[0])),
    }
    sentry_sdk.init(**options)


def scrub(event: Any, _hint: Any) -> Any:
    """Query strings and tokens in URLs never leave the server (a search by name, a reset key)."""
    request = event.get("request")
    if isinstance(request, dict):
        request.pop("query_string", None)
        request.pop("data", None)
        request.pop("cookies", None)
        if isinstance(request.get("url"), str):
            request["url"] = redact(request["url"])
    return event
