"""One Parquet file per table under <warehouse>/parquet/<table>/ (or under an object-store
URL, see TableFiles), written atomically."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import polars as pl

from pipelines.store.atomic import replace_atomically, write_bytes_atomic

PART_NAME = "part-0.parquet"


def table_path(warehouse_dir: Path | str, table: str) -> Path:
    if not table.isidentifier():
        raise ValueError(f"not a table name: {table!r}")
    return Path(warehouse_dir) / "parquet" / table / PART_NAME


def write_table(warehouse_dir: Path | str, table: str, df: pl.DataFrame) -> Path:
    """Write beside the target, fsync, then rename over it: readers see the old file or the
    new one, never a partial one. Identical content leaves the old file untouched, so an
    unchanged table keeps its modification time and the DuckDB build can be skipped."""
    path = table_path(warehouse_dir, table)
    replace_atomically(
        path,
        lambda tmp: df.write_parquet(tmp, compression="zstd", statistics=True),
        keep_if_same=True,
    )
    return path


def read_table(warehouse_dir: Path | str, table: str) -> pl.DataFrame:
    path = table_path(warehouse_dir, table)
    if not path.is_file():
        raise FileNotFoundError(f"table {table!r} has not been written yet: {path} is missing")
    return pl.read_parquet(path)


class TableFiles:
    """Where the Parquet tables live: <warehouse>/parquet/ by default, or an object-store URL
    (s3://bucket/prefix, gs://..., hdfs://..., through pyarrow's filesystems; S3 options such
    as ?region=...&endpoint_override=host:port&scheme=http go in the URL, credentials come
    from the usual environment variables). Local writes are atomic renames; an object-store
    write is one PUT, which readers see whole or not at all. Both leave a table whose content
    did not change untouched: remotely, the hash of what was last written is kept in
    <warehouse>/state/remote-parquet/<table>.json."""

    def __init__(self, warehouse_dir: Path | str, url: str = ""):
        self.warehouse_dir = Path(warehouse_dir)
        self.url = url
        self.remote = bool(url) and not url.startswith("file://") and "://" in url
        if self.remote:
            import pyarrow.fs

            self.fs, self.root = pyarrow.fs.FileSystem.from_uri(url)
            self.root = self.root.rstrip("/")

    def uri(self, table: str) -> str:
        if self.remote:
            return f"{self.url.split('?')[0].rstrip('/')}/{table}/{PART_NAME}"
        return str(self._local(table))

    def _local(self, table: str) -> Path:
        if self.url:  # a local folder given as the location of the tables
            if not table.isidentifier():
                raise ValueError(f"not a table name: {table!r}")
            return Path(self.url.removeprefix("file://")) / table / PART_NAME
        return table_path(self.warehouse_dir, table)

    def _key(self, table: str) -> str:
        if not table.isidentifier():
            raise ValueError(f"not a table name: {table!r}")
        return f"{self.root}/{table}/{PART_NAME}"

    def write(self, table: str, df: pl.DataFrame) -> bool:
        """Store the table; False when identical content was already there."""
        if not self.remote:
            path = self._local(table)
            return replace_atomically(
                path,
                lambda tmp: df.write_parquet(tmp, compression="zstd", statistics=True),
                keep_if_same=True,
            )
        buf = io.BytesIO()
        df.write_parquet(buf, compression="zstd", statistics=True)
        data = buf.getvalue()
        digest = hashlib.sha256(data).hexdigest()
        record = self._record(table)
        if record and record["sha256"] == digest and record["object"] == self._object(table):
            return False
        self.fs.create_dir(f"{self.root}/{table}", recursive=True)
        with self.fs.open_output_stream(self._key(table)) as out:
            out.write(data)
        path = self._record_path(table)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(
            path, json.dumps({"sha256": digest, "object": self._object(table)}).encode()
        )
        return True

    def read(self, table: str, columns: list[str] | None = None) -> pl.DataFrame:
        """The table, or only the given columns of it."""
        if not self.remote:
            path = self._local(table)
            if not path.is_file():
                raise FileNotFoundError(
                    f"table {table!r} has not been written yet: {path} is missing"
                )
            return pl.read_parquet(path, columns=columns)
        try:
            with self.fs.open_input_file(self._key(table)) as fh:
                return pl.read_parquet(fh.read(), columns=columns)
        except FileNotFoundError:
            raise FileNotFoundError(
                f"table {table!r} has not been written yet: {self.uri(table)} is missing"
            ) from None

    def exists(self, table: str) -> bool:
        return self._local(table).is_file() if not self.remote else self._object(table) is not None

    def identity(self, table: str) -> list | None:
        """Changes whenever the table's content may have changed."""
        if not self.remote:
            path = self._local(table)
            if not path.is_file():
                return None
            st = path.stat()
            return [st.st_size, st.st_mtime_ns]
        record = self._record(table)
        return [record["sha256"] if record else None, self._object(table)]

    def arrow_reader(self, table: str):
        """A streaming reader of the table (for building DuckDB from an object store)."""
        import pyarrow.dataset as ds

        if not self.remote:
            return ds.dataset(str(self._local(table)), format="parquet").scanner().to_reader()
        return (
            ds.dataset(self._key(table), filesystem=self.fs, format="parquet").scanner().to_reader()
        )

    def _object(self, table: str) -> list | None:
        import pyarrow.fs

        info = self.fs.get_file_info(self._key(table))
        if info.type == pyarrow.fs.FileType.NotFound:
            return None
        return [info.size, info.mtime_ns]

    def _record_path(self, table: str) -> Path:
        return self.warehouse_dir / "state" / "remote-parquet" / f"{table}.json"

    def _record(self, table: str) -> dict | None:
        try:
            return json.loads(self._record_path(table).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
