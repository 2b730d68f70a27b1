"""The eventwire command as a user runs it: a real run into a temporary folder, then SQL."""

from __future__ import annotations

import csv
import errno
import io
import json
import re
import shutil
import subprocess

import dagster as dg
import pytest

from pipelines.cli import dagster_home, main
from pipelines.report import ROOM_INDEX
from pipelines.store import table_parts
from tests.helpers import RAW, REPO, cli_env


@pytest.fixture(scope="module")
def small_run(tmp_path_factory):
    raw = tmp_path_factory.mktemp("raw")
    shutil.copy(RAW / "realist-us-venezuela.txt", raw)
    shutil.copy(RAW / "realist-us-venezuela.meta.json", raw)
    (raw / "broken.json").write_text('{"title": ', encoding="utf-8")
    warehouse = tmp_path_factory.mktemp("wh")
    return raw, warehouse


def test_run_prints_summary_and_sql_reads_it(small_run, capsys, monkeypatch, tmp_path):
    raw, warehouse = small_run
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    monkeypatch.chdir(REPO)
    assert main(["run", "--raw", str(raw), "--warehouse", str(warehouse)]) == 0
    out = capsys.readouterr().out
    assert "Rows per table" in out
    assert "Most frequent event types" in out
    assert "Files: 2 seen = 1 read + 0 duplicates + 1 in ingest_errors" in out
    assert "Articles: 1, of which 0 near-duplicates and 0 not in English" in out
    # The failed file is named, with the query that lists every one.
    assert "  broken.json: bad_json\n" in out
    # And where the reading room is, to open in a browser.
    assert f"Reading room (open in a browser; it makes no network request):\n  {warehouse}" in out
    assert (warehouse / "reports" / "index.html").is_file()
    # Two queries to try and the failed files' one, each a command that works when pasted in
    # the checkout, whether or not the venv is activated.
    pasteable = re.compile(r'  \S*eventwire sql "')
    commands = [line.strip() for line in out.splitlines() if pasteable.match(line)]
    assert len(commands) == 3, out
    outputs = []
    for command in commands:
        pasted = subprocess.run(
            ["bash", "-c", command],
            cwd=REPO,
            env=cli_env(),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert pasted.returncode == 0, (command, pasted.stderr)
        assert "shape:" in pasted.stdout, (command, pasted.stdout)
        outputs.append(pasted.stdout)
    assert "bad_json" in outputs[0]  # the failed files' query comes first
    # The run is in the history the UI shows (the same DAGSTER_HOME).
    with dg.DagsterInstance.from_config(str(tmp_path / "home")) as instance:
        assert [r.job_name for r in instance.get_runs()] == ["eventwire_job"]
    assert (warehouse / "eventwire.duckdb").is_file()
    for table in ("articles", "events", "claims", "quantities", "actors", "ingest_errors"):
        assert table_parts(warehouse, table), table

    q = "SELECT event_type, count(*) AS n FROM events GROUP BY 1 ORDER BY 1"
    assert main(["sql", q, "--warehouse", str(warehouse)]) == 0
    out = capsys.readouterr().out
    assert "ASSAULT" in out and "SANCTION" in out

    assert main(["sql", "SELECT reason FROM ingest_errors", "--warehouse", str(warehouse)]) == 0
    assert "bad_json" in capsys.readouterr().out


def test_sql_formats_give_whole_values(small_run, capsys):
    _, warehouse = small_run
    q = "SELECT claim_id, content, speaker_text FROM claims ORDER BY length(content) DESC"
    assert main(["sql", q, "--warehouse", str(warehouse), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    longest = rows[0]["content"]
    assert len(longest) > 80  # what the table view cuts
    assert main(["sql", q, "--warehouse", str(warehouse), "--format", "csv"]) == 0
    assert list(csv.DictReader(io.StringIO(capsys.readouterr().out))) == [
        {k: "" if v is None else v for k, v in row.items()} for row in rows
    ]
    assert main(["sql", q, "--warehouse", str(warehouse), "--format", "markdown"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:2] == ["| claim_id | content | speaker_text |", "| --- | --- | --- |"]
    assert longest.replace("|", "\\|") in lines[2]
    assert len(lines) == 2 + len(rows)
    # Lists as JSON in CSV, which has no nested values.
    lists = "SELECT outlet_names FROM event_clusters LIMIT 1"
    assert main(["sql", lists, "--warehouse", str(warehouse), "--format", "csv"]) == 0
    (row,) = csv.DictReader(io.StringIO(capsys.readouterr().out))
    assert json.loads(row["outlet_names"]) == ["Realist"]

    wide = "SELECT * FROM claims ORDER BY length(content) DESC"
    assert main(["sql", wide, "--warehouse", str(warehouse)]) == 0
    cut = capsys.readouterr().out
    assert longest not in cut and "…" in cut
    assert main(["sql", wide, "--warehouse", str(warehouse), "--wide"]) == 0
    whole = capsys.readouterr().out
    assert longest in whole
    header = next(line for line in whole.splitlines() if "claim_id" in line)
    for column in rows[0]:
        assert column in header
    assert "extractor_version" in header  # the last column, hidden without --wide


def test_runs_share_the_uis_dagster_home(monkeypatch, tmp_path):
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    monkeypatch.delenv("EVENTWIRE_RUN_HISTORY", raising=False)
    # The folder the Makefile exports as DAGSTER_HOME for `make run` and `make ui`.
    assert dagster_home() == REPO / ".dagster"
    assert (REPO / ".dagster" / "dagster.yaml").is_file()
    monkeypatch.setenv("EVENTWIRE_RUN_HISTORY", "off")
    assert dagster_home() is None
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    assert dagster_home() == tmp_path / "home"


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
    [parquet, *_] = table_parts(warehouse, "events")
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
    monkeypatch.setenv("EVENTWIRE_RUN_HISTORY", "off")
    assert main(["run"]) == 0
    assert (tmp_path / "wh" / "eventwire.duckdb").is_file()
    assert main(["sql", "SELECT count(*) AS n FROM articles"]) == 0
    assert "1" in capsys.readouterr().out


def test_a_room_that_cannot_be_written_is_reported_and_the_previous_stays(
    small_run, tmp_path, monkeypatch, capsys
):
    raw, warehouse = tmp_path / "raw", tmp_path / "wh"
    shutil.copytree(small_run[0], raw)
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    monkeypatch.setenv("EVENTWIRE_RUN_HISTORY", "off")
    assert main(["run", "--raw", str(raw), "--warehouse", str(warehouse)]) == 0
    room = warehouse / ROOM_INDEX
    page = room.read_bytes()
    data = sorted((room.parent / "room").rglob("*"))
    capsys.readouterr()

    # A new article changes the warehouse, and the disk fills while its room is written
    # (tests run as root: a read-only folder would not stop them).
    (raw / "lima.txt").write_text(
        "Police arrested 12 protesters in Lima on Monday, the interior ministry said.\n",
        encoding="utf-8",
    )

    def disk_full(*_args: object, **_kwargs: object) -> str:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("pipelines.report.room._json", disk_full)
    assert main(["run", "--raw", str(raw), "--warehouse", str(warehouse)]) == 0
    out = capsys.readouterr().out
    assert "Articles: 2," in out  # the run's tables are written all the same
    (said,) = [line for line in out.splitlines() if line.startswith("Reading room: ")]
    assert "not written this run" in said and "StorageError" in said, said
    # The previous room stays whole, with nothing of the failed one beside it.
    assert room.read_bytes() == page
    assert sorted((room.parent / "room").rglob("*")) == data


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
