"""Build-time settings, only for ``manage.py collectstatic`` while the image is built (Dockerfile).

The production settings refuse to load without real secrets and service addresses, which an image
build must never see (they would stay in its layers). This module fills the environment with
throwaway values that pass production's checks (random secrets made here and never stored;
addresses under ``.invalid``, which nothing resolves), then loads the production settings
unchanged, so collectstatic writes what the running service reads: the same static files storage,
hashed names and manifest. Nothing is connected to. It serves no request: ALLOWED_HOSTS is empty.
"""

import os
import secrets

_BUILD_ENVIRONMENT = {
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
    "PASSPORT_HASH_KEY": secrets.token_urlsafe(48),
    "DJANGO_ALLOWED_HOSTS": "build.invalid",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://build.invalid",
    "SITE_URL": "https://build.invalid",
    "DATABASE_URL": "postgres://build@db.build.invalid:5432/build",
    "REDIS_URL": "redis://cache.build.invalid:6379",
    "CELERY_BROKER_URL": "redis://broker.build.invalid:6379/0",
    "EMAIL_URL": "smtp+tls://build:build@smtp.build.invalid:587",
    "DEFAULT_FROM_EMAIL": "build@build.invalid",
}
os.environ.update(_BUILD_ENVIRONMENT)  # whatever the build environment holds is not used
for _optional in ("SENTRY_DSN", "AWS_STORAGE_BUCKET_NAME", "METRICS_TOKEN"):
    os.environ.pop(_optional, None)

from config.settings.production import *  # noqa: E402, F403

ALLOWED_HOSTS = list[str]()  # never serves
