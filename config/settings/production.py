"""Production: every secret from the environment, HTTPS only, nothing defaulted that matters.

Each required value is checked here, at start-up, with a message naming the variable, so a
misconfigured release fails before it takes traffic (docs/production-settings.md lists every variable;
tests/production/production.env is a complete example that passes ``manage.py check --deploy``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.http.request import validate_host

from config.settings.base import *  # noqa: F403
from config.settings.base import CACHES, DATABASES, env

DEBUG = False
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")  # required: no default in production
if not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must list the site's host names ('*' is refused)")
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)

# --- Secrets: long, and not a placeholder copied from an example ---------------------------------
_PLACEHOLDERS = (
    "change-me",
    "changeme",
    "replace-me",
    "your-",
    "example",
    "insecure",
    "dev-only",
    "test-only",
)


def _strong_secret(name: str, *, min_length: int) -> str:
    value = env.str(name)
    advice = "generate one with: python -c 'import secrets; print(secrets.token_urlsafe(64))'"
    if len(value) < min_length:
        raise ImproperlyConfigured(f"{name} is too short ({len(value)} < {min_length} characters); {advice}")
    lowered = value.lower()
    if any(word in lowered for word in _PLACEHOLDERS) or len(set(value)) < 16:
        raise ImproperlyConfigured(f"{name} looks like a placeholder, not a random secret; {advice}")
    return value


SECRET_KEY = _strong_secret("DJANGO_SECRET_KEY", min_length=50)
# Rotating it makes every stored passport hash unmatchable: set it once, keep it in the secret store.
PASSPORT_HASH_KEY = _strong_secret("PASSPORT_HASH_KEY", min_length=32)

# --- The site's address, for links in e-mails -------------------------------------------------
SITE_URL = env.str("SITE_URL").rstrip("/")
_site = urlsplit(SITE_URL)
if _site.scheme != "https" or not _site.hostname or _site.path or _site.query:
    raise ImproperlyConfigured(
        f"SITE_URL must be the site's https:// address, e.g. https://{ALLOWED_HOSTS[0]}"
    )
if not validate_host(_site.hostname, ALLOWED_HOSTS):
    raise ImproperlyConfigured(f"SITE_URL's host {_site.hostname!r} is not in DJANGO_ALLOWED_HOSTS")

# --- Transport security ------------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
# /healthz, /readyz and /metrics skip ALLOWED_HOSTS and the HTTPS redirect in ProbeMiddleware
# (apps.core.ops.middleware, decision 10); nothing else does.

# --- Mail: one URL (smtp+tls://user:password@host:587, smtp+ssl://...:465, smtp://host:25) -------
# Percent-encode reserved characters in the user name and password (@ is %40).
_mail = env.email_url("EMAIL_URL")
EMAIL_BACKEND = _mail["EMAIL_BACKEND"]
EMAIL_HOST = _mail.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = _mail.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _mail.get("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = _mail.get("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = bool(_mail.get("EMAIL_USE_TLS"))  # smtp+tls: STARTTLS, usually port 587
EMAIL_USE_SSL = bool(_mail.get("EMAIL_USE_SSL"))  # smtp+ssl: TLS from the start, usually port 465
# filemail:///var/mail/ktp (for smoke tests); django-environ drops the path's leading slash.
EMAIL_FILE_PATH = "/" + str(_mail.get("EMAIL_FILE_PATH") or "").lstrip("/")
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL")  # required: the example domain would bounce
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Redis: the cache and the broker are separate instances -------------------------------------
# REDIS_URL (with REDIS_CACHE_DB) is the cache; CELERY_BROKER_URL the broker, a full URL. A cache
# evicts keys under memory pressure, and an eviction must never drop a queued task, so both on one
# server is refused unless CELERY_BROKER_SHARES_CACHE_REDIS=true says it is meant (decision 11).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL")
_cache_location = str(CACHES["default"]["LOCATION"])
_broker, _cache = urlsplit(CELERY_BROKER_URL), urlsplit(_cache_location)
if (_broker.hostname, _broker.port) == (_cache.hostname, _cache.port) and not env.bool(
    "CELERY_BROKER_SHARES_CACHE_REDIS", default=False
):
    raise ImproperlyConfigured(
        "CELERY_BROKER_URL points at the cache's Redis (REDIS_URL): use a separate instance with "
        "maxmemory-policy noeviction, or set CELERY_BROKER_SHARES_CACHE_REDIS=true to accept the risk"
    )
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # Celery's lines go through LOGGING below, as JSON

# --- Files --------------------------------------------------------------------------------------
MEDIA_ROOT = env.path("MEDIA_ROOT", default="/app/media")
STATIC_ROOT = env.path("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))  # noqa: F405
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
_default_storage: dict[str, Any]
if AWS_STORAGE_BUCKET_NAME:
    # Any S3-compatible service. Credentials come from boto3's usual chain (AWS_ACCESS_KEY_ID and
    # AWS_SECRET_ACCESS_KEY, or the platform's role). Objects keep the bucket's default (private)
    # ACL; downloads are streamed by the views that check who may read them, so no signed URLs.
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "location": env.str("AWS_LOCATION", default=""),
            "default_acl": env.str("AWS_DEFAULT_ACL", default="") or None,
            "querystring_auth": False,
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    # Hashed names (app.3f2a9c.css): cached forever by browsers, never stale after a release.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Operability --------------------------------------------------------------------------------
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
if METRICS_TOKEN:
    METRICS_TOKEN = _strong_secret("METRICS_TOKEN", min_length=32)
READINESS_CHECKS = env.list("READINESS_CHECKS", default=["database", "migrations"])
READINESS_REPORTS = env.list("READINESS_REPORTS", default=["cache"])
for _name, _checks in (("READINESS_CHECKS", READINESS_CHECKS), ("READINESS_REPORTS", READINESS_REPORTS)):
    if not set(_checks) <= {"database", "cache", "migrations"}:
        raise ImproperlyConfigured(f"{_name}: choose among database, cache, migrations")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "apps.core.ops.logging.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Django's own request log repeats what ktp.request says, with the full URL on errors.
        "django.server": {"level": "WARNING"},
    },
}

SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    from apps.core.ops.sentry import init_sentry

    init_sentry(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        release=env.str("APP_RELEASE", default="") or None,
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )
