"""Fault injection for the crash tests (tests/test_faults.py): inert unless EVENTWIRE_FAULT is set.

A few places in the run call fault_point(name, detail) at a boundary worth crashing on (a state
segment written but not yet marked complete, a Parquet file written but not yet renamed, the
DuckDB file swapped but its build record not yet written, ...). With EVENTWIRE_FAULT unset
the call returns at once and does nothing else. With

    EVENTWIRE_FAULT=<name>[:<detail>][@<n>]

the process kills itself with SIGKILL, as the kernel's OOM killer or `kill -9` would, the n-th
time (default the first) execution reaches a matching point. `name` alone matches every
detail. The points, in the order a run reaches them, are listed in docs/reliability.md.
No Dagster here: the points sit in the domain and store code."""

from __future__ import annotations

import os
import signal

ENV = "EVENTWIRE_FAULT"
_hits: dict[str, int] = {}


def fault_point(name: str, detail: str = "") -> None:
    spec = os.environ.get(ENV)
    if not spec:
        return
    target, _, nth = spec.partition("@")
    if target not in (name, f"{name}:{detail}"):
        return
    _hits[spec] = _hits.get(spec, 0) + 1
    if _hits[spec] == int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)
