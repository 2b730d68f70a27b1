"""Assets of the link stage: the same event or statement across articles. Takes events and
claims as extracted, gives them cluster ids and writes them with the cluster tables."""

import json
from pathlib import Path

import dagster as dg
import polars as pl

from pipelines.defs.partitions import SHARDS
from pipelines.defs.policies import TRANSIENT_RETRIES, WAREHOUSE_POOL
from pipelines.defs.reporting import (
    definition_metadata,
    model_description,
    schema_check_spec,
    table_metadata,
    unchanged_outputs,
    validate_outputs,
)
from pipelines.defs.resources import EventwireSettings, table_files
from pipelines.extract.incremental import extracted_index
from pipelines.faults import FaultPoint, fault_point
from pipelines.fingerprint import fingerprint
from pipelines.link import ARTICLE_COLUMNS, cluster_claims, cluster_events
from pipelines.link.incremental import NotAnUpdate, relink_claims, relink_events
from pipelines.store import state_dir
from pipelines.store.atomic import replace_atomically
from pipelines.store.memo import StepMemo
from pipelines.store.state import KEY
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
_LINK_CODE = Path(__file__).parents[1] / "link"
_SCHEMAS = Path(__file__).parents[2] / "schemas"


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
    # Read in the step (not as Dagster inputs) so that a run with nothing new reads nothing.
    deps=sorted({key for keys in _INPUTS.values() for key in keys}),
    check_specs=[schema_check_spec(name, model) for name, model in OUTPUT_TABLES.items()],
    group_name="link",
    retry_policy=TRANSIENT_RETRIES,
    pool=WAREHOUSE_POOL,
)
def linked_tables(context: dg.AssetExecutionContext, settings: EventwireSettings):
    """Group event mentions into real-world events and claims into repeated statements,
    across articles. Recomputed over all articles whenever events, claims or articles
    changed (a new article can join mentions that were each alone before); kept as they are
    when none did."""
    files, staged = table_files(settings), table_files(settings, staged=True)
    memo = StepMemo(
        state_dir(settings.warehouse_dir), "linked_tables", dict.fromkeys(OUTPUT_TABLES, files)
    )
    inputs = json.dumps(
        [
            staged.identity("extracted_events"),
            staged.identity("extracted_claims"),
            files.identity("articles"),
            fingerprint(code_dirs=[_LINK_CODE, _SCHEMAS]),
        ]
    )
    code = fingerprint(code_dirs=[_LINK_CODE, _SCHEMAS])
    recorded = memo.still_valid(inputs)
    if recorded is not None:
        context.log.info("events, claims and articles are unchanged: the linked tables are kept")
        yield from unchanged_outputs(list(OUTPUT_TABLES), OUTPUT_TABLES, recorded.rows)
        return
    # The articles whose rows the tables hold, as extraction keeps them: a later run tells
    # from it which articles were only added since.
    extracted = extracted_index(state_dir(settings.warehouse_dir), SHARDS)
    added = _only_added(memo, extracted, code)
    memo.forget()
    articles = files.read("articles", columns=ARTICLE_COLUMNS)
    extracted_claims = staged.read("extracted_claims")
    fault_point(FaultPoint.LINK, "claims")
    linked = None
    if added:
        try:
            linked = _relink(files, staged, extracted_claims, articles, added)
        except NotAnUpdate as err:
            context.log.warning(f"linking every article again: {err}")
    if linked is not None:
        context.log.info(f"linked the {len(added)} added articles within the days they touch")
        events, claims, event_clusters, claim_clusters = linked
    else:
        claims, claim_clusters = cluster_claims(extracted_claims, articles)
        del extracted_claims
        fault_point(FaultPoint.LINK, "events")
        events, event_clusters = cluster_events(staged.read("extracted_events"), claims, articles)
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
    # How many added articles were linked alone (0: every article was linked).
    relinked = {"articles_linked_alone": len(added) if linked is not None else 0}
    for name in OUTPUT_TABLES:
        df = tables[name]
        yield dg.Output(df, output_name=name, metadata={**table_metadata(df), **relinked})
    # Each Output above is stored as it is yielded, so the tables are written by now.
    replace_atomically(memo.frame_path("articles"), extracted.write_parquet)
    memo.record(inputs, {name: df.height for name, df in tables.items()}, {"code": code})
    yield from checks


def _only_added(memo: StepMemo, extracted: pl.DataFrame, code: str) -> set[str]:
    """The articles added since the tables were linked, when nothing else changed (no article
    dropped or extracted again, the same linking code); empty otherwise."""
    recorded = memo.intact()
    path = memo.frame_path("articles")
    if recorded is None or recorded.extra.get("code") != code or not path.is_file():
        return set()
    before = pl.read_parquet(path)
    if before.schema != extracted.schema:
        return set()
    if before.join(extracted, on=before.columns, how="anti").height:
        return set()  # an article gone or extracted again: its old joins may not stand
    return set(extracted.join(before, on=KEY, how="anti")[KEY].to_list())


def _relink(files, staged, extracted_claims, articles, added):
    """The linked tables from the last ones, joining only what the added articles touch."""
    claims, claim_clusters = relink_claims(
        extracted_claims,
        articles,
        files.read("claims", columns=["claim_id", "claim_cluster_id"]),
        files.read("claim_clusters"),
        added,
    )
    fault_point(FaultPoint.LINK, "events")
    events, event_clusters = relink_events(
        staged.read("extracted_events"),
        claims,
        articles,
        files.read("events", columns=["event_id", "cluster_id"]),
        files.read("event_clusters"),
        added,
    )
    return events, claims, event_clusters, claim_clusters
