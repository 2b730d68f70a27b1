"""Assets of the link stage: the same event or statement across articles. Takes events and
claims as extracted, gives them cluster ids and writes them with the cluster tables."""

import dagster as dg
import polars as pl

from pipelines.defs.policies import TRANSIENT_RETRIES, WAREHOUSE_POOL
from pipelines.defs.reporting import (
    definition_metadata,
    model_description,
    schema_check_spec,
    table_metadata,
    validate_outputs,
)
from pipelines.faults import FaultPoint, fault_point
from pipelines.link import cluster_claims, cluster_events
from schemas import ClaimClusters, Claims, EventClusters, Events

# In the order they are written.
OUTPUT_TABLES = {
    "events": Events,
    "claims": Claims,
    "event_clusters": EventClusters,
    "claim_clusters": ClaimClusters,
}
# What each table is computed from, for the lineage: a claim's cluster needs only claims and
# their articles; an event cluster also asks whether its mentions rest on anonymous claims.
_INPUTS = {
    "events": {"extracted_events", "articles"},
    "claims": {"extracted_claims", "articles"},
    "event_clusters": {"extracted_events", "extracted_claims", "articles"},
    "claim_clusters": {"extracted_claims", "articles"},
}


@dg.multi_asset(
    outs={
        name: dg.AssetOut(
            description=model_description(model),
            metadata=definition_metadata(model),
            kinds={"polars", "parquet"},
        )
        for name, model in OUTPUT_TABLES.items()
    },
    internal_asset_deps={
        name: {dg.AssetKey(key) for key in keys} for name, keys in _INPUTS.items()
    },
    check_specs=[schema_check_spec(name, model) for name, model in OUTPUT_TABLES.items()],
    group_name="link",
    retry_policy=TRANSIENT_RETRIES,
    pool=WAREHOUSE_POOL,
)
def linked_tables(
    context: dg.AssetExecutionContext,
    extracted_events: pl.DataFrame,
    extracted_claims: pl.DataFrame,
    articles: pl.DataFrame,
):
    """Group event mentions into real-world events and claims into repeated statements,
    across articles. Recomputed over all articles at every run: it is cheap, and a new
    article can join mentions that were each alone before."""
    fault_point(FaultPoint.LINK, "claims")
    claims, claim_clusters = cluster_claims(extracted_claims, articles)
    fault_point(FaultPoint.LINK, "events")
    events, event_clusters = cluster_events(extracted_events, claims, articles)
    context.log.info(
        f"linked {events.height} event mentions into {event_clusters.height} events and "
        f"{claims.height} claims into {claim_clusters.height} statements across articles"
    )
    tables = {
        "events": events,
        "claims": claims,
        "event_clusters": event_clusters,
        "claim_clusters": claim_clusters,
    }
    checks, failure = validate_outputs(
        {name: (model, tables[name]) for name, model in OUTPUT_TABLES.items()}
    )
    if failure:
        yield from checks
        raise failure
    for name in OUTPUT_TABLES:
        yield dg.Output(tables[name], output_name=name, metadata=table_metadata(tables[name]))
    yield from checks
