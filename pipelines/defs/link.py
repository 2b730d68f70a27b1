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
    markdown_preview,
    model_description,
    schema_check_spec,
    table_metadata,
    unchanged_outputs,
    validate_months,
    validate_outputs,
)
from pipelines.defs.resources import EventwireSettings, table_files
from pipelines.extract.incremental import extracted_index
from pipelines.faults import FaultPoint, fault_point
from pipelines.fingerprint import fingerprint
from pipelines.link import ARTICLE_COLUMNS
from pipelines.link.months import (
    NotAnUpdate,
    link_claims,
    link_events,
    relink_claims,
    relink_events,
)
from pipelines.store import state_dir
from pipelines.store.atomic import replace_atomically
from pipelines.store.memo import StepMemo
from pipelines.store.parquet import TableParts
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
_STAGED = {"events": "extracted_events", "claims": "extracted_claims"}
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
    meta = files.read("articles", columns=ARTICLE_COLUMNS)
    fault_point(FaultPoint.LINK, "claims")
    linked = None
    if added:
        try:
            linked = _relink(files, staged, meta, added, memo)
        except NotAnUpdate as err:
            context.log.warning(f"linking every article again: {err}")
    if linked is not None:
        context.log.info(f"linked the {len(added)} added articles within the days they touch")
    else:
        work = state_dir(settings.warehouse_dir) / "link-work"
        claims = link_claims(staged, meta, work)
        fault_point(FaultPoint.LINK, "events")
        linked = {"events": link_events(staged, meta, work), "claims": claims}
    # Nothing is written unless every table is valid: the cluster tables (small) whole, the
    # events and claims a month at a time (each month made again when it is written: they
    # are never held whole).
    clusters = {
        "event_clusters": linked["events"].clusters,
        "claim_clusters": linked["claims"].clusters,
    }
    checks, failure = validate_outputs(
        {name: (OUTPUT_TABLES[name], df) for name, df in clusters.items()}
    )
    problems = [failure.description] if failure else []
    for name in ("events", "claims"):
        check, problem = validate_months(name, OUTPUT_TABLES[name], linked[name].parts)
        checks.append(check)
        problems.extend([problem] if problem else [])
    if problems:
        yield from checks
        raise dg.Failure(description="\n".join(problems), allow_retries=False)
    # How many added articles were linked alone (0: every article was linked).
    relinked = {"articles_linked_alone": len(added) if not linked["events"].whole else 0}
    for name in ("events", "claims"):
        table = linked[name]
        # A linked table has the rows of its staged one; the preview is its first month's.
        first = next(iter(table.parts), None)
        preview = markdown_preview(table.parts[first]) if first is not None else ""
        yield dg.Output(
            TableParts(table.parts, whole=table.whole),
            output_name=name,
            metadata={
                "dagster/row_count": staged.row_count(_STAGED[name]),
                "preview": dg.MetadataValue.md(preview),
                "parts_written": len(table.parts),
                **relinked,
            },
        )
    for name, df in clusters.items():
        yield dg.Output(df, output_name=name, metadata={**table_metadata(df), **relinked})
    # Each Output above is stored as it is yielded, so the tables are written by now.
    counts = {name: files.row_count(name) for name in ("events", "claims")}
    counts |= {name: df.height for name, df in clusters.items()}
    context.log.info(
        f"linked {counts['events']} event mentions into {counts['event_clusters']} events and "
        f"{counts['claims']} claims into {counts['claim_clusters']} statements across articles"
    )
    replace_atomically(memo.frame_path("articles"), extracted.write_parquet)
    for name in ("events", "claims"):
        replace_atomically(
            memo.frame_path(f"{name}_components"), linked[name].components.write_parquet
        )
    memo.record(inputs, counts, {"code": code})
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


def _relink(files, staged, meta, added, memo: StepMemo):
    """The linked tables from the last ones, joining only what the added articles touch."""
    components = {}
    for name in ("events", "claims"):
        path = memo.frame_path(f"{name}_components")
        if not path.is_file():
            raise NotAnUpdate(f"no record of the {name}' components")
        components[name] = pl.read_parquet(path)
    claims = relink_claims(staged, files, meta, added, components["claims"])
    fault_point(FaultPoint.LINK, "events")
    events = relink_events(staged, files, meta, added, components["events"])
    return {"events": events, "claims": claims}
