"""pytest: real PostgreSQL and Redis (embedded unless DATABASE_URL / REDIS_URL are set)."""

import os

os.environ.setdefault("PASSPORT_HASH_KEY", "test-only-passport-hash-key-0123456789")
os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-insecure-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("DATABASE_URL", "postgres:///ktechpass")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379")
# Separate Redis databases, so tests never touch a developer's broker or cache. Each pytest-xdist
# worker then moves to its own pair (tests/conftest.py: the worker's id is not known yet here).
os.environ.setdefault("REDIS_BROKER_DB", "14")
os.environ.setdefault("REDIS_CACHE_DB", "15")
os.environ.setdefault("CACHE_KEY_PREFIX", "ktp-test")

from config.settings.base import *  # noqa: F403
from config.settings.base import DATABASES

DATABASES["default"]["CONN_MAX_AGE"] = 0
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed; never in production
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
