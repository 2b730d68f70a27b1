"""One input file read into article rows and error rows, before duplicates across files are
folded (combine.py): what a later run keeps for a file that does not change."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from pipelines.errors import IngestError
from pipelines.ingest.article_row import article_row
from pipelines.ingest.readers import RecordError
from pipelines.ingest.registry import read_items


@dataclass
class FileRead:
    """What one input file gave: article rows (metadata already JSON) and error rows."""

    path: str  # relative to raw/
    records: list[dict]
    errors: list[dict]


def read_file(raw_dir: Path, path: Path, now: dt.datetime, max_bytes: int) -> FileRead:
    """Read one input file into article rows and error rows; never raises for bad input."""
    rel = path.relative_to(raw_dir).as_posix()
    out = FileRead(rel, [], [])

    def error(where: str, err: IngestError, record: int | None = None) -> None:
        out.errors.append(
            {
                "source_path": where,
                "source_record": record,
                "reason": err.reason,
                "message": err.message,
                "seen_at": now,
            }
        )

    outcomes = 0  # article rows and error rows this file produced
    try:
        for item in read_items(path, max_bytes):
            outcomes += 1
            if isinstance(item, RecordError):
                where = item.path.relative_to(raw_dir).as_posix() if item.path else rel
                error(where, item.error, item.record)
                outcomes -= where != rel  # a sidecar's error says nothing about this file
                continue
            try:
                row = article_row(item, rel, now)
            except IngestError as err:
                error(rel, err, item.record)
                continue
            row["metadata"] = json.dumps(
                row["metadata"], ensure_ascii=False, sort_keys=True, default=str
            )
            out.records.append(row)
    except IngestError as err:
        error(rel, err, err.record)
        outcomes += 1
    except Exception as err:  # a reader bug must not cost the rest of the batch
        error(rel, IngestError("unreadable", f"{type(err).__name__}: {err}"))
        outcomes += 1
    if not outcomes:
        error(rel, IngestError("no_article_text", "the file holds no records"))
    return out


def refused_read(shown: str, err: IngestError, now: dt.datetime) -> FileRead:
    """An entry below raw/ that is not read at all (a link out of raw/, a FIFO ...): one error
    row under the path it is shown by."""
    row = {
        "source_path": shown,
        "source_record": None,
        "reason": err.reason,
        "message": err.message,
        "seen_at": now,
    }
    return FileRead(shown, [], [row])
