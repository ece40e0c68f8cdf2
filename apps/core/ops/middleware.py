"""Request id and access log, the probe short-cut, and the site-wide Content-Security-Policy.

Order in ``MIDDLEWARE`` (config/settings/base.py, "Operability" block): ``RequestIdMiddleware``
first, then ``ProbeMiddleware``, then ``ContentSecurityPolicyMiddleware``, then Django's own.
"""

from __future__ import annotations

import hmac
import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse

from apps.core.ops import health, metrics
from apps.core.ops.context import RequestFacts, current, request_id_from

access_log = logging.getLogger("ktp.request")

Handler = Callable[[HttpRequest], HttpResponseBase]


class RequestIdMiddleware:
    """Takes a sane ``X-Request-ID`` or makes one, echoes it, and writes one access-log line and
    the request metrics per request. The line holds the path without its query string and the
    user's id only."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        facts = RequestFacts(
            request_id=request_id_from(request.headers.get("X-Request-ID")),
            method=request.method or "",
            path=request.path,
        )
        token = current.set(facts)
        request.request_id = facts.request_id  # type: ignore[attr-defined]
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            facts.user_id = _user_id(request)
            response["X-Request-ID"] = facts.request_id
            duration = time.perf_counter() - started
            view = _view_name(request)
            metrics.observe_request(
                view=view, method=facts.method, status=response.status_code, seconds=duration
            )
            if view not in _QUIET_VIEWS:
                access_log.info(
                    "%s %s %s",
                    facts.method,
                    facts.path,
                    response.status_code,
                    extra={
                        "status": response.status_code,
                        "duration_ms": round(duration * 1000, 1),
                        "view": view,
                    },
                )
            return response
        finally:
            current.reset(token)

    def process_view(self, request: HttpRequest, *_args: object) -> None:
        facts = current.get()
        if facts is not None:
            facts.user_id = _user_id(request)  # later log lines of this request carry it


# Probes and scrapes are counted but not logged: every few seconds from every probe is noise.
_QUIET_VIEWS = {"healthz", "readyz", "metrics"}


def _user_id(request: HttpRequest) -> int | None:
    user = getattr(request, "user", None)
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return int(user.pk)


def _view_name(request: HttpRequest) -> str:
    probe = getattr(request, "probe_view", None)
    if probe:
        return str(probe)
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "<unresolved>"  # 404s and static files: one label, not one per path
    return match.view_name or "<unnamed>"


class ProbeMiddleware:
    """``/healthz``, ``/readyz`` and ``/metrics`` answered before anything reads the Host header or
    redirects to HTTPS: probes and scrapers reach a pod by its IP (or 127.0.0.1) over plain HTTP,
    with whatever X-Forwarded-* headers the platform adds. Only these three exact paths skip
    ALLOWED_HOSTS and SECURE_SSL_REDIRECT; every other path goes through Django as usual. None of
    the three reads the Host, a cookie or a session, so the Host cannot influence the answer."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        handler = _PROBES.get(request.path_info)
        if handler is None:
            return self.get_response(request)
        request.probe_view = request.path_info.lstrip("/")  # type: ignore[attr-defined]
        if request.method not in ("GET", "HEAD"):
            response: HttpResponseBase = JsonResponse({"error": "method not allowed"}, status=405)
            response["Allow"] = "GET, HEAD"
            return response
        response = handler(request)
        response["Cache-Control"] = "no-store"
        return response


def healthz(_request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers. No database, no Redis: a dependency outage must not make the
    platform restart every web process."""
    return JsonResponse({"status": "ok"})


def readyz(_request: HttpRequest) -> HttpResponse:
    """Readiness: database and migrations decide, the cache is shown (``apps.core.ops.health``);
    503 names what failed; a shown check that fails is listed as ``degraded``."""
    results = health.run_checks()
    shown_only = set(health.reported())
    failed = [name for name, result in results.items() if result != "ok" and name not in shown_only]
    degraded = [name for name, result in results.items() if result != "ok" and name in shown_only]
    body: dict[str, object] = {"status": "ok" if not failed else "unavailable", "checks": results}
    if failed:
        body["failed"] = failed
    if degraded:
        body["degraded"] = degraded
    return JsonResponse(body, status=503 if failed else 200)


def metrics_view(request: HttpRequest) -> HttpResponse:
    token = getattr(settings, "METRICS_TOKEN", "")
    if token:
        supplied = request.headers.get("Authorization", "")
        if not hmac.compare_digest(supplied.encode(), f"Bearer {token}".encode()):
            response = JsonResponse({"error": "a bearer token is required"}, status=401)
            response["WWW-Authenticate"] = 'Bearer realm="metrics"'
            return response
    body, content_type = metrics.render()
    return HttpResponse(body, content_type=content_type)


_PROBES: dict[str, Handler] = {"/healthz": healthz, "/readyz": readyz, "/metrics": metrics_view}


# --- Content-Security-Policy ---------------------------------------------------------------------
# No inline scripts or styles anywhere (decision 9): scripts and styles come from our own static
# files; images may be data: URIs (Bootstrap's icons, the authenticator QR code); the workspace
# frames our own document previews. A response that sets its own policy (document downloads and
# previews send "sandbox") keeps it.
DEFAULT_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "frame-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response
        self.policy = getattr(settings, "CONTENT_SECURITY_POLICY", DEFAULT_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response and _is_html(response):
            response["Content-Security-Policy"] = self.policy
        return response


def _is_html(response: HttpResponseBase) -> bool:
    return response.get("Content-Type", "").split(";")[0].strip() in ("text/html", "application/xhtml+xml")
