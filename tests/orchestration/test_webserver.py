"""The Dagster UI as a user opens it: the webserver started on 127.0.0.1 from the project's
pyproject settings, asked over GraphQL for the asset graph, checks, jobs, schedules and
sensors, which must be the ones the code location defines."""

from __future__ import annotations

import inspect
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from pipelines.definitions import defs
from schemas import TABLES
from tests.helpers import REPO, cli_env

QUERY = """
{
  repositoriesOrError {
    ... on RepositoryConnection {
      nodes {
        location { name }
        jobs { name }
        schedules { name cronSchedule executionTimezone pipelineName scheduleState { status } }
        sensors { name targets { pipelineName } }
        assetNodes {
          assetKey { path }
          groupName
          description
          dependencyKeys { path }
          assetChecksOrError { ... on AssetChecks { checks { name } } }
          metadataEntries {
            label
            ... on TableSchemaMetadataEntry { schema { columns { name description } } }
          }
        }
      }
    }
    ... on PythonError { message }
  }
}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, timeout: float = 5) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout) as resp:
        return resp.read()


def graphql(port: int, query: str) -> dict:
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=60) as resp:
        body = json.loads(resp.read())
    assert "errors" not in body, body["errors"]
    return body["data"]


@pytest.fixture(scope="module")
def webserver(tmp_path_factory):
    home = tmp_path_factory.mktemp("dagster-home")
    shutil.copy(REPO / "deploy" / "dagster.yaml", home / "dagster.yaml")
    port = free_port()
    exe = Path(sys.executable).parent / "dagster-webserver"
    env = cli_env(
        DAGSTER_HOME=str(home),
        EVENTWIRE_WAREHOUSE_DIR=str(tmp_path_factory.mktemp("wh")),
    )
    log = (home / "webserver.log").open("wb")
    # Its own session: the code server it starts is stopped with it.
    proc = subprocess.Popen(
        [str(exe), "-h", "127.0.0.1", "-p", str(port)],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 240
        while True:
            if proc.poll() is not None:
                pytest.fail((home / "webserver.log").read_text()[-3000:])
            try:
                get(f"http://127.0.0.1:{port}/server_info")
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                assert time.monotonic() < deadline, "the webserver did not come up"
                time.sleep(0.1)
        yield port
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=30)
        log.close()


@pytest.fixture(scope="module")
def repository(webserver) -> dict:
    data = graphql(webserver, QUERY)["repositoriesOrError"]
    assert "nodes" in data, data
    [repo] = data["nodes"]
    return repo


def test_the_code_location_loads_under_its_project_name(repository):
    assert repository["location"]["name"] == "eventwire"


def test_asset_graph_has_every_asset_and_edge(repository):
    nodes = {"/".join(n["assetKey"]["path"]): n for n in repository["assetNodes"]}
    expected = {k.to_user_string() for k in defs.resolve_asset_graph().get_all_asset_keys()}
    assert set(nodes) == expected
    for table in TABLES:
        assert f"warehouse/{table}" in nodes
        deps = {"/".join(d["path"]) for d in nodes[f"warehouse/{table}"]["dependencyKeys"]}
        assert deps == {table}
    # The parse, per shard of the articles; the tables assembled from every shard.
    shards = nodes["article_extractions"]
    assert {"/".join(d["path"]) for d in shards["dependencyKeys"]} == {"articles"}
    for table in ("extracted_events", "extracted_claims", "quantities", "actors"):
        deps = {"/".join(d["path"]) for d in nodes[table]["dependencyKeys"]}
        assert deps == {"articles", "article_extractions"}
        assert nodes[table]["groupName"] == "extract"
    for table in ("events", "claims"):
        deps = {"/".join(d["path"]) for d in nodes[table]["dependencyKeys"]}
        assert deps == {f"extracted_{table}", "articles"}
        assert nodes[table]["groupName"] == "link"
    # Descriptions are the pandera models' docstrings, written once.
    for table, model in TABLES.items():
        doc = inspect.cleandoc(model.__doc__)
        assert nodes[table]["description"] == doc
        assert nodes[f"warehouse/{table}"]["description"].endswith(doc)
    # Column schemas with the pandera models' descriptions.
    events_schema = next(
        m["schema"]
        for m in nodes["events"]["metadataEntries"]
        if m["label"] == "dagster/column_schema"
    )
    described = {c["name"]: c["description"] for c in events_schema["columns"]}
    assert described["modality"] == "Whether the text says it happened."


def test_every_check_is_listed(repository):
    listed = {
        ("/".join(n["assetKey"]["path"]), c["name"])
        for n in repository["assetNodes"]
        for c in n["assetChecksOrError"]["checks"]
    }
    defined = {
        (k.asset_key.to_user_string(), k.name) for k in defs.resolve_asset_graph().asset_check_keys
    }
    assert listed == defined
    names = {name for _, name in listed}
    assert names == {
        "matches_model",
        "every_file_accounted_for",
        "no_duplicate_keys",
        "references_exist",
        "spans_match_text",
        "freshness_check",
    }


def test_schedule_sensors_and_jobs_are_listed(repository):
    jobs = {j["name"] for j in repository["jobs"]}
    assert {"eventwire_job", "raw_files_job"} <= jobs
    [schedule] = repository["schedules"]
    assert (schedule["name"], schedule["cronSchedule"], schedule["executionTimezone"]) == (
        "nightly_schedule",
        "0 2 * * *",
        "UTC",
    )
    assert schedule["pipelineName"] == "eventwire_job"
    assert schedule["scheduleState"]["status"] == "STOPPED"
    sensors = {
        s["name"]: [t["pipelineName"] for t in s["targets"] or []] for s in repository["sensors"]
    }
    assert sensors["raw_files_sensor"] == ["raw_files_job"]
    assert "freshness_checks_sensor" in sensors
