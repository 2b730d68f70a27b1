"""The Kubernetes deployment's settings in deploy/k8s/: the instance (K8sRunLauncher) and the
step executor (k8s_job_executor) validate against the schemas of the installed Dagster and
dagster-k8s, and name only steps the jobs have."""

from __future__ import annotations

import kubernetes
import pytest
import yaml
from dagster._config import validate_config
from dagster._core.instance.config import dagster_instance_config_schema
from dagster_k8s import K8sRunLauncher, k8s_job_executor
from dagster_k8s.job import UserDefinedDagsterK8sConfig
from dagster_k8s.models import k8s_snake_case_dict

from pipelines.definitions import build_definitions
from pipelines.defs.executors import K8S, ExecutorSettings
from pipelines.defs.resources import EventwireSettings
from tests.helpers import REPO

K8S_DIR = REPO / "deploy" / "k8s"
INSTANCE = K8S_DIR / "dagster.yaml"
EXECUTOR = K8S_DIR / "executor.yaml"


def load(path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def errors(result) -> list[str]:
    return [e.message for e in result.errors or []]


def test_the_instance_settings_validate_and_launch_runs_on_kubernetes():
    instance = load(INSTANCE)
    assert errors(validate_config(dagster_instance_config_schema(), instance)) == []
    launcher = instance["run_launcher"]
    assert (launcher["module"], launcher["class"]) == ("dagster_k8s", "K8sRunLauncher")
    assert errors(validate_config(K8sRunLauncher.config_type(), launcher["config"])) == []
    # The run queue and the pool limit are the single machine's: one warehouse writer.
    assert instance["concurrency"] == load(REPO / "deploy" / "dagster.yaml")["concurrency"]


def test_the_executor_settings_validate_with_kubernetes_resources():
    config = load(EXECUTOR)
    schema = k8s_job_executor.config_schema.as_field().config_type
    assert errors(validate_config(schema, config)) == []
    step_configs = [config["step_k8s_config"], *config["per_step_k8s_config"].values()]
    for step in step_configs:
        # The container settings as the Kubernetes API reads them (an unknown key raises).
        UserDefinedDagsterK8sConfig.from_dict(step)
        container = k8s_snake_case_dict(kubernetes.client.V1Container, step["container_config"])
        assert set(container["resources"]["requests"]) == {"cpu", "memory"}


def test_a_misspelt_executor_setting_fails_validation():
    config = load(EXECUTOR)
    config["max_concurent"] = config.pop("max_concurrent")
    schema = k8s_job_executor.config_schema.as_field().config_type
    assert any("max_concurent" in e for e in errors(validate_config(schema, config)))


def test_the_steps_given_their_own_resources_exist(tmp_path):
    settings = EventwireSettings(raw_dir=str(tmp_path), warehouse_dir=str(tmp_path / "w"))
    executor = ExecutorSettings(kind=K8S, k8s_executor_config=str(EXECUTOR))
    defs = build_definitions(settings, executor)
    job = defs.resolve_job_def("eventwire_job")
    assert job.executor_def.name == K8S
    steps = {node.name for node in job.graph.nodes}
    assert set(load(EXECUTOR)["per_step_k8s_config"]) <= steps


def test_the_k8s_executor_needs_its_config_file(monkeypatch):
    monkeypatch.setenv("EVENTWIRE_EXECUTOR", "k8s")
    monkeypatch.delenv("EVENTWIRE_K8S_EXECUTOR_CONFIG", raising=False)
    with pytest.raises(ValueError, match="EVENTWIRE_K8S_EXECUTOR_CONFIG"):
        ExecutorSettings.from_env().executor()
