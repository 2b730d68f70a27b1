"""The DuckDB warehouse: built beside the old file from the Parquet tables, then renamed over
it. An analyst holding the old file open keeps a consistent view and never blocks the build.
Builds take turns (a file lock), and a build whose inputs (Parquet files, views, this code)
are those of the current file is skipped.

When only some parts of the tables changed since the current file was built (and the views,
this code and the list of tables did not), the file is copied beside itself, the changed
months' rows are deleted from the copy and inserted again from their parts, and the copy is
renamed over the file as a full build is: the work follows what changed, not the corpus."""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import logging
import os
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb
import pandera.polars as pa
import polars as pl

from pipelines.errors import WarehouseInUse
from pipelines.faults import FaultPoint, fault_point
from pipelines.store import parquet
from pipelines.store.atomic import storage_errors, write_bytes_atomic
from pipelines.store.integrity import ChangedRows, CheckOutcome, check_warehouse, mostly
from pipelines.store.locks import warehouse_lock
from pipelines.store.parquet import (
    PARTED_BY_ARTICLE,
    PARTED_BY_DATE,
    UNDATED,
    TableFiles,
    is_parted,
)
from pipelines.store.state import QUARANTINE
from schemas.relations import REFERENCES, Reference

DUCKDB_FILE = "eventwire.duckdb"
BUILD_RECORD = Path("state") / "duckdb-build.json"  # what the current file was built from
CHECKS_RECORD = Path("state") / "duckdb-checks.json"  # the checks' outcomes on that file
VIEWS_DIR = Path(__file__).parent / "views"
# Written in the 1.0 storage format so DuckDB 1.x clients (the PyPI CLI, DBeaver) can open it.
STORAGE_VERSION = "v1.0.0"
# Keys an update removed from a referenced table, listed in the build record so that only the
# rows naming them are checked again; past this many, the references to it are checked whole.
REMOVED_KEYS_LIMIT = 100_000

log = logging.getLogger(__name__)


@dataclass
class WarehouseBuild:
    path: Path
    row_counts: dict[str, int]
    views: list[str]
    rebuilt: bool = True  # False: the inputs had not changed, the file was kept
    signature: str = field(default="", repr=False)
    # The tables and months updated in a copy of the previous file (empty: built whole).
    updated: dict[str, list[str | None]] = field(default_factory=dict)
    base: str = field(default="", repr=False)
    parts: dict[str, list] = field(default_factory=dict, repr=False)
    # The file it was updated from, as the checks record knows files ([inode, size, time]).
    previous: list[int] | None = field(default=None, repr=False)
    # Per referenced "table.column", the keys the update removed (None: over the limit).
    removed: dict[str, list[str] | None] = field(default_factory=dict, repr=False)


def build_warehouse(
    warehouse_dir: Path | str,
    tables: list[str],
    *,
    force: bool = False,
    lock_timeout_s: float | None = None,
    files: TableFiles | None = None,
) -> WarehouseBuild:
    """Rebuild eventwire.duckdb from the Parquet tables (in `files`: <warehouse>/parquet/ by
    default, or an object store) unless it was built from exactly these already (force:
    rebuild anyway). Raises WarehouseBusy when another build holds the lock longer than
    lock_timeout_s. The DuckDB file itself is always local: it is the serving copy."""
    warehouse_dir = Path(warehouse_dir)
    warehouse_dir.mkdir(parents=True, exist_ok=True)
    files = files or TableFiles(warehouse_dir)
    with warehouse_lock(warehouse_dir, "duckdb", lock_timeout_s):
        signature = inputs_signature(files, tables)
        kept = None if force else _current_build(warehouse_dir, signature)
        if kept is not None:
            return kept
        base = _base_signature(files, tables)
        parts = {table: _part_ids(files, table) for table in tables}
        changed = None if force else _changed_parts(warehouse_dir, base, parts)
        if changed:
            build = _build(warehouse_dir, tables, files, changed, parts)
        else:
            build = _build(warehouse_dir, tables, files)
        build.signature, build.base, build.parts = signature, base, parts
        _record_build(warehouse_dir, build)
        return build


def inputs_signature(files: TableFiles, tables: list[str]) -> str:
    """Identity of everything a build reads. Writes leave identical content untouched, so an
    unchanged table keeps its size and modification time (to the nanosecond)."""
    parts: dict[str, object] = {"storage": STORAGE_VERSION, "tables_at": files.url}
    for table in tables:
        parts[f"table:{table}"] = files.identity(table)
    for view in sorted(VIEWS_DIR.glob("*.sql")):
        parts[f"view:{view.name}"] = hashlib.sha256(view.read_bytes()).hexdigest()
    parts["code"] = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def _base_signature(files: TableFiles, tables: list[str]) -> str:
    """What a build is made of besides the tables' parts: a copy of the last file can be
    updated from the changed parts only while this is the same."""
    parts: dict[str, object] = {"storage": STORAGE_VERSION, "tables_at": files.url}
    parts["tables"] = tables
    for view in sorted(VIEWS_DIR.glob("*.sql")):
        parts[f"view:{view.name}"] = hashlib.sha256(view.read_bytes()).hexdigest()
    parts["code"] = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    parts["parquet_code"] = hashlib.sha256(Path(parquet.__file__).read_bytes()).hexdigest()
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def _part_ids(files: TableFiles, table: str) -> list:
    """[month, identity] of each part of the table."""
    return [[month, identity] for month, identity in files.months(table).items()]


def _changed_parts(
    warehouse_dir: Path, base: str, parts: dict[str, list]
) -> dict[str, list[str | None]] | None:
    """Per table, the months whose parts changed since the current file was built (a table
    kept whole, or written whole before the parts, as [None]); None when the file must be
    built whole: no record of its parts, other views or code, or the file not as built."""
    try:
        record = json.loads((warehouse_dir / BUILD_RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    final = warehouse_dir / DUCKDB_FILE
    if record.get("base") != base or record.get("duckdb") != _file_identity(final):
        return None
    if "articles" not in parts or set(record.get("parts", {})) != set(parts):
        return None
    changed: dict[str, list[str | None]] = {}
    for table, now in parts.items():
        old = {month: identity for month, identity in record["parts"][table]}
        new = {month: identity for month, identity in now}
        months = {m for m in old.keys() | new.keys() if old.get(m) != new.get(m)}
        if not months:
            continue
        whole = not is_parted(table) or None in old or None in new
        changed[table] = [None] if whole else sorted(months)
    return changed


def _file_identity(path: Path) -> list[int] | None:
    if not path.is_file():
        return None
    st = path.stat()
    return [st.st_size, st.st_mtime_ns]


def _current_build(warehouse_dir: Path, signature: str) -> WarehouseBuild | None:
    record_path = warehouse_dir / BUILD_RECORD
    final = warehouse_dir / DUCKDB_FILE
    try:
        record = json.loads(record_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if record.get("signature") != signature or record.get("duckdb") != _file_identity(final):
        return None
    return WarehouseBuild(final, record["row_counts"], record["views"], False, signature)


def _record_build(warehouse_dir: Path, build: WarehouseBuild) -> None:
    # Written after the swap: a run killed in between leaves an old record, and the next
    # run simply builds again.
    record = {
        "signature": build.signature,
        "base": build.base,
        "parts": build.parts,
        "updated": build.updated,
        "previous": build.previous,
        "removed": build.removed,
        "duckdb": _file_identity(build.path),
        "row_counts": build.row_counts,
        "views": build.views,
    }
    path = warehouse_dir / BUILD_RECORD
    path.parent.mkdir(parents=True, exist_ok=True)
    write_bytes_atomic(path, json.dumps(record, indent=1, sort_keys=True).encode())


def _build(
    warehouse_dir: Path,
    tables: list[str],
    files: TableFiles,
    changed: dict[str, list[str | None]] | None = None,
    parts: dict[str, list] | None = None,
) -> WarehouseBuild:
    """Build the file beside the served one (from a copy of it, updated with the `changed`
    parts, when given), then swap it in."""
    tmp = warehouse_dir / f".{DUCKDB_FILE}.building"
    leftovers = (tmp, tmp.with_name(tmp.name + ".wal"))
    with storage_errors(tmp):
        for leftover in leftovers:
            leftover.unlink(missing_ok=True)  # an interrupted earlier build
        try:
            if changed:
                served = warehouse_dir / DUCKDB_FILE
                st = served.stat()
                shutil.copyfile(served, tmp)
                build = _build_beside(warehouse_dir, tmp, tables, files, changed, parts)
                build.previous = [st.st_ino, st.st_size, st.st_mtime_ns]
                return build
            return _build_beside(warehouse_dir, tmp, tables, files)
        except Exception:
            for leftover in leftovers:  # a full disk gets its space back
                with contextlib.suppress(OSError):
                    leftover.unlink(missing_ok=True)
            raise


def _build_beside(
    warehouse_dir: Path,
    tmp: Path,
    tables: list[str],
    files: TableFiles,
    changed: dict[str, list[str | None]] | None = None,
    parts: dict[str, list] | None = None,
) -> WarehouseBuild:
    final = warehouse_dir / DUCKDB_FILE
    counts: dict[str, int] = {}
    views: list[str] = []
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"ATTACH '{_sql_path(tmp)}' AS wh (STORAGE_VERSION '{STORAGE_VERSION}')")
        con.execute("USE wh")
        removed: dict[str, list[str] | None] = {}
        if changed:
            removed = _update_parts(con, tables, files, changed, parts or {})
            counts = {
                t: con.execute(f'SELECT count(*) FROM "{t}"').fetchall()[0][0] for t in tables
            }
            views = [view.stem for view in sorted(VIEWS_DIR.glob("*.sql"))]
        for table in [] if changed else tables:
            if not files.exists(table):
                raise FileNotFoundError(
                    f"cannot build the warehouse: {files.uri(table)} is missing"
                )
            if files.remote:  # streamed through pyarrow: DuckDB has no object-store access here
                con.register("_source", files.arrow_reader(table))
                con.execute(f'CREATE TABLE "{table}" AS SELECT * FROM _source')
                con.unregister("_source")
            else:
                # Every part in table order; the month in a part's folder name is not a
                # column (hive partitioning off), so the table keeps exactly its columns.
                con.execute(
                    f'CREATE TABLE "{table}" AS SELECT * FROM '
                    "read_parquet(?, hive_partitioning = false)",
                    [files.duckdb_source(table)],
                )
            counts[table] = con.execute(f'SELECT count(*) FROM "{table}"').fetchall()[0][0]
            fault_point(FaultPoint.DUCKDB_TABLE, table)
        for view_file in [] if changed else sorted(VIEWS_DIR.glob("*.sql")):
            con.execute(view_file.read_text(encoding="utf-8"))
            views.append(view_file.stem)
        con.execute("CHECKPOINT")
        con.execute("USE memory")
        con.execute("DETACH wh")
    finally:
        con.close()
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    fault_point(FaultPoint.DUCKDB_BUILT)
    _no_foreign_wal(final)
    os.replace(tmp, final)
    fault_point(FaultPoint.DUCKDB_SWAPPED)  # the build record (see _record_build) is written next
    return WarehouseBuild(final, counts, views, updated=changed or {}, removed=removed)


def _update_parts(
    con: duckdb.DuckDBPyConnection,
    tables: list[str],
    files: TableFiles,
    changed: dict[str, list[str | None]],
    parts: dict[str, list],
) -> dict[str, list[str] | None]:
    """In the copy: delete the changed months' rows, then insert them from their parts, in
    one transaction. Rows parted by article are found through the copy's articles as they
    were built (their months then), so they are deleted before the articles are replaced.
    Returns, per referenced "table.column" updated, the keys no longer in it (None: not
    listed, as most of the table was replaced; its references are then checked whole)."""
    con.execute("BEGIN")
    order = sorted(changed, key=lambda t: (t not in PARTED_BY_ARTICLE, tables.index(t)))
    referenced = {(r.target, r.target_column) for r in REFERENCES if r.target in changed}
    # a table kept whole (actors) is small: its removed keys are listed all the same
    unlisted = {
        (t, c) for t, c in referenced if is_parted(t) and mostly(changed[t], len(parts.get(t, [])))
    }
    targets = referenced - unlisted
    for table in order:
        months = changed[table]
        if months == [None]:
            where, params = "TRUE", []
        elif table in PARTED_BY_DATE:
            where = f"{_month_sql(PARTED_BY_DATE[table])} IN (SELECT unnest(?))"
            params = [months]
        else:
            # an article missing from the articles table had its rows in the undated part
            where = (
                "article_id IN (SELECT article_id FROM articles "
                f"WHERE {_month_sql('published_date')} IN (SELECT unnest(?)))"
                + (
                    " OR article_id NOT IN (SELECT article_id FROM articles)"
                    if UNDATED in months
                    else ""
                )
            )
            params = [months]
        for target, column in sorted(targets):
            if target == table:  # the keys the deleted rows held, to tell which came back
                con.execute(
                    f'CREATE TEMP TABLE "_gone_{table}_{column}" AS SELECT DISTINCT "{column}" '
                    f'AS v FROM "{table}" WHERE ({where}) AND "{column}" IS NOT NULL',
                    params,
                )
        con.execute(f'DELETE FROM "{table}" WHERE {where}', params)
    for table in tables:
        if table not in changed:
            continue
        months = None if changed[table] == [None] else changed[table]
        if files.remote:  # streamed through pyarrow: DuckDB has no object-store access here
            if months is None or any(m in files.months(table) for m in months):
                con.register("_source", files.arrow_reader(table, months))
                con.execute(f'INSERT INTO "{table}" BY NAME SELECT * FROM _source')
                con.unregister("_source")
        else:
            sources = files.duckdb_source(table, months)
            if sources:
                con.execute(
                    f'INSERT INTO "{table}" BY NAME SELECT * FROM '
                    "read_parquet(?, hive_partitioning = false)",
                    [sources],
                )
        fault_point(FaultPoint.DUCKDB_TABLE, table)
    removed: dict[str, list[str] | None] = {f"{t}.{c}": None for t, c in unlisted}
    for target, column in sorted(targets):
        gone = f'"_gone_{target}_{column}"'
        keys = [
            v
            for (v,) in con.execute(
                f'SELECT v FROM {gone} EXCEPT SELECT t."{column}" FROM "{target}" AS t '
                f'SEMI JOIN {gone} AS g ON t."{column}" = g.v ORDER BY 1 '
                f"LIMIT {REMOVED_KEYS_LIMIT + 1}"
            ).fetchall()
        ]
        removed[f"{target}.{column}"] = keys if len(keys) <= REMOVED_KEYS_LIMIT else None
        con.execute(f"DROP TABLE {gone}")
    con.execute("COMMIT")
    return removed


def _month_sql(column: str) -> str:
    """The part a row belongs to, as parquet.month_of gives it."""
    return f"coalesce(strftime(\"{column}\", '%Y-%m'), '{UNDATED}')"


def _no_foreign_wal(final: Path) -> None:
    """DuckDB finds a file's write-ahead log by name (<file>.wal) and replays it on open: a log
    left beside the served file by someone else's read-write session would be replayed onto
    the new file by every later reader (the probe saw 82 of 102 events). A live read-write
    session holds DuckDB's write lock on the file: then the new file is not swapped in
    (WarehouseInUse). A log with no session behind it (one that died) belongs to the old file
    only: it is moved to state/quarantine/ and named in the log."""
    wal = final.with_name(final.name + ".wal")
    if final.is_file() and _write_locked(final):
        raise WarehouseInUse(final)
    if wal.exists():
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
        dest = final.parent / "state" / QUARANTINE / f"{wal.name}-{stamp}"
        with storage_errors(dest):
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.replace(wal, dest)
        log.warning(
            "step duckdb_warehouse: %s was left by a read-write session that is gone; it "
            "belongs to the previous file, so it was moved to %s before the new file was "
            "swapped in. Nothing to do unless you want those changes back",
            wal,
            dest,
        )


def _write_locked(path: Path) -> bool:
    """Whether another process holds DuckDB's write lock (an fcntl lock) on the file. Read-only
    sessions hold shared locks, which this does not mistake for a writer."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.lockf(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)  # also drops the shared lock just taken
    return False


def _sql_path(path: Path) -> str:
    # Paths are ours (warehouse folder + fixed name), but quote defensively all the same.
    return str(path).replace("'", "''")


@dataclass
class WarehouseReport:
    previews: dict[str, pl.DataFrame]  # first rows of each table
    checks: list[CheckOutcome]  # unique keys, references


def inspect_warehouse(
    warehouse_dir: Path | str,
    models: Mapping[str, type[pa.DataFrameModel]],
    references: Sequence[Reference],
    rows: int = 5,
) -> WarehouseReport:
    """Previews and integrity checks of the current file, through one read-only connection.
    The checks read every row (spans against the article texts): their outcomes are kept in
    state/ with the file's identity, and a file that has not changed is not checked again.
    A file updated from the changed parts of one whose checks passed is checked in the rows
    that can have changed only (changed_rows)."""
    path = Path(warehouse_dir) / DUCKDB_FILE
    record_path = Path(warehouse_dir) / CHECKS_RECORD
    what = sorted(models) + sorted(map(str, references))
    con = duckdb.connect(str(path), read_only=True)
    try:
        heads = {t: con.sql(f'SELECT * FROM "{t}" LIMIT {int(rows)}').pl() for t in models}
        st = path.stat()  # while open: a file swapped in later has another inode
        identity = [st.st_ino, st.st_size, st.st_mtime_ns]
        checks = _recorded_checks(record_path, identity, what)
        if checks is None:
            changed = changed_rows(Path(warehouse_dir), identity, what)
            checks = check_warehouse(con, models, references, changed)
            record = {"duckdb": identity, "checked": what, "outcomes": [asdict(c) for c in checks]}
            write_bytes_atomic(record_path, json.dumps(record, sort_keys=True).encode())
        return WarehouseReport(heads, checks)
    finally:
        con.close()


def changed_rows(warehouse_dir: Path, identity: list[int], what: list[str]) -> ChangedRows | None:
    """What the file holds anew, when it was updated from the changed parts of a file whose
    checks record is the one kept (integrity.ChangedRows); None: check it whole. A key, a
    reference or a span depends only on its row, the rows holding the same key, the row it
    names and its article: all in a changed part when any changed, or named by a removed
    key."""
    try:
        build = json.loads((warehouse_dir / BUILD_RECORD).read_text(encoding="utf-8"))
        checked = json.loads((warehouse_dir / CHECKS_RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    updated = build.get("updated") or {}
    if not updated or build.get("duckdb") != identity[1:] or "removed" not in build:
        return None
    if checked.get("duckdb") != build.get("previous") or checked.get("checked") != what:
        return None
    passed = frozenset((o["table"], o["check"]) for o in checked["outcomes"] if o["passed"])
    parts = {table: len(ids) for table, ids in build.get("parts", {}).items()}
    return ChangedRows(updated, build["removed"], passed, parts)


def _recorded_checks(path: Path, identity: list[int], what: list[str]) -> list[CheckOutcome] | None:
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if record.get("duckdb") != identity or record.get("checked") != what:
        return None
    return [CheckOutcome(**outcome) for outcome in record["outcomes"]]


# What an ad-hoc query may not do: read or write any file but the warehouse (COPY ... TO could
# overwrite the Parquet tables, read_csv could read any file on the machine), fetch URLs,
# install extensions, or turn these settings back on.
SANDBOXED = {"enable_external_access": False, "lock_configuration": True}


def query(warehouse_dir: Path | str, sql: str) -> pl.DataFrame:
    """Run one statement on the warehouse opened read-only, with no access to other files or
    the network."""
    path = Path(warehouse_dir) / DUCKDB_FILE
    if not path.is_file():
        raise FileNotFoundError(f"no warehouse at {path}: run `eventwire run` first")
    con = duckdb.connect(str(path), read_only=True, config=SANDBOXED)
    try:
        return con.sql(sql).pl()
    finally:
        con.close()
