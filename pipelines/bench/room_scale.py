"""The reading room at scale without parsing anything: a warehouse whose tables are a small
warehouse's rows repeated (new ids, dates spread over three years), its room written cold,
then again after 1% more articles arrive on the latest days.

    python -m pipelines.bench.room_scale --from warehouse --n 2000 --work /tmp/room-scale

Prints the seconds and peak RSS of each room write (each in a child process of its own, so
one write's memory does not hide the next's)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import polars as pl

# Columns holding an id of a row that is repeated: each copy gets its own.
_IDS = {
    "article_id", "event_id", "claim_id", "quantity_id", "cluster_id", "claim_cluster_id",
    "duplicate_of",
}  # fmt: skip
_COPIED = ("articles", "events", "claims", "quantities", "event_clusters", "claim_clusters")
_SPREAD_DAYS = 3 * 365


def _copy(df: pl.DataFrame, k: int, step: int, ingested: dt.datetime) -> pl.DataFrame:
    shift = dt.timedelta(days=k * step)
    out = []
    for name, dtype in df.schema.items():
        col = pl.col(name)
        if name in _IDS:
            col = col + f"-{k}"
        elif name == "ingested_at":
            col = pl.lit(ingested, dtype=dtype)
        elif dtype == pl.Date:
            col = col + shift
        out.append(col.alias(name))
    return df.select(out)


def synthetic_warehouse(
    source: Path, target: Path, copies: int, step: int, ingested: dt.datetime
) -> int:
    """Write `target`'s Parquet tables and DuckDB file: source's rows copied `copies` times,
    copy k moved k * step days later; copies already in target are kept as they are.
    Returns the article count."""
    from pipelines.store import build_warehouse, read_table, write_table
    from schemas import TABLES

    base = {t: read_table(source, t) for t in TABLES}
    per_copy = base["articles"].height
    for table, df in base.items():
        if table in _COPIED:
            # The copies already there keep their ingestion time; new ones are "now".
            old = read_table(target, table) if (target / "parquet" / table).exists() else None
            have = 0 if old is None else old.height // max(df.height, 1)
            new = [_copy(df, k, step, ingested) for k in range(have, copies)]
            df = pl.concat(([old] if old is not None else []) + new)
        write_table(target, table, df)
    build_warehouse(target, list(TABLES), force=True)
    return copies * per_copy


def _timed_room(warehouse: Path) -> dict[str, float]:
    code = (
        "import json, resource, sys, time\n"
        "from pipelines.report import build_reading_room\n"
        "t, c = time.perf_counter(), time.process_time()\n"
        "room = build_reading_room(sys.argv[1])\n"
        "print(json.dumps({'seconds': round(time.perf_counter() - t, 2),"
        " 'cpu_seconds': round(time.process_time() - c, 2),"
        " 'peak_rss_mb': round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),"
        " 'files': room.files, 'reused': getattr(room, 'reused', None)}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(warehouse)], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m pipelines.bench.room_scale")
    p.add_argument("--from", dest="source", type=Path, required=True, help="a built warehouse")
    p.add_argument("--n", type=int, default=2000, help="articles in the cold warehouse")
    p.add_argument("--work", type=Path, required=True, help="folder for the warehouse (emptied)")
    args = p.parse_args(argv)
    from pipelines.store import read_table

    shutil.rmtree(args.work, ignore_errors=True)
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    clock = time.perf_counter()
    per_copy = read_table(args.source, "articles").height
    copies = -(-args.n // per_copy)
    step = max(1, _SPREAD_DAYS // copies)
    n = synthetic_warehouse(args.source, args.work, copies, step, start)
    print(f"{n} articles written in {time.perf_counter() - clock:.1f} s", flush=True)
    print("cold room:", _timed_room(args.work), flush=True)
    # 1% more: copies on the days after the latest, ingested a day later.
    later = start + dt.timedelta(days=1)
    more = synthetic_warehouse(args.source, args.work, -(-copies * 101 // 100), step, later)
    print(f"+1% ({more - n} articles) room:", _timed_room(args.work), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
