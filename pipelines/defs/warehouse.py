"""Assets of the store stage: the DuckDB warehouse tables, rebuilt from Parquet and swapped in."""

from pathlib import Path

import dagster as dg

from pipelines.defs.reporting import definition_metadata, markdown_preview
from pipelines.defs.resources import EventwireSettings
from pipelines.store import build_warehouse, previews
from schemas import TABLES

WAREHOUSE_TABLES = list(TABLES)


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            key=["warehouse", table],
            deps=[table],
            description=f"DuckDB table main.{table} in eventwire.duckdb.",
            metadata=definition_metadata(model),
            kinds={"duckdb"},
            group_name="warehouse",
        )
        for table, model in TABLES.items()
    ],
)
def duckdb_warehouse(context: dg.AssetExecutionContext, settings: EventwireSettings):
    """Build eventwire.duckdb beside the old one from the Parquet tables, then swap it in."""
    build = build_warehouse(Path(settings.warehouse_dir), WAREHOUSE_TABLES)
    if build.rebuilt:
        context.log.info(
            f"stored {sum(build.row_counts.values())} rows in {build.path} "
            f"({len(build.views)} views: {', '.join(build.views)})"
        )
    else:
        context.log.info(f"{build.path} is up to date with the Parquet tables: not rebuilt")
    heads = previews(settings.warehouse_dir, WAREHOUSE_TABLES)
    for table in WAREHOUSE_TABLES:
        preview = heads[table]
        yield dg.MaterializeResult(
            asset_key=["warehouse", table],
            metadata={
                "dagster/row_count": build.row_counts[table],
                "preview": dg.MetadataValue.md(markdown_preview(preview)),
                "duckdb_path": dg.MetadataValue.path(str(build.path)),
                "rebuilt": build.rebuilt,
            },
        )
