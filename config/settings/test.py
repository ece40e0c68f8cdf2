"""pytest: real PostgreSQL and Redis (embedded unless DATABASE_URL / REDIS_URL are set)."""

import os

os.environ.setdefault("PASSPORT_HASH_KEY", "test-only-passport-hash-key-0123456789")
os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-insecure-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("DATABASE_URL", "postgres:///ktechpass")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379")
# Separate Redis databases, so tests never touch a developer's broker or cache, and each pytest-xdist
# worker has its own pair: a cache.clear() is a FLUSHDB, and a Celery worker started by one test
# process must never take tasks that another process's tests enqueued (for another test database).
_xdist_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
_slot = int(_xdist_worker[2:]) + 1 if _xdist_worker.startswith("gw") else 0
if _slot > 6:
    raise RuntimeError("tests use two Redis databases per xdist worker: run with -n 6 or fewer")
os.environ.setdefault("REDIS_BROKER_DB", str(14 - 2 * _slot))
os.environ.setdefault("REDIS_CACHE_DB", str(15 - 2 * _slot))
os.environ.setdefault("CACHE_KEY_PREFIX", "ktp-test")

from config.settings.base import *  # noqa: E402, F403
from config.settings.base import DATABASES  # noqa: E402

DATABASES["default"]["CONN_MAX_AGE"] = 0
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed; never in production
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
