"""The eventwire command as a user runs it: a real run into a temporary folder, then SQL."""

from __future__ import annotations

import shutil

import pytest

from pipelines.cli import main
from pipelines.store import table_path
from tests.helpers import RAW, REPO


@pytest.fixture(scope="module")
def small_run(tmp_path_factory):
    raw = tmp_path_factory.mktemp("raw")
    shutil.copy(RAW / "realist-us-venezuela.txt", raw)
    shutil.copy(RAW / "realist-us-venezuela.meta.json", raw)
    (raw / "broken.json").write_text('{"title": ', encoding="utf-8")
    warehouse = tmp_path_factory.mktemp("wh")
    return raw, warehouse


def test_run_prints_summary_and_sql_reads_it(small_run, capsys, monkeypatch):
    raw, warehouse = small_run
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    assert main(["run", "--raw", str(raw), "--warehouse", str(warehouse)]) == 0
    out = capsys.readouterr().out
    assert "Rows per table" in out
    assert "Most frequent event types" in out
    assert "Files: 2 seen = 1 read + 0 duplicates + 1 in ingest_errors" in out
    assert "Articles: 1, of which 0 near-duplicates and 0 not in English" in out
    assert out.count("eventwire sql") == 2
    assert (warehouse / "eventwire.duckdb").is_file()
    for table in ("articles", "events", "claims", "quantities", "actors", "ingest_errors"):
        assert (warehouse / "parquet" / table / "part-0.parquet").is_file()

    q = "SELECT event_type, count(*) AS n FROM events GROUP BY 1 ORDER BY 1"
    assert main(["sql", q, "--warehouse", str(warehouse)]) == 0
    out = capsys.readouterr().out
    assert "ASSAULT" in out and "SANCTION" in out

    assert main(["sql", "SELECT reason FROM ingest_errors", "--warehouse", str(warehouse)]) == 0
    assert "bad_json" in capsys.readouterr().out


def test_sql_is_read_only(small_run, capsys):
    _, warehouse = small_run
    assert main(["sql", "DROP TABLE events", "--warehouse", str(warehouse)]) == 1
    assert "read-only" in capsys.readouterr().err.lower()
    assert main(["sql", "SELECT count(*) FROM events", "--warehouse", str(warehouse)]) == 0


@pytest.mark.parametrize(
    "statement",
    [
        "COPY (SELECT 1 AS x) TO '{parquet}'",  # would overwrite a table's source of truth
        "COPY (SELECT 1 AS x) TO '{outside}'",
        "SELECT * FROM read_csv('{secret}')",
        "ATTACH '{outside}.duckdb' AS other",
        "SET enable_external_access = true",
        "INSTALL httpfs",
        "SELECT * FROM 'http://127.0.0.1:9/data.csv'",
    ],
)
def test_sql_reaches_no_file_but_the_warehouse(small_run, capsys, tmp_path, statement):
    _, warehouse = small_run
    parquet = table_path(warehouse, "events")
    before = parquet.read_bytes()
    secret = tmp_path / "secret.csv"
    secret.write_text("token\nhunter2\n")
    outside = tmp_path / "written.csv"
    sql = statement.format(parquet=parquet, outside=outside, secret=secret)
    assert main(["sql", sql, "--warehouse", str(warehouse)]) == 1
    out, err = capsys.readouterr()
    assert err.startswith("eventwire: query failed:"), err
    assert "hunter2" not in out + err
    assert parquet.read_bytes() == before
    assert list(tmp_path.iterdir()) == [secret]


def test_clear_errors(tmp_path, capsys):
    assert main(["run", "--raw", str(tmp_path / "missing"), "--warehouse", str(tmp_path)]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["sql", "SELECT 1", "--warehouse", str(tmp_path / "none")]) == 2
    assert "run `eventwire run` first" in capsys.readouterr().err


def test_environment_variables_set_the_folders(small_run, tmp_path, monkeypatch, capsys):
    raw, _ = small_run
    monkeypatch.setenv("EVENTWIRE_RAW_DIR", str(raw))
    monkeypatch.setenv("EVENTWIRE_WAREHOUSE_DIR", str(tmp_path / "wh"))
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    assert main(["run"]) == 0
    assert (tmp_path / "wh" / "eventwire.duckdb").is_file()
    assert main(["sql", "SELECT count(*) AS n FROM articles"]) == 0
    assert "1" in capsys.readouterr().out


def test_dagster_code_location_validates(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    dagster = Path(sys.executable).parent / "dagster"
    out = subprocess.run(
        [str(dagster), "definitions", "validate"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        env={**os.environ, "DAGSTER_HOME": str(tmp_path)},
        check=False,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert "Validation successful for code location eventwire" in out.stderr + out.stdout
