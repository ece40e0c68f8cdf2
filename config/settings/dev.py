"""Local development (`make run`): debug on, e-mails to the console."""

import os

os.environ.setdefault("PASSPORT_HASH_KEY", "dev-only-passport-hash-key-0123456789")
os.environ.setdefault("DJANGO_SECRET_KEY", "dev-only-insecure-key-never-used-in-production-0123456789")
os.environ.setdefault("DJANGO_DEBUG", "true")
# `make run` always sets these; the defaults let `manage.py makemigrations` work without servers.
os.environ.setdefault("DATABASE_URL", "postgres:///ktechpass")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379")

from config.settings.base import *  # noqa: F403

WHITENOISE_USE_FINDERS = True  # serve static files without collectstatic while developing
WHITENOISE_AUTOREFRESH = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
