"""Fault injection for the crash tests (tests/pipeline/test_faults.py): inert unless EVENTWIRE_FAULT is set.

A few places in the run call fault_point(point, detail) at a boundary worth crashing on (a
state segment written but not yet marked complete, a Parquet file written but not yet renamed,
the DuckDB file swapped but its build record not yet written, ...). With EVENTWIRE_FAULT unset
the call checks the point's name and returns. With

    EVENTWIRE_FAULT=<point>[:<detail>][@<n>]

the process kills itself with SIGKILL, as the kernel's OOM killer or `kill -9` would, the n-th
time (default the first) execution reaches a matching point. A point alone matches every
detail. Every point is a member of FaultPoint: a name that is not one raises at once, from the
call and from EVENTWIRE_FAULT alike, so a misspelt point cannot silently never fire.

The points sit at the boundaries of stages (store writes, state segments, the step that calls
validation or linking), never inside pure domain code or the table models. Their order in a run
is listed in docs/reliability.md."""

from __future__ import annotations

import os
import signal
from enum import StrEnum

ENV = "EVENTWIRE_FAULT"


class FaultPoint(StrEnum):
    """Every fault point, in the order a run first reaches them."""

    INGEST_FILE_READ = "ingest.file-read"  # a raw file read, its rows not yet saved
    STATE_SEGMENT_WRITTEN = "state.segment-written"  # a state segment written, not complete
    STATE_SEGMENT_COMPLETE = "state.segment-complete"  # marked complete, older ones still there
    STATE_COMPACTED = "state.compacted"  # a compacted segment beside the ones it replaces
    VALIDATE = "validate"  # a table about to be validated against its model
    ATOMIC_WRITTEN = "atomic.written"  # a file written beside its target, not renamed
    ATOMIC_REPLACED = "atomic.replaced"  # renamed over its target
    EXTRACT_ARTICLE = "extract.article"  # an article extracted, its rows not yet saved
    LINK = "link"  # about to link events or claims across articles
    DUCKDB_TABLE = "duckdb.table"  # a table about to be loaded into the new DuckDB file
    DUCKDB_BUILT = "duckdb.built"  # the new DuckDB file built, not swapped in
    DUCKDB_SWAPPED = "duckdb.swapped"  # swapped in, its build record not yet written


_hits: dict[str, int] = {}


def fault_point(point: FaultPoint | str, detail: str = "") -> None:
    name = _known(point)
    spec = os.environ.get(ENV)
    if not spec:
        return
    target, _, nth = spec.partition("@")
    _known(target.partition(":")[0], source=ENV)
    if target not in (name, f"{name}:{detail}"):
        return
    _hits[spec] = _hits.get(spec, 0) + 1
    if _hits[spec] == int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)


def _known(name: FaultPoint | str, source: str = "fault_point") -> str:
    try:
        return FaultPoint(name).value
    except ValueError:
        known = ", ".join(p.value for p in FaultPoint)
        raise ValueError(f"{source}: unknown fault point {name!r}; known: {known}") from None
