"""Assets of the extract stage: articles -> events, claims, quantities, actors (one parse).
Events and claims go on to the link stage (pipelines/defs/link.py) before they are tables."""

import datetime as dt

import dagster as dg
import polars as pl

from pipelines.defs.policies import TRANSIENT_RETRIES, WAREHOUSE_POOL
from pipelines.defs.reporting import (
    ProgressLog,
    definition_metadata,
    model_description,
    schema_check_spec,
    table_metadata,
    validate_outputs,
)
from pipelines.defs.resources import STAGING_IO_MANAGER, EventwireSettings
from pipelines.extract.extraction_errors import extraction_errors
from pipelines.extract.incremental import EXTRACTED_TABLES, extract_incremental
from pipelines.store import state_dir
from schemas import ExtractionErrors

MAX_LOGGED_FAILURES = 20  # failures logged one by one; the table has them all
# Events and claims as the rules found them, without the cluster ids linking gives them: kept
# under state/ (not among the tables) for the link asset, which validates and writes the
# tables. Keyed by the table they become.
UNLINKED = {"events": "extracted_events", "claims": "extracted_claims"}
# The tables this stage writes itself, validated here.
OUTPUT_TABLES = {
    **{name: model for name, model in EXTRACTED_TABLES.items() if name not in UNLINKED},
    "extraction_errors": ExtractionErrors,
}


def _unlinked_out(table: str) -> dg.AssetOut:
    model = EXTRACTED_TABLES[table]
    return dg.AssetOut(
        description=f"{model_description(model)} As extracted, before the link stage fills "
        f"in the cluster ids; the {table} table is written by the link stage.",
        metadata=definition_metadata(model),
        io_manager_key=STAGING_IO_MANAGER,
        kinds={"spacy", "parquet"},
    )


@dg.multi_asset(
    outs={
        **{asset: _unlinked_out(table) for table, asset in UNLINKED.items()},
        **{
            name: dg.AssetOut(
                description=model_description(model),
                metadata=definition_metadata(model),
                kinds={"spacy", "parquet"},
            )
            for name, model in OUTPUT_TABLES.items()
        },
    },
    check_specs=[schema_check_spec(name, model) for name, model in OUTPUT_TABLES.items()],
    group_name="extract",
    retry_policy=TRANSIENT_RETRIES,
    pool=WAREHOUSE_POOL,
)
def extracted_tables(
    context: dg.AssetExecutionContext, settings: EventwireSettings, articles: pl.DataFrame
):
    """Parse each English article once and run the event, claim and quantity rules on it.
    A near-duplicate (a republished wire story) is extracted once, from its earliest copy.
    Articles already extracted with the same text and extractor are not parsed again."""
    with settings.failures_classified():
        result = extract_incremental(
            articles,
            state_dir(settings.warehouse_dir),
            model=settings.spacy_model,
            n_process=settings.workers,
            batch_size=settings.batch_size,
            progress=ProgressLog(context.log, "parse+extract", "articles"),
            checkpoint_articles=settings.checkpoint_articles,
            lock_timeout_s=settings.lock_timeout_s,
        )
    skipped = result.skipped
    context.log.info(
        f"{result.articles_total} articles to extract from ({skipped['not_english']} not in "
        f"English and {skipped['near_duplicates']} near-duplicates skipped): "
        f"{result.articles_parsed} parsed ({result.words_parsed} words), "
        f"{result.articles_reused} unchanged since they were extracted, "
        f"{result.articles_dropped} dropped, {len(result.failures)} failed"
    )
    errors = extraction_errors(result.failures, dt.datetime.now(dt.UTC))
    for f in result.failures[:MAX_LOGGED_FAILURES]:
        context.log.warning(
            f"rules failed on article {f['article_id']}: {f['error']} ({f['location']}); "
            "it has no rows this run and is tried again next run"
        )
    if len(result.failures) > MAX_LOGGED_FAILURES:
        context.log.warning(
            f"... and {len(result.failures) - MAX_LOGGED_FAILURES} more: see the "
            "extraction_errors table"
        )
    tables = {**result.tables, "extraction_errors": errors}
    run_counts = {
        "articles_failed": len(result.failures),
        "articles_parsed": result.articles_parsed,
        "articles_reused": result.articles_reused,
        "articles_dropped": result.articles_dropped,
    }
    checks, failure = validate_outputs(
        {name: (model, tables[name]) for name, model in OUTPUT_TABLES.items()}
    )
    if failure:
        yield from checks
        raise failure
    for table, asset in UNLINKED.items():
        df = tables[table]
        yield dg.Output(df, output_name=asset, metadata={**table_metadata(df), **run_counts})
    for name in OUTPUT_TABLES:
        df = tables[name]
        yield dg.Output(df, output_name=name, metadata={**table_metadata(df), **run_counts})
    yield from checks
