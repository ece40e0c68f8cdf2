"""deploy/kubernetes: every manifest valid for a pinned Kubernetes version (kubernetes-validate's
bundled schemas, offline, strict), and the promises the operator's guide makes about them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
MANIFESTS = ROOT / "deploy" / "kubernetes"
KUBERNETES_VERSION = "1.33.0"  # the oldest minor still supported by the managed offerings we target


def manifest_files() -> list[Path]:
    return sorted(p for p in MANIFESTS.glob("*.yaml") if p.name != "kustomization.yaml")


def documents() -> list[dict[str, Any]]:
    docs: list[dict[str, Any]] = []
    for path in manifest_files():
        docs.extend(doc for doc in yaml.safe_load_all(path.read_text()) if doc)
    return docs


def by_kind(kind: str) -> list[dict[str, Any]]:
    return [doc for doc in documents() if doc["kind"] == kind]


def one(kind: str, name: str) -> dict[str, Any]:
    (found,) = [doc for doc in by_kind(kind) if doc["metadata"]["name"] == name]
    return found


def containers(workload: dict[str, Any]) -> list[dict[str, Any]]:
    return workload["spec"]["template"]["spec"]["containers"]


def workloads() -> list[dict[str, Any]]:
    return by_kind("Deployment") + by_kind("Job")


def runs(workload: dict[str, Any], *words: str) -> bool:
    return any(all(word in container["command"] for word in words) for container in containers(workload))


def test_there_are_manifests_and_every_one_is_a_known_object():
    kinds = sorted(doc["kind"] for doc in documents())
    assert kinds == [
        "ConfigMap",
        "Deployment",
        "Deployment",
        "Deployment",
        "HorizontalPodAutoscaler",
        "Job",
        "PodDisruptionBudget",
        "Secret",
        "Service",
    ]


@pytest.mark.parametrize("path", manifest_files(), ids=lambda p: p.name)
def test_each_manifest_is_valid_for_the_pinned_kubernetes_version(path):
    for doc in yaml.safe_load_all(path.read_text()):
        if doc:
            kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


def test_the_validator_really_rejects_a_broken_manifest():
    """The check above is not a formality: a misspelt field and a wrong type are both refused."""
    web = one("Deployment", "ktechpass-web")
    misspelt = yaml.safe_load(yaml.safe_dump(web))
    misspelt["spec"]["template"]["spec"]["containers"][0]["readinessprobe"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(misspelt, KUBERNETES_VERSION, strict=True)
    wrong_type = yaml.safe_load(yaml.safe_dump(web))
    wrong_type["spec"]["replicas"] = "two"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(wrong_type, KUBERNETES_VERSION, strict=True)


def test_kustomization_lists_every_manifest_but_the_secret_template_and_the_migrate_job():
    kustomization = yaml.safe_load((MANIFESTS / "kustomization.yaml").read_text())
    listed = set(kustomization["resources"])
    assert all((MANIFESTS / name).is_file() for name in listed)
    assert listed == {p.name for p in manifest_files()} - {"secret.example.yaml", "migrate-job.yaml"}


def test_exactly_one_beat_with_the_recreate_strategy():
    beats = [w for w in workloads() if runs(w, "celery", "beat")]
    assert [b["metadata"]["name"] for b in beats] == ["ktechpass-beat"]
    (beat,) = beats
    assert beat["kind"] == "Deployment"
    assert beat["spec"]["replicas"] == 1
    assert beat["spec"]["strategy"] == {"type": "Recreate"}
    assert not [
        hpa
        for hpa in by_kind("HorizontalPodAutoscaler")
        if hpa["spec"]["scaleTargetRef"]["name"] == "ktechpass-beat"
    ]


def test_the_autoscaler_targets_the_web_deployment():
    (hpa,) = by_kind("HorizontalPodAutoscaler")
    assert hpa["apiVersion"] == "autoscaling/v2"
    target = hpa["spec"]["scaleTargetRef"]
    web = one("Deployment", target["name"])
    assert (target["kind"], target["apiVersion"]) == ("Deployment", "apps/v1")
    assert runs(web, "gunicorn")
    assert 2 <= hpa["spec"]["minReplicas"] < hpa["spec"]["maxReplicas"]


def longest_task_limit(settings) -> int:
    """The longest hard time limit any registered task may run for (its own, or the default)."""
    from config.celery import app

    app.loader.import_default_modules()
    ours = [task for name, task in app.tasks.items() if not name.startswith("celery.")]
    assert ours, "no project task registered: the limit below would prove nothing"
    return max(int(getattr(task, "time_limit", None) or settings.CELERY_TASK_TIME_LIMIT) for task in ours)


def test_a_stopping_worker_outlives_its_longest_task(settings):
    assert settings.CELERY_TASK_TIME_LIMIT, "without a hard time limit no grace period is long enough"
    worker = one("Deployment", "ktechpass-worker")
    assert runs(worker, "celery", "worker")
    grace = worker["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
    assert grace > longest_task_limit(settings)


def test_web_probes_readiness_and_liveness_on_the_container_port():
    (web,) = containers(one("Deployment", "ktechpass-web"))
    port_names = {port["name"]: port["containerPort"] for port in web["ports"]}
    assert web["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert web["livenessProbe"]["httpGet"]["path"] == "/healthz"
    for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
        assert web[probe]["httpGet"]["port"] in port_names
    assert port_names["http"] == 8000  # config/gunicorn.py binds 0.0.0.0:8000


def test_migrations_run_in_a_job_and_nowhere_else():
    migrating = [w for w in workloads() if runs(w, "migrate")]
    assert [(w["kind"], w["metadata"]["name"]) for w in migrating] == [("Job", "ktechpass-migrate")]
    job = migrating[0]
    assert job["spec"]["template"]["spec"]["restartPolicy"] == "Never"


def test_every_image_is_pinned_to_one_release_tag():
    images = {c["image"] for w in workloads() for c in containers(w)}
    assert len(images) == 1, images  # web, worker, beat and migrate run the same release
    (image,) = images
    name, _, tag = image.rpartition(":")
    assert name, f"{image} has no tag"
    assert "/" not in tag, f"{image} has no tag"
    assert tag not in {"latest", "stable", "main", "master"}
    kustomization = yaml.safe_load((MANIFESTS / "kustomization.yaml").read_text())
    assert [(i["name"], i["newTag"]) for i in kustomization["images"]] == [(name, tag)]


def test_every_pod_runs_as_the_image_user_on_a_read_only_root_with_a_writable_tmp():
    for workload in workloads():
        pod = workload["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["securityContext"]["runAsUser"] == 10001  # the Dockerfile's app user
        assert pod["automountServiceAccountToken"] is False
        tmp_volumes = {v["name"] for v in pod["volumes"] if "emptyDir" in v}
        for container in pod["containers"]:
            assert container["securityContext"]["readOnlyRootFilesystem"] is True
            assert container["securityContext"]["allowPrivilegeEscalation"] is False
            assert {m["name"] for m in container["volumeMounts"] if m["mountPath"] == "/tmp"} <= tmp_volumes
            assert any(m["mountPath"] == "/tmp" for m in container["volumeMounts"])
            assert "memory" in container["resources"]["limits"]
            assert container["resources"]["requests"]


def test_every_workload_reads_the_config_map_and_secret_defined_here():
    config_map = by_kind("ConfigMap")[0]["metadata"]["name"]
    secret = by_kind("Secret")[0]["metadata"]["name"]
    for workload in workloads():
        for container in containers(workload):
            sources = container["envFrom"]
            assert {"configMapRef": {"name": config_map}} in sources
            assert {"secretRef": {"name": secret}} in sources


def test_the_secret_template_holds_no_secret():
    (secret,) = by_kind("Secret")
    assert secret["stringData"], "the template should name every key"
    assert set(secret["stringData"].values()) == {""}
    assert "data" not in secret


def test_service_and_disruption_budget_select_the_web_pods():
    web = one("Deployment", "ktechpass-web")
    labels = web["spec"]["template"]["metadata"]["labels"]
    (service,) = by_kind("Service")
    (budget,) = by_kind("PodDisruptionBudget")
    for selector in (service["spec"]["selector"], budget["spec"]["selector"]["matchLabels"]):
        assert selector.items() <= labels.items()
    assert web["spec"]["selector"]["matchLabels"].items() <= labels.items()
    assert (
        budget["spec"]["minAvailable"]
        < one("HorizontalPodAutoscaler", "ktechpass-web")["spec"]["minReplicas"]
    )
    assert service["spec"]["ports"][0]["targetPort"] == "http"


def test_worker_and_beat_start_without_the_plain_text_banner():
    """As in compose: --quiet before the subcommand, so Celery prints no banner that is not JSON."""
    for workload in workloads():
        for container in containers(workload):
            command = container.get("command", [])
            if "celery" in command and ("worker" in command or "beat" in command):
                subcommand = "worker" if "worker" in command else "beat"
                assert command.index("--quiet") < command.index(subcommand), command
