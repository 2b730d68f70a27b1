"""Assets of the extract stage: articles -> events, claims, quantities, actors (one parse)."""

import dagster as dg
import polars as pl

from pipelines.defs.reporting import ProgressLog, definition_metadata, table_metadata, validated
from pipelines.defs.resources import EventwireSettings
from pipelines.extract import ArticleInput, extract_articles
from pipelines.link import cluster_claims, cluster_events
from schemas import Actors, ClaimClusters, Claims, EventClusters, Events, Quantities

_OUTS = {
    "events": (Events, "Event mentions coded to PLOVER types, with actors, date, place."),
    "claims": (Claims, "Attributed statements: speaker, cue, content, outlet."),
    "quantities": (Quantities, "Casualties, counts and money, tied to their event."),
    "actors": (Actors, "Every actor an event or claim refers to."),
    "event_clusters": (EventClusters, "Real-world events: mentions grouped across articles."),
    "claim_clusters": (ClaimClusters, "Statements repeated across articles."),
}


@dg.multi_asset(
    outs={
        name: dg.AssetOut(
            description=desc, metadata=definition_metadata(model), kinds={"spacy", "parquet"}
        )
        for name, (model, desc) in _OUTS.items()
    },
    group_name="extract",
)
def extracted_tables(
    context: dg.AssetExecutionContext, settings: EventwireSettings, articles: pl.DataFrame
):
    """Parse each English article once and run the event, claim and quantity rules on it.
    A near-duplicate (a republished wire story) is extracted once, from its earliest copy."""
    english = articles.filter(pl.col("language") == "en")
    skipped = articles.height - english.height
    if skipped:
        context.log.info(f"skipping {skipped} articles not in English")
    originals = english.filter(pl.col("duplicate_of").is_null())
    if originals.height < english.height:
        context.log.info(
            f"skipping {english.height - originals.height} near-duplicates of earlier copies"
        )
    english = originals
    inputs = [
        ArticleInput(
            article_id=row["article_id"],
            text=row["text"],
            published_date=row["published_date"],
            outlet=row["outlet"],
            body_start=row["body_start"],
        )
        for row in english.iter_rows(named=True)
    ]
    result = extract_articles(
        inputs,
        model=settings.spacy_model,
        n_process=settings.workers,
        batch_size=settings.batch_size,
        progress=ProgressLog(context.log, "parse+extract", "articles"),
    )
    context.log.info(
        f"extracted from {result.articles_parsed} articles ({result.words_parsed} words): "
        f"{result.events.height} events, {result.claims.height} claims, "
        f"{result.quantities.height} quantities, {result.actors.height} actors"
    )
    claims, claim_clusters = cluster_claims(result.claims, articles)
    events, event_clusters = cluster_events(result.events, claims, articles)
    context.log.info(
        f"linked {events.height} event mentions into {event_clusters.height} events and "
        f"{claims.height} claims into {claim_clusters.height} statements across articles"
    )
    frames = {
        "events": events,
        "claims": claims,
        "quantities": result.quantities,
        "actors": result.actors,
        "event_clusters": event_clusters,
        "claim_clusters": claim_clusters,
    }
    for name, (model, _) in _OUTS.items():
        df = validated(name, model, frames[name])
        yield dg.Output(df, output_name=name, metadata=table_metadata(df))
