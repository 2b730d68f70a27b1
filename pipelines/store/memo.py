"""Whether a step's tables are still what its inputs give, so a run with nothing new neither
recomputes nor rereads them.

After a step writes its tables it records what they were computed from (a signature of its
inputs, which the step defines) and what it left (the identity of each table: size and
modification time to the nanosecond locally, the content hash in an object store; writes keep
a table with identical content untouched). A later run with the same input signature and every
table still as recorded can reuse them as they are. Anything else (a table deleted or
rewritten by hand, a record missing or from an older version) means computing again.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pipelines.store.atomic import write_bytes_atomic
from pipelines.store.parquet import TableFiles

MEMO_DIR = "memo"  # under state/
_VERSION = 1


@dataclass(frozen=True)
class Recorded:
    inputs: str
    rows: dict[str, int]  # per table, for the step's metadata when it reuses them
    extra: dict  # whatever else the step recorded


class StepMemo:
    """The record of one step's last computation, at <state>/memo/<step>.json. `tables` maps
    each table the step writes to where it is stored."""

    def __init__(self, state_dir: Path | str, step: str, tables: Mapping[str, TableFiles]):
        self.path = Path(state_dir) / MEMO_DIR / f"{step}.json"
        self.tables = dict(tables)

    def still_valid(self, inputs: str) -> Recorded | None:
        """The record, when it was made from `inputs` and every table is as it left them."""
        recorded = self.intact()
        return recorded if recorded is not None and recorded.inputs == inputs else None

    def intact(self) -> Recorded | None:
        """The record, when every table is as it left them (whatever the inputs now)."""
        try:
            record = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if record.get("version") != _VERSION:
            return None
        if set(record.get("tables", {})) != set(self.tables):
            return None
        for table, files in self.tables.items():
            identity = files.identity(table)
            if identity is None or identity != record["tables"][table]:
                return None
        rows = {t: int(n) for t, n in record["rows"].items()}
        return Recorded(record["inputs"], rows, record.get("extra", {}))

    def record(self, inputs: str, rows: Mapping[str, int], extra: dict | None = None) -> None:
        """Call after every table is written: their identities now are what a reuse checks."""
        record = {
            "version": _VERSION,
            "inputs": inputs,
            "tables": {table: files.identity(table) for table, files in self.tables.items()},
            "rows": dict(rows),
            "extra": extra or {},
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(self.path, json.dumps(record, sort_keys=True).encode())

    def frame_path(self, name: str) -> Path:
        """Where the step may keep a frame of its own beside the record."""
        return self.path.with_name(f"{self.path.stem}.{name}.parquet")

    def forget(self) -> None:
        """Before writing tables: a run killed half-way must not leave a record that a mix
        of old and new tables would match."""
        self.path.unlink(missing_ok=True)
