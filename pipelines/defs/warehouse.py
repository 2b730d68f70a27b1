"""Assets of the store stage: the DuckDB warehouse tables, rebuilt from Parquet and swapped in."""

from pathlib import Path

import dagster as dg

from pipelines.defs.reporting import definition_metadata, markdown_preview
from pipelines.defs.resources import EventwireSettings
from pipelines.store import build_warehouse, query
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
    context.log.info(
        f"stored {sum(build.row_counts.values())} rows in {build.path} "
        f"({len(build.views)} views: {', '.join(build.views)})"
    )
    for table in WAREHOUSE_TABLES:
        preview = query(settings.warehouse_dir, f'SELECT * FROM "{table}" LIMIT 5')
        yield dg.MaterializeResult(
            asset_key=["warehouse", table],
            metadata={
                "dagster/row_count": build.row_counts[table],
                "preview": dg.MetadataValue.md(markdown_preview(preview)),
                "duckdb_path": dg.MetadataValue.path(str(build.path)),
            },
        )
