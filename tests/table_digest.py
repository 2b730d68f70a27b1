"""A digest of every warehouse table, to pin behaviour across refactors.

`table_digests(warehouse)` hashes each Parquet table's rows (all its parts together) in a
canonical order, leaving out
the columns that record *when* a run happened (timestamps differ on every run). Two runs that
extract the same rows give the same digests, whatever order they wrote them in.

Regenerate the pinned file after a change meant to alter extraction:

    .venv/bin/python -m tests.table_digest --update
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from pathlib import Path

import polars as pl

from tests.helpers import GOLD_TEXTS, RAW, REPO, materialize_all, read_all_tables

PINNED = REPO / "tests" / "table_digests.json"
CORPORA = {"raw": RAW, "gold": GOLD_TEXTS}


def table_digests(warehouse: Path) -> dict[str, str]:
    out = {}
    for table, frame in read_all_tables(warehouse).items():
        frame = frame.select(
            sorted(
                name for name, dtype in frame.schema.items() if not isinstance(dtype, pl.Datetime)
            )
        )
        rows = sorted(json.dumps(row, default=str) for row in frame.iter_rows())
        h = hashlib.sha256(json.dumps(frame.columns).encode())
        for row in rows:
            h.update(row.encode() + b"\n")
        out[table] = f"{frame.height}:{h.hexdigest()[:16]}"
    return out


def build(raw_dir: Path, warehouse: Path) -> dict[str, str]:
    result = materialize_all(raw_dir, warehouse)
    if not result.success:
        raise RuntimeError(f"materializing {raw_dir} failed")
    return table_digests(warehouse)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true", help=f"rewrite {PINNED.name}")
    args = parser.parse_args(argv)
    digests = {}
    for name, raw in CORPORA.items():
        with tempfile.TemporaryDirectory() as tmp:
            digests[name] = build(raw, Path(tmp))
    text = json.dumps(digests, indent=2, sort_keys=True) + "\n"
    if args.update:
        PINNED.write_text(text)
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
