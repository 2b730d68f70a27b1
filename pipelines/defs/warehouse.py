"""Assets of the store stage: the DuckDB warehouse tables, rebuilt from Parquet and swapped in,
with checks that keys are unique and references resolve."""

from pathlib import Path

import dagster as dg

from pipelines.defs.policies import TRANSIENT_RETRIES, WAREHOUSE_POOL
from pipelines.defs.reporting import definition_metadata, markdown_preview, model_description
from pipelines.defs.resources import EventwireSettings
from pipelines.report import build_reading_room
from pipelines.store import TableFiles, build_warehouse, inspect_warehouse
from pipelines.store.integrity import (
    NO_DUPLICATE_KEYS,
    REFERENCES_EXIST,
    SPANS,
    SPANS_MATCH_TEXT,
    key_check_tables,
    reference_check_tables,
    span_check_tables,
)
from pipelines.store.timeline_chart import CHART_FILE, chart_markdown, render_timeline
from schemas import TABLES
from schemas.relations import REFERENCES, unique_columns

WAREHOUSE_TABLES = list(TABLES)
READING_ROOM_ERROR = "reading_room_error"  # warehouse/events metadata; the CLI prints it


def _check_specs() -> list[dg.AssetCheckSpec]:
    specs = [
        dg.AssetCheckSpec(
            NO_DUPLICATE_KEYS,
            asset=["warehouse", table],
            description=f"{', '.join(unique_columns(TABLES[table]))}: no duplicates, no nulls.",
        )
        for table in key_check_tables(TABLES)
    ]
    for table in reference_check_tables(TABLES, REFERENCES):
        refs = [str(r) for r in REFERENCES if r.table == table]
        specs.append(
            dg.AssetCheckSpec(
                REFERENCES_EXIST,
                asset=["warehouse", table],
                description="Every reference resolves: " + "; ".join(refs) + ".",
            )
        )
    for table in span_check_tables(TABLES):
        spans = "; ".join(f"{c} = articles.text[{s}:{e}]" for s, e, c in SPANS[table])
        specs.append(
            dg.AssetCheckSpec(
                SPANS_MATCH_TEXT,
                asset=["warehouse", table],
                description=f"Every span is exactly its text: {spans}.",
            )
        )
    return specs


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            key=["warehouse", table],
            deps=[table],
            description=f"DuckDB table main.{table} in eventwire.duckdb. "
            + model_description(model),
            metadata=definition_metadata(model),
            kinds={"duckdb"},
            group_name="warehouse",
        )
        for table, model in TABLES.items()
    ],
    check_specs=_check_specs(),
    retry_policy=TRANSIENT_RETRIES,
    pool=WAREHOUSE_POOL,
)
def duckdb_warehouse(context: dg.AssetExecutionContext, settings: EventwireSettings):
    """Build eventwire.duckdb beside the old one from the Parquet tables, then swap it in
    (skipped when the Parquet tables have not changed since the current file was built)."""
    with settings.failures_classified():
        build = build_warehouse(
            Path(settings.warehouse_dir),
            WAREHOUSE_TABLES,
            lock_timeout_s=settings.lock_timeout_s,
            files=TableFiles(settings.warehouse_dir, settings.parquet_url),
        )
    if build.updated:
        context.log.info(
            f"updated {build.path} from the changed parts: "
            + "; ".join(
                f"{t}: {', '.join(m or 'whole' for m in ms)}" for t, ms in build.updated.items()
            )
        )
    elif build.rebuilt:
        context.log.info(
            f"stored {sum(build.row_counts.values())} rows in {build.path} "
            f"({len(build.views)} views: {', '.join(build.views)})"
        )
    else:
        context.log.info(f"{build.path} is up to date with the Parquet tables: not rebuilt")
    report = inspect_warehouse(settings.warehouse_dir, TABLES, REFERENCES)
    chart = Path(settings.warehouse_dir) / CHART_FILE
    if build.rebuilt or not chart.is_file():
        with settings.failures_classified():
            drawn = render_timeline(settings.warehouse_dir)
        context.log.info(f"drew {drawn.events} events of {len(drawn.pairs)} actor pairs: {chart}")
    room, room_error = None, None
    try:
        room = build_reading_room(settings.warehouse_dir, lock_timeout_s=settings.lock_timeout_s)
    except Exception as err:
        # The warehouse is built and swapped in: a page that could not be written is reported
        # (log, metadata, run summary), and the previous one stays, rather than failing the
        # run's tables with it.
        room_error = f"{type(err).__name__}: {err}"
        context.log.error(f"the reading room was not written: {room_error}")
    if room and room.rebuilt:
        context.log.info(
            f"wrote the reading room: {room.index} ({room.articles} articles, {room.days} days, "
            f"{room.files} files, {room.data_bytes / 1e6:.1f} MB)"
        )
    for table in WAREHOUSE_TABLES:
        metadata = {
            "dagster/row_count": build.row_counts[table],
            "preview": dg.MetadataValue.md(markdown_preview(report.previews[table])),
            "duckdb_path": dg.MetadataValue.path(str(build.path)),
            "rebuilt": build.rebuilt,
            # the months of this table updated in a copy of the previous file ("whole": the
            # table replaced whole); absent when the file was built whole
            **(
                {"updated_parts": [m or "whole" for m in build.updated.get(table, [])]}
                if build.updated
                else {}
            ),
        }
        if table == "events":
            metadata["event_timeline"] = dg.MetadataValue.md(chart_markdown(chart))
            metadata["event_timeline_png"] = dg.MetadataValue.path(str(chart))
            if room:
                metadata["reading_room"] = dg.MetadataValue.url(room.index.resolve().as_uri())
                metadata["reading_room_path"] = dg.MetadataValue.path(str(room.index))
            if room_error:
                metadata[READING_ROOM_ERROR] = dg.MetadataValue.text(
                    f"not written this run, the previous room (if any) stays: {room_error}"
                )
        yield dg.MaterializeResult(asset_key=["warehouse", table], metadata=metadata)
    for outcome in report.checks:
        yield dg.AssetCheckResult(
            asset_key=["warehouse", outcome.table],
            check_name=outcome.check,
            passed=outcome.passed,
            severity=dg.AssetCheckSeverity.ERROR,
            description=outcome.description,
            metadata=outcome.metadata,
        )
