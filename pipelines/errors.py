"""Every error eventwire raises on purpose, in one place: a stable code, a message that says what
to do, and whether trying again could help.

The Dagster retry policy (pipelines/defs/policies.py) reads `deterministic` and `retry_later`
from these classes instead of knowing each stage's modules. Each class keeps the built-in base
it always had (ValueError, RuntimeError, OSError), so code that catches those still works.

Codes are stable: people search logs and tickets for them, so add new ones but never rename or
reuse one. Ingest errors carry the reason codes of the data contract (schemas.codes.REASONS,
the values of ingest_errors.reason) rather than a code of their own.

Imports nothing heavy: parser processes load the lexicons, and with them this module.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import ClassVar

from schemas.codes import REASONS


class EventwireError(Exception):
    """Base of every error below. `code` is stable; `what_to_do` is added to the message a
    failed step shows when the message itself does not already say it."""

    code: ClassVar[str] = "eventwire_error"
    # The same input fails the same way every time: retrying only repeats the work.
    deterministic: ClassVar[bool] = True
    # Nothing is wrong but something is held: retry after a wait instead of failing.
    retry_later: ClassVar[bool] = False
    what_to_do: ClassVar[str] = ""

    def describe(self) -> str:
        """One line for a person: class, code, message and what to do."""
        text = f"{type(self).__name__} [{self.code}]: {self}"
        if self.what_to_do and self.what_to_do.lower() not in text.lower():
            text += f" ({self.what_to_do})"
        return text


# ingest


class IngestError(EventwireError):
    """A raw file or record that cannot become an article. Recorded in ingest_errors with its
    reason code, never fatal to the batch."""

    what_to_do = "see the reason's row in README's table of ingest reasons"

    def __init__(self, reason: str, message: str, record: int | None = None):
        if reason not in REASONS:
            raise ValueError(f"unknown ingest reason code {reason!r}; known: {REASONS}")
        self.reason = reason
        self.message = message
        self.record = record  # the record inside the file, when the error is about one
        super().__init__(f"{reason}: {message}")

    @property
    def code(self) -> str:  # type: ignore[override]  # per instance: the reason code
        return self.reason


class SourcesError(EventwireError, ValueError):
    """sources.yaml is missing, unreadable or has an invalid entry."""

    code = "bad_sources_file"
    what_to_do = "fix the named entry of the sources file (EVENTWIRE_SOURCES), then run again"


class FetchError(EventwireError):
    """One feed could not be fetched (refused redirect, over the size cap, network error).
    Reported for that feed; the other feeds are still fetched."""

    code = "fetch_failed"
    deterministic = False  # the network may be back next time
    what_to_do = "check the feed's URL; the next run asks again"


# extract


class LexiconError(EventwireError, ValueError):
    """A data file is missing, unreadable or has an invalid entry."""

    code = "bad_lexicon"
    what_to_do = (
        "fix the named entry (or the file of that name in EVENTWIRE_LEXICON_DIR), then run again"
    )


class ModelNotInstalled(EventwireError, RuntimeError):
    """The spaCy model named by EVENTWIRE_SPACY_MODEL cannot be loaded."""

    code = "model_not_installed"
    what_to_do = "run `make setup`, or set EVENTWIRE_SPACY_MODEL to an installed model"


class ShardsBehind(EventwireError, RuntimeError):
    """The extraction tables were to be assembled while some shards had not extracted the
    current articles yet (a run of some shards only, or one still running elsewhere)."""

    code = "extraction_shards_behind"
    what_to_do = (
        "materialize article_extractions for the shards named (or run the whole job), then "
        "extracted_tables"
    )

    def __init__(self, behind: dict[int, int]):
        self.behind = behind
        shards = ", ".join(f"shard {k}: {n} articles" for k, n in sorted(behind.items()))
        super().__init__(f"extraction shards not up to date with the articles ({shards})")


# validation


class TableValidationError(EventwireError, ValueError):
    """A table failed its pandera model; the message names the table, columns and row indexes.
    The table is not written."""

    code = "table_invalid"
    what_to_do = (
        "the rules or a lexicon produced a value the model forbids: fix them, or report the "
        "table and rows named"
    )

    def __init__(self, table: str, problems: list[str]):
        self.table = table
        self.problems = problems
        super().__init__(f"table {table!r} failed validation:\n  " + "\n  ".join(problems))


# store


class StorageError(EventwireError, OSError):
    """A warehouse file could not be written because the disk is full, or the folder is
    read-only or not ours. Whatever was already in the warehouse is left as it was."""

    code = "storage_unwritable"
    # Deterministic: retried a minute later it fails the same way, after redoing the work,
    # and the person who must free space learns of it later.
    what_to_do = "free space or make the folder writable, then run again"

    def __init__(self, errno_code: int, path: Path | str):
        super().__init__(errno_code, os.strerror(errno_code), str(path))

    def __str__(self) -> str:
        return (
            f"cannot write {self.filename}: {self.strerror.lower()}. Free space or make the "
            "folder writable, then run again; the warehouse from the last complete run is "
            "unchanged"
        )


class WarehouseBusy(EventwireError, RuntimeError):
    """Another run kept the lock longer than the timeout."""

    code = "warehouse_busy"
    deterministic = False
    retry_later = True
    what_to_do = "wait for the other run to finish (or raise EVENTWIRE_LOCK_TIMEOUT)"


class WarehouseInUse(EventwireError, RuntimeError):
    """Someone holds the served DuckDB file open read-write. Swapping a new file in would let
    that session's write-ahead log (eventwire.duckdb.wal) apply to the new file for every
    later reader, so the new file is not swapped in."""

    code = "warehouse_in_use"
    what_to_do = (
        "close the read-write DuckDB session on the warehouse (`eventwire sql` opens it "
        "read-only), then run again; readers keep the previous warehouse meanwhile"
    )

    def __init__(self, path: Path | str):
        self.path = Path(path)
        super().__init__(
            f"step duckdb_warehouse: {self.path} is open read-write in another session, so "
            f"the new warehouse was not swapped in. {self.what_to_do[0].upper()}"
            f"{self.what_to_do[1:]}"
        )


# benchmark (make bench)


class BenchError(EventwireError, RuntimeError):
    """The benchmark could not measure what it set out to (a failed run, a bad corpus)."""

    code = "bench_failed"
    what_to_do = "read the run's output quoted in the message"


class CorpusError(EventwireError, ValueError):
    """corpus.yaml is malformed; the message names the entry."""

    code = "bad_bench_corpus"
    what_to_do = "fix the named entry of pipelines/bench/corpus.yaml"


ALL_ERRORS: tuple[type[EventwireError], ...] = (
    IngestError,
    SourcesError,
    FetchError,
    LexiconError,
    ModelNotInstalled,
    ShardsBehind,
    TableValidationError,
    StorageError,
    WarehouseBusy,
    WarehouseInUse,
    BenchError,
    CorpusError,
)
