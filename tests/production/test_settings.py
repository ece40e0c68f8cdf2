"""config.settings.production refuses what it must, and passes its own checks with the example env."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.production.helpers import PROJECT, production_env, run_python

SHOW = """
import json
from django.conf import settings
import django
django.setup()
print(json.dumps({
    "SECRET_KEY_LEN": len(settings.SECRET_KEY),
    "SITE_URL": settings.SITE_URL,
    "EMAIL_BACKEND": settings.EMAIL_BACKEND, "EMAIL_HOST": settings.EMAIL_HOST,
    "EMAIL_PORT": settings.EMAIL_PORT, "EMAIL_HOST_USER": settings.EMAIL_HOST_USER,
    "EMAIL_HOST_PASSWORD": settings.EMAIL_HOST_PASSWORD, "EMAIL_USE_TLS": settings.EMAIL_USE_TLS,
    "EMAIL_USE_SSL": settings.EMAIL_USE_SSL, "EMAIL_FILE_PATH": settings.EMAIL_FILE_PATH,
    "CACHE": settings.CACHES["default"]["LOCATION"], "BROKER": settings.CELERY_BROKER_URL,
    "MEDIA_ROOT": str(settings.MEDIA_ROOT), "STORAGES": settings.STORAGES,
    "SECURE_SSL_REDIRECT": settings.SECURE_SSL_REDIRECT, "DEBUG": settings.DEBUG,
}))
"""


def load(**overrides: str | None) -> dict:
    result = run_python(SHOW, production_env(**overrides))
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def refusal(**overrides: str | None) -> str:
    result = run_python("import config.settings.production", production_env(**overrides))
    assert result.returncode != 0, "the settings accepted it"
    assert "ImproperlyConfigured" in result.stderr
    return result.stderr.strip().splitlines()[-1]


def test_check_deploy_is_clean_with_the_example_env():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_about_an_open_metrics_endpoint():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT,
        env=production_env(METRICS_TOKEN=None),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "ops.W001" in result.stdout + result.stderr


def test_the_example_env_gives_object_storage_hashed_static_files_and_tls_mail():
    loaded = load()
    assert loaded["DEBUG"] is False
    assert loaded["SECURE_SSL_REDIRECT"] is True
    assert loaded["SITE_URL"] == "https://ktechpass.example.go.kr"
    assert loaded["STORAGES"]["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
    options = loaded["STORAGES"]["default"]["OPTIONS"]
    assert options["bucket_name"] == "ktechpass-uploads"
    assert options["endpoint_url"] == "https://objects.example.go.kr"
    assert options["querystring_auth"] is False
    assert options["file_overwrite"] is False
    assert (
        loaded["STORAGES"]["staticfiles"]["BACKEND"]
        == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )
    assert loaded["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (loaded["EMAIL_HOST"], loaded["EMAIL_PORT"]) == ("smtp.example.go.kr", 587)
    assert (loaded["EMAIL_HOST_USER"], loaded["EMAIL_HOST_PASSWORD"]) == ("ktechpass", "mail-password")
    assert (loaded["EMAIL_USE_TLS"], loaded["EMAIL_USE_SSL"]) == (True, False)
    assert loaded["CACHE"] == "redis://cache:6379/1"
    assert loaded["BROKER"] == "redis://broker:6379/0"


def test_without_a_bucket_uploads_go_to_media_root_under_app_media():
    loaded = load(AWS_STORAGE_BUCKET_NAME=None)
    assert loaded["STORAGES"]["default"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert loaded["MEDIA_ROOT"] == "/app/media"
    assert load(AWS_STORAGE_BUCKET_NAME=None, MEDIA_ROOT="/srv/uploads")["MEDIA_ROOT"] == "/srv/uploads"


def test_mail_over_implicit_tls_with_an_encoded_password():
    loaded = load(EMAIL_URL="smtp+ssl://mailer%40ktechpass:p%40ss%2Fword@smtp.example.go.kr:465")
    assert (loaded["EMAIL_USE_TLS"], loaded["EMAIL_USE_SSL"]) == (False, True)
    assert (loaded["EMAIL_HOST_USER"], loaded["EMAIL_HOST_PASSWORD"]) == ("mailer@ktechpass", "p@ss/word")
    assert loaded["EMAIL_PORT"] == 465


def test_a_mail_file_path_stays_absolute():
    loaded = load(EMAIL_URL="filemail:///var/spool/ktechpass-mail")
    assert loaded["EMAIL_FILE_PATH"] == "/var/spool/ktechpass-mail"


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"DJANGO_SECRET_KEY": "short-but-random-Zx81"}, "DJANGO_SECRET_KEY is too short"),
        (
            {"DJANGO_SECRET_KEY": "change-me-to-50-random-characters-0123456789abcdefghijkl"},
            "DJANGO_SECRET_KEY looks like a placeholder",
        ),
        ({"DJANGO_SECRET_KEY": "a" * 80}, "DJANGO_SECRET_KEY looks like a placeholder"),
        ({"PASSPORT_HASH_KEY": "x"}, "PASSPORT_HASH_KEY is too short"),
        (
            {"PASSPORT_HASH_KEY": "change-me-to-a-long-random-value-never-rotate-without-rehash"},
            "PASSPORT_HASH_KEY looks like a placeholder",
        ),
        ({"METRICS_TOKEN": "metrics"}, "METRICS_TOKEN is too short"),
        ({"DJANGO_SECRET_KEY": None}, "DJANGO_SECRET_KEY"),
        ({"SITE_URL": None}, "SITE_URL"),
        ({"SITE_URL": "http://ktechpass.example.go.kr"}, "SITE_URL must be the site's https:// address"),
        ({"SITE_URL": "https://elsewhere.example.com"}, "not in DJANGO_ALLOWED_HOSTS"),
        ({"EMAIL_URL": None}, "EMAIL_URL"),
        ({"DEFAULT_FROM_EMAIL": None}, "DEFAULT_FROM_EMAIL"),
        ({"CELERY_BROKER_URL": None}, "CELERY_BROKER_URL"),
        ({"CELERY_BROKER_URL": "redis://cache:6379/0"}, "CELERY_BROKER_URL points at the cache's Redis"),
        ({"DJANGO_ALLOWED_HOSTS": "*"}, "DJANGO_ALLOWED_HOSTS"),
    ],
)
def test_refuses_loudly_naming_the_variable(overrides, named):
    assert named in refusal(**overrides)


def test_broker_on_the_cache_redis_only_with_the_explicit_opt_in():
    loaded = load(CELERY_BROKER_URL="redis://cache:6379/0", CELERY_BROKER_SHARES_CACHE_REDIS="true")
    assert loaded["BROKER"] == "redis://cache:6379/0"


def test_sentry_starts_only_with_a_dsn_and_without_personal_data():
    code = """
import django, sentry_sdk
django.setup()
client = sentry_sdk.get_client()
options = client.options if client.is_active() else {}
print(client.is_active(), options.get("send_default_pii"), (options.get("data_collection") or {}).get("user_info"))
"""
    with_dsn = run_python(code, production_env(SENTRY_DSN="https://public@127.0.0.1:9/1"))
    assert with_dsn.returncode == 0, with_dsn.stderr[-2000:]
    active, send_pii, user_info = with_dsn.stdout.split()
    assert active == "True"
    assert send_pii in ("False", "None")  # sentry-sdk 2 says False; 3 replaced it with data_collection
    assert user_info in ("False", "None")
    assert "False" in (send_pii, user_info)
    without = run_python(code, production_env())
    assert without.returncode == 0, without.stderr[-2000:]
    assert without.stdout.split()[0] == "False"
