"""Extraction as Dagster partitions (EVENTWIRE_SHARDS hash shards of the article id): the same
raw/ gives the same tables at widths 1 and 4, and a run of one shard's partition extracts that
shard, after which the tables are assembled as in a whole run."""

from __future__ import annotations

import subprocess
import sys

import dagster as dg

from pipelines.definitions import ASSETS, defs
from pipelines.defs.extract import article_extractions, extracted_tables
from pipelines.defs.ingest import raw_articles
from pipelines.defs.partitions import SHARD_PARTITIONS
from pipelines.defs.resources import EventwireSettings, build_resources
from pipelines.store import TableFiles, state_dir
from tests.helpers import RAW, REPO, assert_same_tables, cli_env, read_tables, run_meta
from tests.table_digest import table_digests


def test_eventwire_run_at_four_shards_writes_the_tables_of_one(shipped_run, tmp_path):
    _, one_shard = shipped_run
    warehouse = tmp_path / "warehouse"
    run = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "run", "--raw", str(RAW), "--warehouse", warehouse],
        cwd=REPO,
        env=cli_env(EVENTWIRE_SHARDS="4"),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    stores = sorted(p.name for p in (state_dir(warehouse) / "extract-4-shards").iterdir())
    assert stores == ["0", "1", "2", "3", "locks"]
    # Row for row in the same order, and the digests the behaviour pin compares.
    assert_same_tables(read_tables(warehouse), read_tables(one_shard))
    assert table_digests(warehouse) == table_digests(one_shard)


def test_the_extraction_is_partitioned_by_shard():
    job = defs.resolve_job_def("eventwire_job")
    assert job.partitions_def == SHARD_PARTITIONS
    assert SHARD_PARTITIONS.get_partition_keys() == ["0"]  # EVENTWIRE_SHARDS unset: one
    assert article_extractions.partitions_def == SHARD_PARTITIONS
    assert extracted_tables.partitions_def is None  # assembled from every shard


def test_a_run_of_one_shard_then_the_assembly_gives_the_tables(shipped_run, tmp_path):
    _, whole = shipped_run
    settings = EventwireSettings(raw_dir=str(RAW), warehouse_dir=str(tmp_path / "w"))
    resources = build_resources(settings)
    read = dg.materialize(ASSETS, selection=[raw_articles], resources=resources)
    assert read.success
    shard = dg.materialize(
        ASSETS, selection=[article_extractions], partition_key="0", resources=resources
    )
    assert shard.success
    [mat] = shard.asset_materializations_for_node("article_extractions")
    assert mat.partition == "0"
    assert mat.metadata["articles_parsed"].value == 8
    tables = dg.materialize(ASSETS, selection=[extracted_tables], resources=resources)
    assert tables.success
    assert run_meta(tables)["extracted_events"]["articles_parsed"] == 8
    for name in ("quantities", "actors"):
        got = TableFiles(tmp_path / "w").read(name)
        assert got.equals(read_tables(whole)[name]), name
