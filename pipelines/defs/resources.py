"""Settings and the Parquet IO manager: every path the pipeline touches comes from here."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg
import polars as pl

from pipelines.defs.policies import classified_failures
from pipelines.extract.nlp import DEFAULT_BATCH_SIZE, DEFAULT_MODEL
from pipelines.store import TableFiles, state_dir
from pipelines.store.parquet import TableMonths, TableParts

# Frames one stage hands the next that are not tables of the warehouse (events and claims
# before linking) live under state/, beside the other per-run results, so `parquet/` holds
# exactly the tables DuckDB serves.
STAGING_IO_MANAGER = "staging_io_manager"
STAGING_DIR = "staged"
# An asset input's metadata key: hand the step the table as a TableMonths, not whole.
BY_MONTH = "by_month"


class EventwireSettings(dg.ConfigurableResource):
    """Where to read and write, and how to parse. Environment variables give the defaults."""

    raw_dir: str = "raw"
    warehouse_dir: str = "warehouse"
    # Where the Parquet tables live when not in <warehouse_dir>/parquet: an object-store URL
    # (s3://bucket/prefix?region=...) or a folder. State, locks and DuckDB stay in warehouse_dir.
    parquet_url: str = ""
    spacy_model: str = DEFAULT_MODEL
    workers: int = 0  # 0: automatic (all cores for large batches)
    batch_size: int = DEFAULT_BATCH_SIZE
    checkpoint_articles: int = 200  # extraction results saved every this many articles
    # Waiting for another run that writes the same warehouse: how long, then how often to
    # retry the step, and how long to wait between tries.
    lock_timeout_s: float = 6 * 3600.0
    busy_retries: int = 3
    busy_retry_wait_s: float = 60.0

    def failures_classified(self):
        """Wrap a step's work: a busy warehouse is retried, a deterministic error is not."""
        return classified_failures(self.busy_retries, self.busy_retry_wait_s)

    @classmethod
    def from_env(
        cls, raw_dir: str | None = None, warehouse_dir: str | None = None
    ) -> EventwireSettings:
        env = os.environ
        return cls(
            raw_dir=str(Path(raw_dir or env.get("EVENTWIRE_RAW_DIR", "raw")).resolve()),
            warehouse_dir=str(
                Path(warehouse_dir or env.get("EVENTWIRE_WAREHOUSE_DIR", "warehouse")).resolve()
            ),
            parquet_url=env.get("EVENTWIRE_PARQUET_URL", ""),
            spacy_model=env.get("EVENTWIRE_SPACY_MODEL", DEFAULT_MODEL),
            workers=int(env.get("EVENTWIRE_WORKERS", "0")),
            batch_size=int(env.get("EVENTWIRE_BATCH_SIZE", DEFAULT_BATCH_SIZE)),
            checkpoint_articles=int(env.get("EVENTWIRE_CHECKPOINT_ARTICLES", "200")),
            lock_timeout_s=float(env.get("EVENTWIRE_LOCK_TIMEOUT", 6 * 3600.0)),
        )


class Unchanged:
    """An output value that says: the table stored by an earlier run is still this output
    (the step checked it with pipelines/store/memo.py), so nothing is written."""


UNCHANGED = Unchanged()


def table_files(settings: EventwireSettings, *, staged: bool = False) -> TableFiles:
    """Where the tables are (staged: events and claims before linking, see STAGING_DIR)."""
    if staged:
        return TableFiles(
            settings.warehouse_dir,
            str(state_dir(settings.warehouse_dir) / STAGING_DIR),
            articles_from=table_files(settings),  # their parts are the articles' months
        )
    return TableFiles(settings.warehouse_dir, settings.parquet_url)


class ParquetIOManager(dg.ConfigurableIOManager):
    """Stores each table asset in parts by month under <warehouse_dir>/parquet/<table>/ (see
    pipelines/store/parquet.py), or under parquet_url when one is set."""

    warehouse_dir: str
    parquet_url: str = ""
    # Where the articles table is, when not among these tables: rows are parted by their
    # article's month (the staged events and claims).
    articles_url: str | None = None

    def _files(self) -> TableFiles:
        articles = None
        if self.articles_url is not None:
            articles = TableFiles(self.warehouse_dir, self.articles_url)
        return TableFiles(self.warehouse_dir, self.parquet_url, articles_from=articles)

    def handle_output(
        self, context: dg.OutputContext, obj: pl.DataFrame | TableParts | Unchanged
    ) -> None:
        files = self._files()
        table = context.asset_key.path[-1]
        if isinstance(obj, Unchanged):
            context.add_output_metadata(
                {"path": dg.MetadataValue.path(files.uri(table)), "rewritten": False}
            )
            return
        with classified_failures(retries=0, wait_s=0.0):  # a full disk is not retried
            if isinstance(obj, TableParts):  # only the months that changed
                written = files.write_parts(table, obj.frames, whole=obj.whole)
            else:
                written = files.write(table, obj)
        context.add_output_metadata(
            {"path": dg.MetadataValue.path(files.uri(table)), "rewritten": written}
        )

    def load_input(self, context: dg.InputContext) -> pl.DataFrame | TableMonths:
        """The table, or (an input whose metadata says BY_MONTH) a TableMonths that reads it
        a month at a time; only the input metadata's `columns`, when it names some."""
        table, meta = context.asset_key.path[-1], context.definition_metadata or {}
        if meta.get(BY_MONTH):
            return TableMonths(self._files(), table, meta.get("columns"))
        return self._files().read(table, meta.get("columns"))


def build_resources(settings: EventwireSettings) -> dict[str, object]:
    return {
        "settings": settings,
        "io_manager": ParquetIOManager(
            warehouse_dir=settings.warehouse_dir, parquet_url=settings.parquet_url
        ),
        STAGING_IO_MANAGER: ParquetIOManager(
            warehouse_dir=settings.warehouse_dir,
            parquet_url=table_files(settings, staged=True).url,
            articles_url=settings.parquet_url,
        ),
    }
