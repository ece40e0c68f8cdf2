"""Deployment checks (``manage.py check --deploy``) for what the operability settings leave open."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks


def register() -> None:
    checks.register(check_metrics_token, checks.Tags.security, deploy=True)
    checks.register(check_mail_backend, checks.Tags.security, deploy=True)


def check_metrics_token(**_kwargs: Any) -> list[checks.CheckMessage]:
    if getattr(settings, "METRICS_TOKEN", ""):
        return []
    return [
        checks.Warning(
            "/metrics is open to anyone who can reach the web process.",
            hint="Set METRICS_TOKEN (Prometheus sends it as a bearer token), or block /metrics at the proxy.",
            id="ops.W001",
        )
    ]


def check_mail_backend(**_kwargs: Any) -> list[checks.CheckMessage]:
    if settings.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend":
        return []
    return [
        checks.Warning(
            f"E-mail goes to {settings.EMAIL_BACKEND}, not to an SMTP server: nobody receives it.",
            hint="Set EMAIL_URL to smtp+tls://user:password@host:587 (or smtp+ssl://...:465).",
            id="ops.W002",
        )
    ]
