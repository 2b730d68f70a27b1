"""The Parquet tables under <warehouse>/parquet/<table>/ (or under an object-store URL, see
TableFiles), each written as parts by month so that a run rewrites only the months it changed:

  parquet/<table>/month=YYYY-MM/part-0.parquet   a table of dated rows (PARTED_BY_*)
  parquet/<table>/month=undated/part-0.parquet   its rows without a date
  parquet/<table>/part-0.parquet                 a table kept whole (actors, ingest_errors)

Rows are dated by the article's publication month (the article's own, or that of the article
they were read from), clusters by their first day. A table is read as its parts in month
order (undated last), each part in the order it was written. Every part is written
atomically; a table written whole as one part (as before the parts) still reads the same.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipelines.store.atomic import fsync_dir, replace_atomically, write_bytes_atomic

PART_NAME = "part-0.parquet"
MONTH_PREFIX = "month="
UNDATED = "undated"
MANIFEST = "_manifest.json"  # object stores: the parts a reader takes, written last
# Tables parted by a date column of their own.
PARTED_BY_DATE = {
    "articles": "published_date",
    "event_clusters": "first_seen",
    "claim_clusters": "first_seen",
}
# Tables parted by the publication month of their article (article_id); extracted_* are the
# events and claims before linking, kept under state/staged/.
PARTED_BY_ARTICLE = frozenset(
    {"events", "claims", "quantities", "extraction_errors", "extracted_events", "extracted_claims"}
)
ARTICLE_MONTHS = ["article_id", "published_date"]  # what the article months are read from


@dataclass(frozen=True)
class TableParts:
    """Some parts of a table, to write in place of those months' parts (None: the month has
    no rows any more); the table's other parts keep their files (TableFiles.write_parts),
    or, with `whole`, are removed. `frames` may make each month when it is asked for."""

    frames: Mapping[str | None, pl.DataFrame | None]
    whole: bool = False


def is_parted(table: str) -> bool:
    return table in PARTED_BY_DATE or table in PARTED_BY_ARTICLE


def month_of(dates: pl.Expr) -> pl.Expr:
    """YYYY-MM of a date, `undated` for none."""
    return dates.dt.strftime("%Y-%m").fill_null(UNDATED)


def article_months(articles: pl.DataFrame) -> pl.DataFrame:
    """article_id -> month, from the articles' article_id and published_date."""
    return articles.select("article_id", month_of(pl.col("published_date")).alias("month"))


def _check_name(table: str) -> None:
    if not table.isidentifier():
        raise ValueError(f"not a table name: {table!r}")


def _part_dir(month: str | None) -> str:
    return "" if month is None else f"{MONTH_PREFIX}{month}/"


def _month_of_path(path: Path) -> str | None:
    name = path.parent.name
    return name.removeprefix(MONTH_PREFIX) if name.startswith(MONTH_PREFIX) else None


def _month_order(month: str | None) -> tuple[int, str]:
    return (0, "") if month is None else (1 if month != UNDATED else 2, month)


class TableFiles:
    """Where the Parquet tables live: <warehouse>/parquet/ by default, or an object-store URL
    (s3://bucket/prefix, gs://..., hdfs://..., through pyarrow's filesystems; S3 options such
    as ?region=...&endpoint_override=host:port&scheme=http go in the URL, credentials come
    from the usual environment variables). Local parts are written by atomic renames. In an
    object store each part is one PUT under a name made from its content, and a small
    manifest per table (<table>/_manifest.json, one PUT, written last) names the parts a
    reader takes, so a reader never sees half a table. Both leave a part whose content did
    not change untouched: remotely, the hash of the manifest last written is kept in
    <warehouse>/state/remote-parquet/<table>.json.

    Rows of a table parted by article (PARTED_BY_ARTICLE) go to their article's month, read
    from the articles table at `articles_from` (default: these files)."""

    def __init__(
        self, warehouse_dir: Path | str, url: str = "", *, articles_from: TableFiles | None = None
    ):
        self.warehouse_dir = Path(warehouse_dir)
        self.url = url
        self.articles_from = articles_from
        self.remote = bool(url) and not url.startswith("file://") and "://" in url
        if self.remote:
            import pyarrow.fs

            self.fs, self.root = pyarrow.fs.FileSystem.from_uri(url)
            self.root = self.root.rstrip("/")

    # -- where -----------------------------------------------------------------------------

    def uri(self, table: str) -> str:
        """The table's folder (for messages and metadata)."""
        _check_name(table)
        if self.remote:
            return f"{self.url.split('?')[0].rstrip('/')}/{table}/"
        return str(self._folder(table))

    def _folder(self, table: str) -> Path:
        _check_name(table)
        if self.url:  # a local folder given as the location of the tables
            return Path(self.url.removeprefix("file://")) / table
        return Path(self.warehouse_dir) / "parquet" / table

    def part_paths(self, table: str) -> list[Path]:
        """The local files a reader takes, in table order (months, undated last); a folder
        with month parts ignores a whole-table part-0 left beside them."""
        folder = self._folder(table)
        months = sorted(
            (p for p in folder.glob(f"{MONTH_PREFIX}*/{PART_NAME}")),
            key=lambda p: _month_order(p.parent.name.removeprefix(MONTH_PREFIX)),
        )
        if months:
            return months
        whole = folder / PART_NAME
        return [whole] if whole.is_file() else []

    def row_count(self, table: str) -> int:
        """The table's rows, from its parts' footers (or the object store's manifest)."""
        if self.remote:
            return sum(p.get("rows", 0) for p in self._manifest(table) or [])
        import pyarrow.parquet as pq

        return sum(pq.read_metadata(p).num_rows for p in self.part_paths(table))

    def months(self, table: str) -> dict[str | None, list]:
        """Each part's month (None: the table as one part) and identity."""
        if self.remote:
            manifest = self._manifest(table)
            return {} if manifest is None else {p["month"]: [p["sha256"]] for p in manifest}
        out: dict[str | None, list] = {}
        for path in self.part_paths(table):
            st = path.stat()
            out[_month_of_path(path)] = [st.st_size, st.st_mtime_ns]
        return out

    # -- writing ---------------------------------------------------------------------------

    def split(self, table: str, df: pl.DataFrame) -> Mapping[str | None, pl.DataFrame]:
        """The table's rows by part, in row order within each part."""
        if not is_parted(table):
            return {None: df}
        if df.is_empty():
            return {UNDATED: df}  # a part all the same: it carries the schema
        if table in PARTED_BY_DATE:
            month = month_of(pl.col(PARTED_BY_DATE[table]))
            keyed = df.with_columns(month.alias("_month"))
        else:
            months = self._article_months()
            keyed = df.with_columns(
                pl.col("article_id")
                .replace_strict(
                    months["article_id"], months["month"], default=UNDATED, return_dtype=pl.String
                )
                .alias("_month")
            )
        return _MonthRows(keyed)

    def _article_months(self) -> pl.DataFrame:
        source = self.articles_from or self
        if not source.exists("articles"):
            return pl.DataFrame(schema={"article_id": pl.String, "month": pl.String})
        return article_months(source.read("articles", columns=ARTICLE_MONTHS))

    def write(self, table: str, df: pl.DataFrame) -> bool:
        """Store the whole table as its parts (parts of months it no longer has are removed);
        False when every part was already there with identical content."""
        return self.write_parts(table, self.split(table, df), whole=True)

    def write_parts(
        self, table: str, parts: Mapping[str | None, pl.DataFrame | None], *, whole: bool = False
    ) -> bool:
        """Store the given parts (a None or empty frame removes that month's part, unless it
        would leave the table with none); with `whole`, parts not given are removed. The
        others keep their files. True when anything was written or removed.

        `parts` may compute each month's frame when it is asked for (a table cut by month,
        or a step that makes one month at a time): each is asked for once, written and let
        go before the next, so no more than one month is held here."""
        current = set(self.months(table))
        written: set[str | None] = set()
        empty: pl.DataFrame | None = None
        changed = False
        remote: dict[str | None, dict] = {}

        def put(month: str | None, df: pl.DataFrame) -> None:
            nonlocal changed
            if self.remote:
                remote[month] = _remote_part(df)  # PUT with the manifest, below
            else:
                path = self._folder(table) / _part_dir(month) / PART_NAME
                changed |= replace_atomically(path, _writer(df), keep_if_same=True)
            written.add(month)

        for month in list(parts):
            df = parts[month]
            if df is None or df.is_empty():
                empty = df if df is not None and empty is None else empty
                continue
            put(month, df)
            del df
        gone = ((current - written) if whole else {m for m in parts if m not in written}) & current
        if not written and not current - gone and empty is not None:
            # nothing would be left: one empty part keeps the table's schema
            month = UNDATED if is_parted(table) else None
            put(month, empty)
            gone.discard(month)
        if self.remote:
            return self._write_remote(table, remote, gone)
        for month in sorted(gone, key=_month_order):
            self._remove_local(table, month)
            changed = True
        if written and None not in written:  # the whole-table file of before the parts
            self._remove_local(table, None)
        return changed

    def _remove_local(self, table: str, month: str | None) -> None:
        folder = self._folder(table)
        path = folder / _part_dir(month) / PART_NAME
        if path.is_file():
            path.unlink()
            if month is not None:
                with contextlib.suppress(OSError):  # a temporary of a writer still inside
                    path.parent.rmdir()
            fsync_dir(folder)

    def _write_remote(
        self, table: str, given: Mapping[str | None, dict], gone: Iterable[str | None]
    ) -> bool:
        """given: each month's encoded part (_remote_part)."""
        manifest = {p["month"]: p for p in (self._manifest(table) or [])}
        keep = {m: p for m, p in manifest.items() if m not in set(gone)}
        for month, part in given.items():
            data, digest = part["data"], part["sha256"]
            if month in keep and keep[month]["sha256"] == digest:
                continue
            key = f"{_part_dir(month)}part-{digest[:16]}.parquet"
            self.fs.create_dir(f"{self.root}/{table}/{_part_dir(month)}", recursive=True)
            with self.fs.open_output_stream(f"{self.root}/{table}/{key}") as out:
                out.write(data)
            keep[month] = {"month": month, "object": key, "sha256": digest, "rows": part["rows"]}
        entries = [keep[m] for m in sorted(keep, key=_month_order)]
        text = json.dumps({"parts": entries}, sort_keys=True).encode()
        digest = hashlib.sha256(text).hexdigest()
        record = self._record(table)
        if record and record["sha256"] == digest and record["object"] == self._object(table):
            return False
        self.fs.create_dir(f"{self.root}/{table}", recursive=True)
        with self.fs.open_output_stream(self._manifest_key(table)) as out:
            out.write(text)  # the table readers see changes here, in one PUT
        path = self._record_path(table)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(
            path, json.dumps({"sha256": digest, "object": self._object(table)}).encode()
        )
        # Parts no manifest names any more (a reader holding the old manifest has had them
        # until now).
        named = {f"{self.root}/{table}/{p['object']}" for p in entries}
        for old in manifest.values():
            key = f"{self.root}/{table}/{old['object']}"
            if key not in named:
                self.fs.delete_file(key)
        return True

    # -- reading ---------------------------------------------------------------------------

    def read(self, table: str, columns: list[str] | None = None) -> pl.DataFrame:
        """The table (every part, in table order), or only the given columns of it."""
        if not self.remote:
            paths = self.part_paths(table)
            if not paths:
                raise FileNotFoundError(
                    f"table {table!r} has not been written yet: {self.uri(table)} is missing"
                )
            return pl.read_parquet(paths, columns=columns, hive_partitioning=False)
        return pl.concat(
            [pl.read_parquet(data, columns=columns) for data in self._remote_parts(table)],
            how="vertical",
        )

    def read_months(
        self, table: str, months: Iterable[str | None], columns: list[str] | None = None
    ) -> pl.DataFrame | None:
        """Only the parts of `months` that exist, in table order (None: none exists)."""
        wanted = set(months)
        if not self.remote:
            paths = [p for p in self.part_paths(table) if _month_of_path(p) in wanted]
            if not paths:
                return None
            return pl.read_parquet(paths, columns=columns, hive_partitioning=False)
        frames = [
            pl.read_parquet(data, columns=columns) for data in self._remote_parts(table, wanted)
        ]
        return pl.concat(frames, how="vertical") if frames else None

    def _remote_parts(self, table: str, months: set | None = None) -> list[bytes]:
        for attempt in range(3):
            manifest = self._manifest(table)
            if manifest is None:
                legacy = f"{self.root}/{table}/{PART_NAME}"
                if self._info(legacy) is None:
                    raise FileNotFoundError(
                        f"table {table!r} has not been written yet: {self.uri(table)} is missing"
                    )
                manifest = [{"month": None, "object": PART_NAME}]
            try:
                out = []
                for part in manifest:
                    if months is None or part["month"] in months:
                        key = f"{self.root}/{table}/{part['object']}"
                        with self.fs.open_input_file(key) as fh:
                            out.append(fh.read())
                return out
            except FileNotFoundError:
                if attempt == 2:
                    raise
                # a writer replaced the table after we read its manifest: read the new one
        raise AssertionError("unreachable")

    def exists(self, table: str) -> bool:
        if not self.remote:
            return bool(self.part_paths(table))
        return (
            self._info(self._manifest_key(table)) is not None
            or self._info(f"{self.root}/{table}/{PART_NAME}") is not None
        )

    def identity(self, table: str) -> list | None:
        """Changes whenever the table's content may have changed."""
        if not self.remote:
            parts = self.months(table)
            return [[m, parts[m]] for m in sorted(parts, key=_month_order)] or None
        record = self._record(table)
        return [record["sha256"] if record else None, self._object(table)]

    def duckdb_source(self, table: str, months: Iterable[str | None] | None = None) -> list[str]:
        """The local part files (of `months` only, when given) for DuckDB's read_parquet, in
        table order."""
        wanted = None if months is None else set(months)
        paths = self.part_paths(table)
        return [str(p) for p in paths if wanted is None or _month_of_path(p) in wanted]

    def arrow_reader(self, table: str, months: Iterable[str | None] | None = None):
        """A streaming reader of the table, or of the parts of `months` (for building DuckDB
        from an object store)."""
        import pyarrow.dataset as ds

        if not self.remote:
            paths = self.duckdb_source(table, months)
            return ds.dataset(paths, format="parquet").scanner().to_reader()
        wanted = None if months is None else set(months)
        manifest = self._manifest(table) or [{"month": None, "object": PART_NAME}]
        keys = [
            f"{self.root}/{table}/{p['object']}"
            for p in manifest
            if wanted is None or p["month"] in wanted
        ]
        return ds.dataset(keys, filesystem=self.fs, format="parquet").scanner().to_reader()

    # -- object-store bookkeeping ----------------------------------------------------------

    def _manifest_key(self, table: str) -> str:
        _check_name(table)
        return f"{self.root}/{table}/{MANIFEST}"

    def _manifest(self, table: str) -> list[dict] | None:
        try:
            with self.fs.open_input_file(self._manifest_key(table)) as fh:
                return json.loads(fh.read())["parts"]
        except FileNotFoundError:
            return None

    def _info(self, key: str) -> list | None:
        import pyarrow.fs

        info = self.fs.get_file_info(key)
        if info.type == pyarrow.fs.FileType.NotFound:
            return None
        return [info.size, info.mtime_ns]

    def _object(self, table: str) -> list | None:
        return self._info(self._manifest_key(table))

    def _record_path(self, table: str) -> Path:
        return self.warehouse_dir / "state" / "remote-parquet" / f"{table}.json"

    def _record(self, table: str) -> dict | None:
        try:
            return json.loads(self._record_path(table).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None


def _parquet_bytes(df: pl.DataFrame) -> bytes:
    buf = io.BytesIO()
    df.write_parquet(buf, compression="zstd", statistics=True)
    return buf.getvalue()


def _remote_part(df: pl.DataFrame) -> dict:
    data = _parquet_bytes(df)
    return {"data": data, "sha256": hashlib.sha256(data).hexdigest(), "rows": df.height}


def _writer(df: pl.DataFrame):
    return lambda tmp: df.write_parquet(tmp, compression="zstd", statistics=True)


class _MonthRows(Mapping[str | None, pl.DataFrame]):
    """A table's rows by month (its `_month` column), each month cut from the table only when
    asked for: all the months at once (polars' partition_by) are a second copy of the table,
    1.3 GB for the events at 200,000 articles. The rows of each month are found in one pass
    (their positions), and a month is gathered from them: filtering the table once per month
    scanned it twelve times at 200,000 articles."""

    def __init__(self, keyed: pl.DataFrame):
        positions = (
            keyed.select("_month")
            .with_row_index("_row")
            .group_by("_month", maintain_order=True)
            .agg(pl.col("_row"))
        )
        self._table = keyed.drop("_month")
        self._rows: dict[str, pl.Series] = {
            month: rows for month, rows in zip(positions["_month"], positions["_row"], strict=True)
        }

    def __getitem__(self, month: str | None) -> pl.DataFrame:
        if month not in self._rows:
            raise KeyError(month)
        return self._table.select(pl.all().gather(self._rows[month]))

    def __iter__(self) -> Iterator[str | None]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)


class TableMonths:
    """A table read a part (a month) at a time, in table order, only the given columns: for
    a reader that needs every row once but not all at once (the articles' texts were 0.5 GB
    at 200,000 articles)."""

    def __init__(self, files: TableFiles, table: str, columns: list[str] | None = None):
        self.files, self.table, self.columns = files, table, columns

    def __iter__(self) -> Iterator[pl.DataFrame]:
        months = sorted(self.files.months(self.table), key=_month_order)
        if not months:
            raise FileNotFoundError(
                f"table {self.table!r} has not been written yet: "
                f"{self.files.uri(self.table)} is missing"
            )
        for month in months:
            df = self.files.read_months(self.table, [month], self.columns)
            if df is not None:
                yield df


def write_table(warehouse_dir: Path | str, table: str, df: pl.DataFrame) -> list[Path]:
    """Write a table under <warehouse>/parquet/ as its parts; returns the part files."""
    files = TableFiles(warehouse_dir)
    files.write(table, df)
    return files.part_paths(table)


def read_table(warehouse_dir: Path | str, table: str) -> pl.DataFrame:
    return TableFiles(warehouse_dir).read(table)


def table_parts(warehouse_dir: Path | str, table: str) -> list[Path]:
    """The part files of a table under <warehouse>/parquet/, in table order."""
    return TableFiles(warehouse_dir).part_paths(table)
