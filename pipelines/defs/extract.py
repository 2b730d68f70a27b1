"""Assets of the extract stage: articles -> events, claims, quantities, actors (one parse)."""

import dagster as dg
import polars as pl

from pipelines.defs.policies import TRANSIENT_RETRIES, WAREHOUSE_POOL
from pipelines.defs.reporting import (
    ProgressLog,
    definition_metadata,
    schema_check_spec,
    table_metadata,
    validate_outputs,
)
from pipelines.defs.resources import EventwireSettings
from pipelines.extract.incremental import EXTRACTED_TABLES, extract_incremental
from pipelines.store import state_dir

_DESCRIPTIONS = {
    "events": "Event mentions coded to PLOVER types, with actors, date, place.",
    "claims": "Attributed statements: speaker, cue, content, outlet.",
    "quantities": "Casualties, counts and money, tied to their event.",
    "actors": "Every actor an event or claim refers to.",
}


@dg.multi_asset(
    outs={
        name: dg.AssetOut(
            description=_DESCRIPTIONS.get(name, model.__doc__),
            metadata=definition_metadata(model),
            kinds={"spacy", "parquet"},
        )
        for name, model in EXTRACTED_TABLES.items()
    },
    check_specs=[schema_check_spec(name, model) for name, model in EXTRACTED_TABLES.items()],
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
        f"{result.articles_dropped} dropped"
    )
    run_counts = {
        "articles_parsed": result.articles_parsed,
        "articles_reused": result.articles_reused,
        "articles_dropped": result.articles_dropped,
    }
    checks, failure = validate_outputs(
        {name: (model, result.tables[name]) for name, model in EXTRACTED_TABLES.items()}
    )
    if failure:
        yield from checks
        raise failure
    for name in EXTRACTED_TABLES:
        df = result.tables[name]
        yield dg.Output(df, output_name=name, metadata={**table_metadata(df), **run_counts})
    yield from checks
