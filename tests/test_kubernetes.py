"""The Kubernetes manifests: valid against the API's schemas (offline), and safe to run.

`kubernetes-validate` ships the OpenAPI schemas of each Kubernetes release; strict mode
also refuses fields the API does not know (a typo is not silently dropped).
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from aurum.config import Settings

ROOT = Path(__file__).resolve().parent.parent
MANIFESTS = ROOT / "deploy" / "kubernetes"
KUBERNETES_VERSION = "1.30"  # the oldest release the manifests are meant for
# Applied on their own (docs/kubernetes.md): real secrets, and the Job before a rollout.
STANDALONE = {"secret.example.yaml", "migrate-job.yaml"}
# Read by the container's command line, not by the service's settings.
COMMAND_VARIABLES = {"WORKERS"}


def documents(name: str) -> list[dict[str, Any]]:
    text = (MANIFESTS / name).read_text()
    return [doc for doc in yaml.safe_load_all(text) if doc]


def manifests() -> dict[str, dict[str, Any]]:
    """Every resource, by kind (one of each)."""
    found: dict[str, dict[str, Any]] = {}
    for path in sorted(MANIFESTS.glob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        for doc in documents(path.name):
            assert doc["kind"] not in found, f"two {doc['kind']} manifests"
            found[doc["kind"]] = doc
    return found


def pod_spec(kind: str) -> dict[str, Any]:
    spec: dict[str, Any] = manifests()[kind]["spec"]["template"]["spec"]
    return spec


@pytest.mark.parametrize("name", sorted(p.name for p in MANIFESTS.glob("*.yaml")))
def test_each_manifest_is_valid(name: str) -> None:
    for doc in documents(name):
        if doc["kind"] == "Kustomization":
            continue  # not an API object: checked by the test below
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


def test_an_invalid_manifest_is_refused() -> None:
    # The check itself works here (offline): a misspelt field and a wrong type both fail.
    deployment = copy.deepcopy(manifests()["Deployment"])
    deployment["spec"]["replica"] = 2
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSION, strict=True)
    deployment = copy.deepcopy(manifests()["Deployment"])
    deployment["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"] = "x"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSION, strict=True)


def test_the_kustomization_lists_every_manifest_but_the_standalone_ones() -> None:
    listed = set(documents("kustomization.yaml")[0]["resources"])
    present = {p.name for p in MANIFESTS.glob("*.yaml")} - {"kustomization.yaml"}
    assert listed == present - STANDALONE


def test_pods_run_as_the_images_non_root_user_without_privileges() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    uid = re.search(r"useradd [^\n]*--uid (\d+)", dockerfile)
    assert uid is not None
    assert re.search(rf"^USER {uid[1]}(:\d+)?$", dockerfile, re.MULTILINE)
    assert int(uid[1]) != 0
    for kind in ("Deployment", "Job"):
        spec = pod_spec(kind)
        assert spec["securityContext"]["runAsNonRoot"] is True
        assert spec["securityContext"]["runAsUser"] == int(uid[1])
        assert spec["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault"
        assert spec["automountServiceAccountToken"] is False
        volumes = {volume["name"] for volume in spec["volumes"]}
        for container in spec["containers"]:
            context = container["securityContext"]
            assert context["allowPrivilegeEscalation"] is False
            assert context["readOnlyRootFilesystem"] is True
            assert context["capabilities"]["drop"] == ["ALL"]
            assert set(container["resources"]) == {"requests", "limits"}
            # Whatever must be writable is an emptyDir of the pod.
            assert {mount["name"] for mount in container["volumeMounts"]} <= volumes


def test_probes_use_liveness_and_readiness() -> None:
    container = pod_spec("Deployment")["containers"][0]
    assert container["readinessProbe"]["httpGet"]["path"] == "/health/ready"
    assert container["livenessProbe"]["httpGet"]["path"] == "/health"
    # Pods never migrate: the Job does, before the rollout.
    assert container["command"] == ["aurum", "serve"]
    assert "db upgrade" in pod_spec("Job")["containers"][0]["args"][0]


def test_the_autoscaler_budget_and_service_find_the_pods() -> None:
    found = manifests()
    deployment = found["Deployment"]
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert deployment["spec"]["selector"]["matchLabels"].items() <= labels.items()
    assert found["Service"]["spec"]["selector"].items() <= labels.items()
    assert found["PodDisruptionBudget"]["spec"]["selector"]["matchLabels"].items() <= labels.items()
    target = found["HorizontalPodAutoscaler"]["spec"]["scaleTargetRef"]
    assert (target["kind"], target["name"]) == ("Deployment", deployment["metadata"]["name"])
    assert "replicas" not in deployment["spec"]  # the autoscaler owns the count
    assert found["HorizontalPodAutoscaler"]["spec"]["minReplicas"] >= 2


def test_configuration_names_only_real_settings() -> None:
    found = manifests()
    names = set(found["ConfigMap"]["data"]) | set(found["Secret"]["stringData"])
    settings = {name.upper() for name in Settings.model_fields}
    assert names - COMMAND_VARIABLES <= settings
    # The example's secret key is a placeholder that production refuses to start with.
    assert len(found["Secret"]["stringData"]["SECRET_KEY"]) < 32
    for kind in ("Deployment", "Job"):
        sources = pod_spec(kind)["containers"][0]["envFrom"]
        assert {s.get("configMapRef", s.get("secretRef"))["name"] for s in sources} == {
            found["ConfigMap"]["metadata"]["name"],
            found["Secret"]["metadata"]["name"],
        }


def test_prometheus_finds_each_pods_metrics_port() -> None:
    found = manifests()
    config = found["ConfigMap"]["data"]
    pod = found["Deployment"]["spec"]["template"]
    ports = {port["name"]: port["containerPort"] for port in pod["spec"]["containers"][0]["ports"]}
    assert ports["metrics"] == int(config["METRICS_PORT"]) != ports["http"]
    assert config["METRICS_HOST"] == "0.0.0.0"  # noqa: S104 - the scraper is on another pod
    annotations = pod["metadata"]["annotations"]
    assert annotations["prometheus.io/scrape"] == "true"
    assert annotations["prometheus.io/port"] == config["METRICS_PORT"]
    service_ports = {port["name"]: port["targetPort"] for port in found["Service"]["spec"]["ports"]}
    assert service_ports["metrics"] == "metrics"
    # Settings(...) accepts the ConfigMap's values as they are written.
    Settings(
        _env_file=None, metrics_port=config["METRICS_PORT"], metrics_host=config["METRICS_HOST"]
    )


def test_the_configuration_is_one_production_accepts() -> None:
    found = manifests()
    values = found["ConfigMap"]["data"] | found["Secret"]["stringData"]
    values = {k.lower(): v for k, v in values.items() if k not in COMMAND_VARIABLES}
    values["secret_key"] = "x" * 40  # the example's placeholder is refused on purpose
    settings = Settings(_env_file=None, **values)
    assert settings.mail_backend == "smtp"  # production refuses the console backend
    assert settings.forwarded_allow_ips  # the Ingress controller's address is believed
    assert settings.log_renderer == "json"
