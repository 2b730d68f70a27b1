"""Which executor runs a job's steps (EVENTWIRE_EXECUTOR): Dagster's default (each step in its
own process on this machine; `eventwire run` keeps them in its own process); `dask`, where
each step is a task on a Dask worker, of a LocalCluster started for the run on 127.0.0.1 or of
a cluster already running (EVENTWIRE_DASK_SCHEDULER); or `k8s`, each step in its own
Kubernetes job (deploy/k8s/executor.yaml)."""

from __future__ import annotations

import contextlib
import functools
import os
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import yaml

DEFAULT = "default"
DASK = "dask"
K8S = "k8s"
EXECUTORS = (DEFAULT, DASK, K8S)


@dataclass(frozen=True)
class ExecutorSettings:
    kind: str = DEFAULT
    # tcp://host:8786 of a running Dask scheduler; empty: a LocalCluster for each run
    dask_scheduler: str = ""
    dask_workers: int = 0  # LocalCluster workers; 0: Dask's choice (one per core)
    # YAML file of k8s_job_executor's config (deploy/k8s/executor.yaml): each step a k8s job
    k8s_executor_config: str = ""

    @classmethod
    def from_env(cls) -> ExecutorSettings:
        env = os.environ
        kind = env.get("EVENTWIRE_EXECUTOR", DEFAULT).strip().lower() or DEFAULT
        if kind not in EXECUTORS:
            raise ValueError(f"EVENTWIRE_EXECUTOR={kind!r}: use one of {', '.join(EXECUTORS)}")
        return cls(
            kind=kind,
            dask_scheduler=env.get("EVENTWIRE_DASK_SCHEDULER", ""),
            dask_workers=int(env.get("EVENTWIRE_DASK_WORKERS", "0")),
            k8s_executor_config=env.get("EVENTWIRE_K8S_EXECUTOR_CONFIG", ""),
        )

    @property
    def in_run_process(self) -> bool:
        """Whether `eventwire run` may keep the steps in its own process (Dagster's default
        executor can; Dask and Kubernetes send them elsewhere)."""
        return self.kind == DEFAULT

    def executor(self) -> dg.ExecutorDefinition | None:
        """The executor for every asset job; None leaves Dagster's default."""
        if self.kind == DEFAULT:
            return None
        if self.kind == K8S:
            return k8s_step_executor(self.k8s_executor_config)
        if self.dask_scheduler:
            cluster = {"existing": {"address": self.dask_scheduler}}
        else:
            # Nothing listens beyond this machine, and no dashboard is started for a cluster
            # that lives only as long as the run.
            local: dict[str, object] = {"host": "127.0.0.1", "dashboard_address": None}
            if self.dask_workers:
                local["n_workers"] = self.dask_workers
            cluster = {"local": local}
        return dask_step_executor().configured({"cluster": cluster}, name=DASK)


def k8s_step_executor(config_file: str) -> dg.ExecutorDefinition:
    """Dagster's k8s_job_executor with the config in `config_file`, so that scheduled and
    sensor runs get the same step pods as runs launched by hand."""
    if not config_file:
        raise ValueError(
            "EVENTWIRE_EXECUTOR=k8s needs EVENTWIRE_K8S_EXECUTOR_CONFIG: the executor's config "
            "file (deploy/k8s/executor.yaml)"
        )
    from dagster_k8s import k8s_job_executor

    config = yaml.safe_load(Path(config_file).read_text(encoding="utf-8")) or {}
    return k8s_job_executor.configured(config, name=K8S)


def dask_step_executor() -> dg.ExecutorDefinition:
    """dagster-dask's executor (its config, its clusters, its worker-side step runner) with
    one change in how a step is handed to Dask: recent Dask looks inside every tuple argument
    of a task for futures, and Dagster's run record, a tuple, refuses to be iterated
    ("Iteration is not allowed on `@record`"). So the Dagster objects travel inside a partial,
    and only the futures of the steps a step waits for are a task argument, which is what
    keeps the steps in order."""
    # Imported here: the default set-up never loads dask.
    import dask.distributed
    from dagster._core.errors import raise_execution_interrupts
    from dagster._utils import iterate_with_context
    from dagster_dask.executor import DaskExecutor, dask_executor, get_dask_resource_requirements

    class StepsOnDask(DaskExecutor):
        def execute(self, plan_context, execution_plan):
            if not plan_context.instance.is_persistent:
                # The workers read and write the run's events through the instance.
                raise dg.DagsterInvariantViolationError(
                    "the dask executor needs a persistent Dagster instance (DAGSTER_HOME)"
                )
            with contextlib.ExitStack() as held:
                if self.cluster_type == "existing":
                    cluster = self.cluster_configuration["address"]
                elif self.cluster_type == "local":
                    cluster = held.enter_context(
                        dask.distributed.LocalCluster(**self.build_dict(plan_context.job_name))
                    )
                else:
                    raise dg.DagsterInvariantViolationError(
                        f"cluster {self.cluster_type!r}: eventwire runs on 'local' or 'existing'"
                    )
                client = held.enter_context(dask.distributed.Client(cluster))
                run = plan_context.dagster_run
                futures = {}
                for level in execution_plan.get_steps_to_execute_by_level():
                    for step in level:
                        waits_for = [
                            futures[key]
                            for step_input in step.step_inputs
                            for key in step_input.dependency_keys
                        ]
                        work = functools.partial(
                            _run_step,
                            recon_job=plan_context.reconstructable_job,
                            dagster_run=run,
                            run_config=plan_context.run_config,
                            step_keys=[step.key],
                            instance_ref=plan_context.instance.get_ref(),
                            known_state=execution_plan.known_state,
                        )
                        futures[step.key] = client.submit(
                            work,
                            waits_for,
                            # the run id too: two runs of one job are different tasks
                            key=f"{run.job_name}.{step.key}.{run.run_id}",
                            resources=get_dask_resource_requirements(step.tags),
                        )
                done = dask.distributed.as_completed(list(futures.values()), with_results=True)
                for _, step in iterate_with_context(raise_execution_interrupts, done):
                    yield from step.events

    @dg.executor(
        name=DASK,
        config_schema=dask_executor.config_schema.as_field(),
        requirements=dg.multiple_process_executor_requirements(),
    )
    def steps_on_dask(init_context):
        ((cluster_type, cluster_config),) = init_context.executor_config["cluster"].items()
        return StepsOnDask(cluster_type, cluster_config)

    return steps_on_dask


@dataclass
class StepEvents:
    """What a step sent back from its Dask worker. Not a list: Dask sizes a task's result by
    looking inside lists and tuples, which Dagster's events refuse (a warning per step)."""

    events: list

    def __sizeof__(self) -> int:
        return 64 * 1024  # an estimate for Dask's memory accounting; events are small


def _run_step(waits_for: list, **step) -> StepEvents:
    """On a Dask worker: run one step with dagster-dask's step runner."""
    from dagster_dask.executor import query_on_dask_worker

    return StepEvents(query_on_dask_worker(waits_for, **step))
