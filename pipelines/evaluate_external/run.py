"""Run the real `eventwire run` on a folder of files and read back the tables scored."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import polars as pl

from pipelines.store import TableFiles

TABLES = ("articles", "events", "claims", "actors")


class PipelineFailed(Exception):
    pass


def run_pipeline(raw_dir: Path, warehouse_dir: Path) -> dict[str, pl.DataFrame]:
    """`eventwire run --raw raw_dir --warehouse warehouse_dir` in a child process, exactly as
    a user runs it, then the Parquet tables it wrote."""
    env = dict(os.environ)
    # An ephemeral Dagster instance: evaluation runs stay out of the UI's run history.
    env.pop("DAGSTER_HOME", None)
    env["EVENTWIRE_RUN_HISTORY"] = "off"
    cmd = [sys.executable, "-m", "pipelines.cli", "run"]
    cmd += ["--raw", str(raw_dir), "--warehouse", str(warehouse_dir)]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        tail = "\n".join((proc.stderr or proc.stdout).splitlines()[-20:])
        raise PipelineFailed(f"eventwire run failed ({proc.returncode}):\n{tail}")
    return read_tables(warehouse_dir)


def read_tables(warehouse_dir: Path) -> dict[str, pl.DataFrame]:
    files = TableFiles(warehouse_dir)
    return {name: files.read(name) for name in TABLES}


def article_of_file(articles: pl.DataFrame) -> dict[str, dict]:
    """Raw file name -> its article row, following exact duplicates folded into another row
    (`duplicate_sources`). Files that made no row (ingest errors) are absent."""
    out: dict[str, dict] = {}
    for row in articles.to_dicts():
        for path in [row["source_path"], *(row["duplicate_sources"] or [])]:
            out[Path(path).name] = row
    return out


def why_not_extracted(row: dict | None) -> str | None:
    """Why an input got no extraction at all, in the pipeline's own terms (None: it was)."""
    if row is None:
        return "not_ingested"
    if row["language"] != "en":
        return "not_english"
    if row["duplicate_of"] is not None:
        return "near_duplicate"
    return None
