"""Assets of the extract stage: articles -> events, claims, quantities, actors (one parse),
then the link stage: the same event and statement across articles (clusters)."""

import datetime as dt

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
from pipelines.extract.extraction_errors import extraction_errors
from pipelines.extract.incremental import EXTRACTED_TABLES, extract_incremental
from pipelines.link import cluster_claims, cluster_events
from pipelines.store import state_dir
from schemas import ClaimClusters, EventClusters, ExtractionErrors

_DESCRIPTIONS = {
    "events": "Event mentions coded to PLOVER types, with actors, date, place.",
    "claims": "Attributed statements: speaker, cue, content, outlet.",
    "quantities": "Casualties, counts and money, tied to their event.",
    "actors": "Every actor an event or claim refers to.",
    "event_clusters": "Real-world events: mentions grouped across articles.",
    "claim_clusters": "Statements repeated across articles.",
    "extraction_errors": "Articles the rules failed on in the last run, with the error.",
}
MAX_LOGGED_FAILURES = 20  # failures logged one by one; the table has them all
# Clusters are recomputed over all articles at every run: they are cheap, and a new article
# can join mentions that were each alone before.
OUTPUT_TABLES = {
    **EXTRACTED_TABLES,
    "event_clusters": EventClusters,
    "claim_clusters": ClaimClusters,
    "extraction_errors": ExtractionErrors,
}


@dg.multi_asset(
    outs={
        name: dg.AssetOut(
            description=_DESCRIPTIONS.get(name, model.__doc__),
            metadata=definition_metadata(model),
            kinds={"spacy", "parquet"},
        )
        for name, model in OUTPUT_TABLES.items()
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
    claims, claim_clusters = cluster_claims(result.tables["claims"], articles)
    events, event_clusters = cluster_events(result.tables["events"], claims, articles)
    context.log.info(
        f"linked {events.height} event mentions into {event_clusters.height} events and "
        f"{claims.height} claims into {claim_clusters.height} statements across articles"
    )
    tables = {
        **result.tables,
        "events": events,
        "claims": claims,
        "event_clusters": event_clusters,
        "claim_clusters": claim_clusters,
        "extraction_errors": errors,
    }
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
    for name in OUTPUT_TABLES:
        df = tables[name]
        yield dg.Output(df, output_name=name, metadata={**table_metadata(df), **run_counts})
    yield from checks
