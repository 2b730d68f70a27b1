"""The cycle every stage that keeps results between runs goes through (ingest per raw file,
extraction per article), so a run only does new work:

1. Under the stage's lock, the newest stored result per unit key; `current(key)` gives it only
   when it was made with the current fingerprint (code, data files, library versions). The
   stage adds its own test of whether the unit itself changed (a file's size, time and hash;
   the fields of an article extraction reads), and processes the units that did.
2. Each unit's result is `record`ed: buffered, then appended to the store as one segment
   every `checkpoint_every` units, so a run killed half-way keeps what it finished. The
   stage's fault point sits between a unit processed and its result saved.
3. `finish(keep)` saves what is still buffered and compacts the store to the units in `keep`;
   results of units no longer there are dropped.

The on-disk layout is ResultStore's (state.py); each index row also records the fingerprint
its result was made with, in its last column.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandera.polars as pa
import polars as pl

from pipelines.faults import FaultPoint, fault_point
from pipelines.store.state import KEY, ResultStore, StoredResults
from schemas import frame_from_rows, polars_schema

FINGERPRINT = "fingerprint"


@dataclass(frozen=True)
class StageState:
    """What a stage keeps per unit of work, under <state>/<name>/."""

    name: str
    # Per unit, what tells a later run whether the unit changed (besides the fingerprint).
    unit_index: Mapping[str, pl.DataType]
    tables: Mapping[str, type[pa.DataFrameModel]]  # the rows kept per unit, by table
    # reached after each unit is processed, before its result is saved (None: no crash test)
    fault_point: FaultPoint | None

    def store(self, state_dir: Path | str) -> ResultStore:
        return ResultStore(
            Path(state_dir) / self.name,
            {**self.unit_index, FINGERPRINT: pl.String()},
            {name: polars_schema(model) for name, model in self.tables.items()},
        )


class IncrementalRun:
    """One run's view of a stage's state; see the module docstring. Made by incremental_run."""

    def __init__(
        self,
        stage: StageState,
        store: ResultStore,
        fingerprint: str,
        checkpoint_every: int,
        stored: StoredResults | None,
        index: pl.DataFrame,
    ):
        self.stage = stage
        self.store = store
        self.fingerprint = fingerprint
        self.checkpoint_every = checkpoint_every
        self.stored = stored  # None unless the stored tables were loaded
        self._index = {row[KEY]: row for row in index.iter_rows(named=True)}
        self._by_key: dict[str, dict[tuple, pl.DataFrame]] = {}
        self._keys: list[str] = []  # buffered units, not yet saved
        self._units: list[dict] = []
        self._rows: dict[str, list[dict]] = {name: [] for name in stage.tables}

    # -- what is stored --------------------------------------------------------------------

    def stored_keys(self) -> set[str]:
        return set(self._index)

    def current(self, key: str) -> dict | None:
        """The stored index row of `key` when its result was made with this fingerprint."""
        kept = self._index.get(key)
        return kept if kept is not None and kept[FINGERPRINT] == self.fingerprint else None

    def rows(self, table: str, key: str) -> list[dict]:
        """The stored rows of `key` in `table` (needs the tables loaded)."""
        if self.stored is None:
            raise RuntimeError("incremental_run(load_tables=False) loaded no stored rows")
        if table not in self._by_key:
            self._by_key[table] = self.stored.tables[table].partition_by(
                KEY, as_dict=True, maintain_order=True
            )
        df = self._by_key[table].get((key,))
        return [] if df is None else df.drop(KEY).to_dicts()

    # -- what this run does ----------------------------------------------------------------

    def record(
        self,
        key: str,
        unit: Mapping[str, object],
        rows: Mapping[str, list[dict]],
        *,
        processed: bool = True,
    ) -> None:
        """Keep `key`'s result: its index fields and its rows per table. `processed=False`
        for a result kept as it was with new index fields (a file touched, not changed)."""
        self._keys.append(key)
        self._units.append({KEY: key, **unit, FINGERPRINT: self.fingerprint})
        for name in self.stage.tables:
            self._rows[name].extend({**r, KEY: key} for r in rows.get(name, ()))
        if processed and self.stage.fault_point is not None:
            fault_point(self.stage.fault_point, key)  # processed, not yet saved
        if len(self._keys) >= self.checkpoint_every:
            self._save()

    def finish(self, keep: list[str]) -> None:
        """Save what is buffered, then keep only the results of `keep` in one segment."""
        if self._keys:
            self._save()
        self.store.compact(keep=keep)

    def _save(self) -> None:
        index = pl.DataFrame(self._units, schema=self.store.index_schema)
        frames = {
            name: frame_from_rows(model, self._rows[name]).with_columns(
                pl.Series(KEY, [r[KEY] for r in self._rows[name]], dtype=pl.String)
            )
            for name, model in self.stage.tables.items()
        }
        self.store.append(index, frames)
        self._keys.clear()
        self._units.clear()
        for rows in self._rows.values():
            rows.clear()


@contextmanager
def incremental_run(
    stage: StageState,
    state_dir: Path | str,
    fingerprint: str,
    *,
    checkpoint_every: int,
    lock_timeout_s: float | None = None,
    load_tables: bool = False,
) -> Iterator[IncrementalRun]:
    """Hold the stage's lock for one run over its state. Without `load_tables` only the index
    is read: a run that decides up front what to redo reads the rows once, at the end."""
    store = stage.store(state_dir)
    with store.locked(lock_timeout_s):
        if load_tables:
            stored = store.load()
            index = stored.index
        else:
            stored, index = None, store.load_index()
        yield IncrementalRun(stage, store, fingerprint, checkpoint_every, stored, index)


def in_unit_order(
    df: pl.DataFrame, order: Mapping[str, int] | tuple[pl.Series, pl.Series]
) -> pl.DataFrame:
    """Stored rows grouped by unit in the given order (position by key, or the keys and
    their positions as two Series, for a caller that orders many frames: making a Series of
    a dict of 200,000 keys took 0.1 s a call), without the key; within a unit, as
    recorded. Rows already in that order (a cold run's) are not copied."""
    keys, positions = order if isinstance(order, tuple) else (list(order), list(order.values()))
    pos = df[KEY].replace_strict(keys, positions, return_dtype=pl.Int64)
    if not pos.is_sorted():
        df = df.with_columns(pos.alias("_pos")).sort("_pos", maintain_order=True).drop("_pos")
    return df.drop(KEY)
