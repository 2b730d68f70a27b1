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
    unchanged_outputs,
    validate_outputs,
)
from pipelines.defs.resources import STAGING_IO_MANAGER, EventwireSettings, table_files
from pipelines.extract.extraction_errors import extraction_errors
from pipelines.extract.incremental import EXTRACTED_TABLES, extract_incremental
from pipelines.store import state_dir
from pipelines.store.memo import Recorded, StepMemo
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
    Articles already extracted with the same text and extractor are not parsed again, and
    when nothing changed at all, the tables written last time are kept as they are."""
    files, staged = table_files(settings), table_files(settings, staged=True)
    memo = StepMemo(
        state_dir(settings.warehouse_dir),
        "extracted_tables",
        {**{asset: staged for asset in UNLINKED.values()}, **dict.fromkeys(OUTPUT_TABLES, files)},
    )
    kept: list[Recorded] = []

    def reuse_if(signature: str) -> bool:
        recorded = memo.still_valid(signature)
        kept.extend([recorded] if recorded else [])
        return recorded is not None

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
            reuse_if=reuse_if,
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
    run_counts = {
        "articles_failed": len(result.failures),
        "articles_parsed": result.articles_parsed,
        "articles_reused": result.articles_reused,
        "articles_dropped": result.articles_dropped,
    }
    if result.tables is None:  # nothing new: the tables of the last run stand
        context.log.info("nothing changed since the last run: its tables are kept")
        outputs = [*UNLINKED.values(), *OUTPUT_TABLES]
        yield from unchanged_outputs(outputs, OUTPUT_TABLES, kept[0].rows, run_counts)
        return
    memo.forget()
    tables = {**result.tables, "extraction_errors": errors}
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
    # Each Output above is stored as it is yielded, so the tables are written by now.
    rows = {asset: tables[table].height for table, asset in UNLINKED.items()}
    memo.record(result.signature, rows | {name: tables[name].height for name in OUTPUT_TABLES})
    yield from checks
