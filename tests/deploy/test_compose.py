"""docker-compose.yml (no Docker here: parsed and checked offline): one beat, a cache and a broker
that are separate Valkey instances with the right eviction and persistence, pinned open-source
images, health checks on the probe paths, and migrate once before the rest."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def services() -> dict[str, dict[str, Any]]:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())  # anchors and << merged
    return compose["services"]


def command(service: dict[str, Any]) -> list[str]:
    value = service.get("command", [])
    return value.split() if isinstance(value, str) else [str(part) for part in value]


def option(service: dict[str, Any], name: str) -> str:
    words = command(service)
    return words[words.index(name) + 1]


def app_services(services) -> dict[str, dict[str, Any]]:
    return {name: s for name, s in services.items() if s.get("build") == "."}


def test_the_app_services_are_migrate_web_worker_and_beat(services):
    assert sorted(app_services(services)) == ["beat", "migrate", "web", "worker"]


def test_exactly_one_beat(services):
    beats = [name for name, s in services.items() if "beat" in command(s) and "celery" in command(s)]
    assert beats == ["beat"]
    assert services["beat"]["deploy"]["replicas"] == 1


def test_cache_and_broker_are_separate_instances_with_their_own_policies(services):
    cache, broker = services["cache"], services["broker"]
    assert option(cache, "--maxmemory-policy") == "allkeys-lru"
    assert option(cache, "--appendonly") == "no"
    assert option(broker, "--maxmemory-policy") == "noeviction"  # an eviction never drops a task
    assert option(broker, "--appendonly") == "yes"
    assert any(volume.endswith(":/data") for volume in broker["volumes"])
    for name, service in app_services(services).items():
        env = service["environment"]
        assert urlsplit(env["REDIS_URL"]).hostname == "cache", name
        assert urlsplit(env["CELERY_BROKER_URL"]).hostname == "broker", name


def test_every_redis_protocol_image_is_open_source_and_pinned_to_a_minor_version(services):
    images = {name: s["image"] for name, s in services.items() if "image" in s and s.get("build") != "."}
    for name, image in images.items():
        assert ":" in image, f"{name}: {image} has no tag"
        assert not image.endswith(":latest"), f"{name}: {image}"
        repository, tag = image.rsplit(":", 1)
        if "redis" in repository or "valkey" in repository:
            # redis:7 now resolves to a release under a non-open-source licence.
            assert repository == "valkey/valkey" or re.fullmatch(r"7\.2(\.\d+)?(-\w+)?", tag), image
            assert re.fullmatch(r"\d+\.\d+(\.\d+)?(-[\w.]+)?", tag), (
                f"{image}: pin at least the minor version"
            )
    assert images["cache"] == images["broker"]


def test_web_health_check_asks_liveness_and_readiness_over_loopback(services):
    test = " ".join(services["web"]["healthcheck"]["test"])
    assert "http://127.0.0.1:8000" in test
    assert "/healthz" in test
    assert "/readyz" in test


def test_migrate_runs_once_and_the_others_wait_for_it(services):
    migrate = services["migrate"]
    assert command(migrate)[-3:] == ["manage.py", "migrate", "--noinput"]
    assert migrate["restart"] == "no"
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
        assert "migrate" not in command(services[name])


def test_media_is_one_volume_at_the_images_media_root(services):
    dockerfile = (ROOT / "Dockerfile").read_text()
    (image_media_root,) = re.findall(r"MEDIA_ROOT=(\S+)", dockerfile)
    for name in ("web", "worker"):
        assert f"media:{image_media_root}" in services[name]["volumes"], name
    for name, service in app_services(services).items():
        assert service["environment"]["MEDIA_ROOT"] == image_media_root, name


def test_the_worker_is_given_longer_than_its_longest_task_to_stop(services, settings):
    grace = services["worker"]["stop_grace_period"]
    seconds = int(grace.removesuffix("s")) if grace.endswith("s") and grace[:-1].isdigit() else None
    assert seconds is not None, f"write stop_grace_period in seconds ('330s'), not {grace!r}"
    assert seconds > settings.CELERY_TASK_TIME_LIMIT


def test_the_example_environment_names_every_variable_operators_must_or_may_set():
    example = (ROOT / ".env.example").read_text()
    named = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", example, flags=re.MULTILINE))
    assert {
        "DJANGO_SECRET_KEY",
        "PASSPORT_HASH_KEY",
        "DJANGO_ALLOWED_HOSTS",
        "SITE_URL",
        "EMAIL_URL",
        "DEFAULT_FROM_EMAIL",
        "POSTGRES_PASSWORD",
        "REDIS_URL",
        "CELERY_BROKER_URL",
        "AWS_STORAGE_BUCKET_NAME",
        "AWS_S3_ENDPOINT_URL",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "SENTRY_DSN",
        "METRICS_TOKEN",
    } <= named
    assert re.search(r"^EMAIL_URL=smtp\+tls://", example, flags=re.MULTILINE)
    # Required secrets are left empty: a copied example must not start with a published key.
    assert re.search(r"^DJANGO_SECRET_KEY=$", example, flags=re.MULTILINE)
    assert re.search(r"^PASSPORT_HASH_KEY=$", example, flags=re.MULTILINE)


def test_worker_and_beat_start_without_the_plain_text_banner(services):
    """Celery's start-up banner is not JSON: production starts worker and beat with --quiet, so
    every line they write goes through the JSON log formatter (the image runs as uid 10001, so the
    root warning that a test run as root still prints does not appear there either)."""
    for name in ("worker", "beat"):
        words = command(services[name])
        assert words.index("--quiet") < words.index(name), words
