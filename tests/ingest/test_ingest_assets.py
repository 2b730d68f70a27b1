"""The ingest assets in Dagster: a mixed batch of good, duplicate, foreign and broken inputs
materialized end to end, the accounting in the metadata, and the asset check."""

from __future__ import annotations

import shutil

import polars as pl
import pytest

from pipelines.defs.ingest import FILES_ACCOUNTED_FOR
from pipelines.ingest import account_for_files, read_raw_folder
from tests.helpers import INGEST_FIXTURES, materialize_all, read_all_tables


@pytest.fixture(scope="module")
def mixed_run(tmp_path_factory):
    raw = tmp_path_factory.mktemp("raw")
    shutil.copytree(INGEST_FIXTURES / "formats", raw / "formats")
    shutil.copytree(INGEST_FIXTURES / "neardup", raw / "neardup")
    shutil.copy(INGEST_FIXTURES / "neardup" / "mekong-own-report.txt", raw / "again.txt")
    (raw / "es.txt").write_text(
        "BOGOTÁ (Agencia Meridiana). El Gobierno colombiano anunció el martes que enviará mil "
        "soldados más a la frontera con Venezuela después de que grupos armados atacaran dos "
        "puestos de control.",
        encoding="utf-8",
    )
    (raw / "broken.jsonl").write_text('{"text": \n', encoding="utf-8")
    (raw / "empty.txt").write_bytes(b"")
    warehouse = tmp_path_factory.mktemp("warehouse")
    result = materialize_all(raw, warehouse)
    assert result.success
    tables = read_all_tables(warehouse)
    return result, tables


def test_accounting_in_metadata_and_check_passes(mixed_run):
    result, tables = mixed_run
    meta = {
        m.asset_key.path[-1]: {k: v.value for k, v in m.metadata.items()}
        for m in result.asset_materializations_for_node("raw_articles")
    }["articles"]
    assert meta["files_seen"] == 4 + 4 + 4  # formats/, neardup/ (sidecars are not inputs), 4
    assert meta["files_seen"] == meta["files_read"] + meta["files_duplicate"] + meta["files_failed"]
    assert (meta["files_duplicate"], meta["files_failed"]) == (1, 2)
    assert meta["duplicates"] == 1  # again.txt
    assert meta["near_duplicates"] == 2
    assert meta["non_english"] == 1
    assert meta["ingest_errors"] == tables["ingest_errors"].height
    checks = {
        (c.asset_key.to_user_string(), c.check_name): c
        for c in result.get_asset_check_evaluations()
    }
    check = checks[("articles", FILES_ACCOUNTED_FOR)]
    assert check.passed
    assert check.metadata["files_unaccounted"].value == 0
    for table in ("articles", "ingest_errors", "events", "claims", "quantities", "actors"):
        assert checks[(table, "matches_model")].passed, table


def test_extraction_skips_non_english_and_reads_every_new_format(mixed_run):
    _, tables = mixed_run
    articles = tables["articles"]
    spanish = articles.filter(pl.col("language") == "es")["article_id"].to_list()
    assert len(spanish) == 1
    assert not set(spanish) & set(tables["events"]["article_id"])
    extracted = articles.filter(pl.col("article_id").is_in(tables["events"]["article_id"]))
    assert {"rss", "atom", "warc", "html"} <= set(extracted["source_format"])
    reasons = dict(tables["ingest_errors"].select("source_path", "reason").iter_rows())
    assert reasons["broken.jsonl"] == "bad_json"
    assert reasons["empty.txt"] == "empty"


def test_accounting_reports_a_file_no_table_mentions(tmp_path):
    (tmp_path / "a.txt").write_text(
        "QUITO (Atlas News Agency). Ecuador declared a state of emergency in two provinces."
    )
    (tmp_path / "b.txt").write_bytes(b"")
    result = read_raw_folder(tmp_path)
    assert account_for_files(result.files, result.articles, result.errors).adds_up
    # An error row gone missing (as if a reader had swallowed the file) must not add up.
    lost = result.errors.filter(pl.col("source_path") != "b.txt")
    accounting = account_for_files(result.files, result.articles, lost)
    assert not accounting.adds_up
    assert accounting.unaccounted == ["b.txt"]
    assert "1 unaccounted for (b.txt)" in accounting.summary()
