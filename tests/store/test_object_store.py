"""Parquet tables in an object store: the same code location with EVENTWIRE_PARQUET_URL set
to an s3:// URL, against a local S3 server (moto) on 127.0.0.1. The DuckDB serving copy,
the state and the locks stay in the local warehouse folder."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import socket

import dagster as dg
import duckdb
import polars as pl
import pyarrow.fs
import pytest

from pipelines.definitions import ASSETS
from pipelines.defs.resources import EventwireSettings, build_resources
from pipelines.store import DUCKDB_FILE, TableFiles
from pipelines.store.parquet import MANIFEST
from schemas import TABLES
from tests.helpers import GOLD_TEXTS, RAW, run_meta

BUCKET = "eventwire-test"


@pytest.fixture(scope="module")
def s3_url():
    from moto.server import ThreadedMotoServer

    saved = {k: os.environ.get(k) for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")}
    os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        options = f"endpoint_override=127.0.0.1:{port}&scheme=http&region=us-east-1"
        fs, _ = pyarrow.fs.FileSystem.from_uri(
            f"s3://{BUCKET}?{options}&allow_bucket_creation=true"
        )
        fs.create_dir(BUCKET)
        yield f"s3://{BUCKET}/tables?{options}"
    finally:
        server.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def test_tables_live_in_the_object_store_and_duckdb_is_built_from_them(s3_url, tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in ("realist-us-venezuela.txt", "realist-us-venezuela.meta.json"):
        shutil.copy2(RAW / name, raw)
    (raw / "broken.json").write_text('{"title": ', encoding="utf-8")
    warehouse = tmp_path / "wh"
    settings = EventwireSettings(raw_dir=str(raw), warehouse_dir=str(warehouse), parquet_url=s3_url)
    first = dg.materialize(ASSETS, resources=build_resources(settings), raise_on_error=False)
    assert first.success

    assert not (warehouse / "parquet").exists()  # nothing written locally
    files = TableFiles(warehouse, s3_url)
    fs, _ = pyarrow.fs.FileSystem.from_uri(s3_url)
    listed = {
        info.path
        for info in fs.get_file_info(pyarrow.fs.FileSelector(f"{BUCKET}/tables", recursive=True))
        if info.type == pyarrow.fs.FileType.File
    }
    # Each table: its parts and the manifest naming them, nothing else.
    named = set()
    for t in TABLES:
        with fs.open_input_file(f"{BUCKET}/tables/{t}/{MANIFEST}") as fh:
            parts = json.loads(fh.read())["parts"]
        named |= {f"{BUCKET}/tables/{t}/{MANIFEST}"}
        named |= {f"{BUCKET}/tables/{t}/{p['object']}" for p in parts}
    assert listed == named
    assert any("/events/month=" in key for key in listed)  # parted by the articles' months
    con = duckdb.connect(str(warehouse / DUCKDB_FILE), read_only=True)
    try:
        for table in TABLES:
            stored = files.read(table)
            assert stored.height == con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
        assert con.execute("SELECT count(*) FROM events").fetchone()[0] > 0
        reasons = con.execute("SELECT reason FROM ingest_errors").fetchall()
    finally:
        con.close()
    assert reasons == [("bad_json",)]
    assert files.read("events").schema == pl.Schema(
        {n: c.dtype.type for n, c in TABLES["events"].to_schema().columns.items()}
    )

    # Unchanged raw/: nothing re-parsed, no object rewritten, DuckDB not rebuilt.
    second = dg.materialize(ASSETS, resources=build_resources(settings), raise_on_error=False)
    assert second.success
    meta = run_meta(second)
    assert meta["extracted_events"]["articles_parsed"] == 0
    assert meta["events@warehouse"]["rebuilt"] is False
    rewritten = [
        m.metadata["rewritten"].value
        for node in ("raw_articles", "extracted_tables", "linked_tables")
        for m in second.asset_materializations_for_node(node)
    ]
    assert rewritten and not any(rewritten)
    assert meta["events"]["path"].startswith(f"s3://{BUCKET}/tables/events/")

    # An article of another month: its parts are PUT, November's are not, and DuckDB is
    # updated from the new parts streamed from the bucket.
    with fs.open_input_file(f"{BUCKET}/tables/events/{MANIFEST}") as fh:
        november = json.loads(fh.read())["parts"]
    for suffix in (".txt", ".meta.json"):
        shutil.copy(GOLD_TEXTS / f"india-pakistan-loc-clash-poonch{suffix}", raw)
    third = dg.materialize(ASSETS, resources=build_resources(settings), raise_on_error=False)
    assert third.success
    assert run_meta(third)["events@warehouse"]["updated_parts"] == ["2025-10"]
    with fs.open_input_file(f"{BUCKET}/tables/events/{MANIFEST}") as fh:
        parts = json.loads(fh.read())["parts"]
    assert [p["month"] for p in parts] == ["2025-10", "2025-11"]
    assert parts[1] == november[0]
    con = duckdb.connect(str(warehouse / DUCKDB_FILE), read_only=True)
    try:
        for table in TABLES:
            stored = files.read(table)
            assert stored.height == con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
    finally:
        con.close()


def test_a_table_in_parts_is_read_whole_and_a_rewrite_puts_only_changed_parts(s3_url, tmp_path):
    fs, _ = pyarrow.fs.FileSystem.from_uri(s3_url)
    files = TableFiles(tmp_path, s3_url.replace("/tables?", "/parts?"))
    articles = pl.DataFrame(
        {
            "article_id": ["a", "b", "c"],
            "published_date": [dt.date(2026, 1, 5), dt.date(2026, 2, 1), None],
        }
    )
    assert files.write("articles", articles)
    assert files.read("articles").equals(articles)  # months in order, undated last
    folder = f"{BUCKET}/parts/articles"

    def objects() -> dict[str, int]:
        infos = fs.get_file_info(pyarrow.fs.FileSelector(folder, recursive=True))
        return {i.path: i.mtime_ns for i in infos if i.type == pyarrow.fs.FileType.File}

    first = objects()
    assert len(first) == 4  # three months' parts and the manifest
    assert not files.write("articles", articles)  # identical: nothing PUT
    assert objects() == first

    changed = articles.with_columns(
        pl.when(pl.col("article_id") == "b")
        .then(pl.lit("B"))
        .otherwise("article_id")
        .alias("article_id")
    )
    assert files.write("articles", changed)
    second = objects()
    # January's and the undated part are the same objects; February's is a new one, and the
    # old February object, which no manifest names any more, is gone.
    kept = {k for k in first if "month=2026-02" not in k and not k.endswith(MANIFEST)}
    assert kept <= set(second) and all(second[k] == first[k] for k in kept)
    assert len(second) == 4
    assert files.read("articles").equals(changed)
    assert files.read_months("articles", ["2026-02"])["article_id"].to_list() == ["B"]
