"""What several test modules share: where things are, a run materialized in-process, the
environment of a run in a child process, and ways to compare two warehouses.

Test modules import from here (or from a fixture in conftest.py), never from one another."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest
from filelock import FileLock

from pipelines.definitions import ASSETS
from pipelines.defs.resources import EventwireSettings, build_resources
from pipelines.store import DUCKDB_FILE, TableFiles, state_dir, table_parts
from schemas import TABLES

REPO = Path(__file__).resolve().parent.parent
RAW = REPO / "raw"
GOLD = REPO / "tests" / "gold"
GOLD_TEXTS = GOLD / "texts"
INGEST_FIXTURES = REPO / "tests" / "fixtures" / "ingest"

# Columns that record when a run happened, not what it found.
RUN_TIME_COLUMNS = {
    "articles": ["ingested_at"],
    "ingest_errors": ["seen_at"],
    "extraction_errors": ["failed_at"],
}


def gold_articles(n: int) -> list[Path]:
    """The text and sidecar files of the first n gold articles, by name."""
    files = sorted(GOLD_TEXTS.iterdir())
    stems = sorted({p.name.split(".")[0] for p in files})[:n]
    return [p for p in files if p.name.split(".")[0] in stems]


def materialize_all(raw_dir: Path, warehouse_dir: Path) -> dg.ExecuteInProcessResult:
    settings = EventwireSettings(raw_dir=str(raw_dir), warehouse_dir=str(warehouse_dir))
    return dg.materialize(ASSETS, resources=build_resources(settings), raise_on_error=False)


def cli_env(**extra: str) -> dict[str, str]:
    """The environment of an eventwire run in a child process: ours, without EVENTWIRE_*
    settings or DAGSTER_HOME from the caller, keeping no run history (not the checkout's
    .dagster/, the UI's), plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("EVENTWIRE_")}
    env.pop("DAGSTER_HOME", None)
    env["EVENTWIRE_RUN_HISTORY"] = "off"
    env["PYTHONPATH"] = str(REPO)
    env.update(extra)
    return env


def hold_warehouse_lock(folder: Path, stage: str) -> subprocess.Popen:
    """Another process holding `stage`'s warehouse lock on `folder`, returned once it holds it;
    it lets go when a line is written to its stdin, or when it is killed."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from pipelines.store.locks import warehouse_lock\n"
            "with warehouse_lock(sys.argv[1], sys.argv[2]):\n"
            "    print('locked', flush=True); sys.stdin.readline()",
            str(folder),
            stage,
        ],
        cwd=REPO,
        env=cli_env(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "locked"
    return holder


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def counts(db: Path) -> dict[str, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in TABLES}
    finally:
        con.close()


def run_meta(result) -> dict[str, dict]:
    """Materialization metadata by asset name (last path part; warehouse/x as x@warehouse)."""
    out = {}
    for node in ("raw_articles", "extracted_tables", "linked_tables", "duckdb_warehouse"):
        for mat in result.asset_materializations_for_node(node):
            path = mat.asset_key.path
            name = path[-1] if len(path) == 1 else f"{path[-1]}@{path[0]}"
            out[name] = {k: v.value for k, v in mat.metadata.items()}
    return out


def read_tables(warehouse: Path) -> dict[str, pl.DataFrame]:
    files = TableFiles(warehouse)
    return {t: files.read(t) for t in TABLES}


def read_all_tables(warehouse: Path) -> dict[str, pl.DataFrame]:
    """Every table written under <warehouse>/parquet/ (each read from all its parts)."""
    files = TableFiles(warehouse)
    return {p.name: files.read(p.name) for p in sorted((warehouse / "parquet").iterdir())}


def table_digest(warehouse: Path, table: str) -> str:
    """A digest of the table's part files together (which months, and their bytes)."""
    h = hashlib.sha256()
    for path in table_parts(warehouse, table):
        h.update(f"{path.parent.name}/{path.name}\n".encode() + path.read_bytes())
    return h.hexdigest()


def without_run_times(tables: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    return {t: df.drop(RUN_TIME_COLUMNS.get(t, [])) for t, df in tables.items()}


def assert_same_tables(a: dict[str, pl.DataFrame], b: dict[str, pl.DataFrame]) -> None:
    a, b = without_run_times(a), without_run_times(b)
    for table in TABLES:
        assert a[table].equals(b[table]), table


def duckdb_rows(warehouse: Path) -> dict[str, list[str]]:
    """Every table of the DuckDB file as a sorted list of rows, run-time columns left out."""
    con = duckdb.connect(str(warehouse / DUCKDB_FILE), read_only=True)
    try:
        out = {}
        for table in TABLES:
            df = con.sql(f'SELECT * FROM "{table}"').pl()
            out[table] = sorted(map(repr, df.drop(RUN_TIME_COLUMNS.get(table, [])).rows()))
        return out
    finally:
        con.close()


def leftovers(warehouse: Path) -> list[str]:
    """Anything a killed run left half done: temporaries, a half-built DuckDB file, state
    segments without their COMPLETE marker, more than one segment per store."""
    found = [str(p) for p in warehouse.rglob("*.tmp")]
    found += [str(p) for p in warehouse.glob(f".{DUCKDB_FILE}.building*")]
    for store in ("ingest", "extract"):
        segments = list((state_dir(warehouse) / store).glob("seg-*"))
        found += [str(s) for s in segments if not (s / "COMPLETE").is_file()]
        if len(segments) != 1:
            found.append(f"{store}: {len(segments)} segments")
    return found


def duckdb_cli() -> str:
    exe = Path(sys.executable).parent / "duckdb"
    found = str(exe) if exe.exists() else shutil.which("duckdb")
    if not found:
        pytest.fail("the duckdb-cli dev dependency is not installed: run make setup")
    return found


def cli_json(db: Path, sql: str) -> list[dict]:
    """A read-only query through the DuckDB 1.x CLI, as an analyst would run it."""
    out = subprocess.run(
        [duckdb_cli(), "-readonly", "-json", str(db), "-c", sql],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout or "[]")


def built_once(
    tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]
) -> Path:
    """A folder that `build` fills once per test session, however many xdist workers ask for
    it: the first to ask builds it under a file lock, the others wait and reuse it. Tests only
    read it (copy it first to change anything)."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # this session's folder, shared by its workers
    folder = root / name
    with FileLock(str(root / f"{name}.lock")):
        if not (folder / ".built").is_file():
            shutil.rmtree(folder, ignore_errors=True)  # a build that failed half-way
            folder.mkdir()
            build(folder)
            (folder / ".built").touch()
    return folder
