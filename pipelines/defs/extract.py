"""Assets of the extract stage: articles -> events, claims, quantities, actors (one parse).
The parse is partitioned: article_extractions extracts the articles of one hash shard into
that shard's state (pipelines/defs/partitions.py); extracted_tables assembles every shard's
rows into the tables. Events and claims go on to the link stage (pipelines/defs/link.py)
before they are tables."""

import datetime as dt
from collections.abc import Mapping

import dagster as dg
import polars as pl

from pipelines.defs.partitions import SHARD_PARTITIONS, SHARDS, shard_numbers
from pipelines.defs.policies import TRANSIENT_RETRIES, WAREHOUSE_POOL
from pipelines.defs.reporting import (
    ProgressLog,
    definition_metadata,
    model_description,
    schema_check_spec,
    table_metadata,
    unchanged_outputs,
    validate_months,
    validate_outputs,
)
from pipelines.defs.resources import (
    BY_MONTH,
    STAGING_IO_MANAGER,
    EventwireSettings,
    table_files,
)
from pipelines.extract.extraction_errors import extraction_errors
from pipelines.extract.incremental import (
    ASSEMBLY_INPUTS,
    EXTRACTED_TABLES,
    IncrementalExtraction,
    assembled_extraction,
    extract_shard,
)
from pipelines.store import state_dir
from pipelines.store.memo import Recorded, StepMemo
from pipelines.store.parquet import PARTED_BY_ARTICLE, UNDATED, TableMonths, TableParts
from schemas import ExtractionErrors, empty_frame

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


@dg.asset(
    partitions_def=SHARD_PARTITIONS,
    description="The extraction results of one shard of the articles (a hash of the "
    "article id), kept per article in the shard's own state; extracted_tables assembles "
    "them. A run that names no shard extracts every shard.",
    group_name="extract",
    kinds={"spacy"},
    retry_policy=TRANSIENT_RETRIES,
    # No pool: a shard writes only its own state, under its own lock, so shards of one
    # backfill run side by side; the steps that write the tables keep the warehouse pool.
)
def article_extractions(
    context: dg.AssetExecutionContext, settings: EventwireSettings, articles: pl.DataFrame
) -> dg.MaterializeResult:
    """Parse each English article of the shard once and run the event, claim and quantity
    rules on it; articles already extracted with the same text and extractor are not parsed
    again, and rows of articles gone are dropped."""
    done = []
    for shard in shard_numbers(context):
        with settings.failures_classified():
            done.append(
                extract_shard(
                    articles,
                    state_dir(settings.warehouse_dir),
                    model=settings.spacy_model,
                    shard=shard,
                    shards=SHARDS,
                    n_process=settings.workers,
                    batch_size=settings.batch_size,
                    progress=ProgressLog(context.log, f"shard {shard}: parse+extract", "articles"),
                    checkpoint_articles=settings.checkpoint_articles,
                    lock_timeout_s=settings.lock_timeout_s,
                )
            )
        d = done[-1]
        context.log.info(
            f"shard {shard} of {SHARDS}: {d.articles_total} articles, {d.articles_parsed} "
            f"parsed ({d.words_parsed} words), {d.articles_reused} unchanged since they were "
            f"extracted, {d.articles_dropped} dropped, {len(d.failures)} failed"
        )
    return dg.MaterializeResult(
        metadata={
            "shards": [d.shard for d in done],
            "articles": sum(d.articles_total for d in done),
            "articles_parsed": sum(d.articles_parsed for d in done),
            "articles_failed": sum(len(d.failures) for d in done),
            "words_parsed": sum(d.words_parsed for d in done),
        }
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
    # A month of the articles at a time, without the columns assembling does not read.
    ins={"articles": dg.AssetIn(metadata={BY_MONTH: True, "columns": list(ASSEMBLY_INPUTS)})},
    deps=[article_extractions],
    group_name="extract",
    retry_policy=TRANSIENT_RETRIES,
    pool=WAREHOUSE_POOL,
)
def extracted_tables(
    context: dg.AssetExecutionContext, settings: EventwireSettings, articles: TableMonths
):
    """Every shard's extraction results as the tables, in article order, with the actors
    merged across articles. A near-duplicate (a republished wire story) is extracted once,
    from its earliest copy. When nothing changed at all, the tables written last time are
    kept as they are."""
    files, staged = table_files(settings), table_files(settings, staged=True)
    memo = StepMemo(
        state_dir(settings.warehouse_dir),
        "extracted_tables",
        {**{asset: staged for asset in UNLINKED.values()}, **dict.fromkeys(OUTPUT_TABLES, files)},
    )
    kept: list[Recorded] = []
    before = memo.intact()  # what each part was made from, while the parts are as it left them

    def reuse_if(signature: str) -> bool:
        recorded = memo.still_valid(signature)
        kept.extend([recorded] if recorded else [])
        return recorded is not None

    with (
        settings.failures_classified(),
        assembled_extraction(
            articles,
            state_dir(settings.warehouse_dir),
            model=settings.spacy_model,
            shards=SHARDS,
            lock_timeout_s=settings.lock_timeout_s,
            reuse_if=reuse_if,
        ) as result,
    ):
        yield from _extracted_outputs(context, memo, kept, result, before)


def _changed_months(result: IncrementalExtraction, before: Recorded | None) -> set[str] | None:
    """The months whose parts are no longer what their articles give (an article new,
    changed or gone); None when the tables must be written whole (no record of what the
    parts were made from, or an article failed)."""
    made_from = before.extra.get("months") if before is not None else None
    if not result.months or made_from is None or "part_rows" not in before.extra:
        return None
    return {
        m
        for m in result.months.keys() | made_from.keys()
        if result.months.get(m) != made_from.get(m)
    }


def _extracted_outputs(
    context: dg.AssetExecutionContext,
    memo: StepMemo,
    kept: list[Recorded],
    result: IncrementalExtraction,
    before: Recorded | None,
):
    """extracted_tables' outputs and checks: every month when the tables are written whole
    (a cold run, an article that failed, or no record of the parts), else the changed
    months only (_parts_outputs)."""
    skipped = result.skipped
    context.log.info(
        f"{result.articles_total} articles to extract from ({skipped['not_english']} not in "
        f"English and {skipped['near_duplicates']} near-duplicates skipped): "
        f"{result.articles_parsed} parsed ({result.words_parsed} words) by the shards' "
        f"last runs, {result.articles_reused} unchanged since they were extracted, "
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
    if result.read_table is None:  # nothing new: the tables of the last run stand
        context.log.info("nothing changed since the last run: its tables are kept")
        outputs = [*UNLINKED.values(), *OUTPUT_TABLES]
        yield from unchanged_outputs(outputs, OUTPUT_TABLES, kept[0].rows, run_counts)
        return
    changed = _changed_months(result, before)
    memo.forget()
    if changed is None:  # written whole: every month, and the parts of other months removed
        months, kept_rows = set(result.month_of.values()), {}
    else:
        context.log.info(
            f"{len(changed)} of {len(result.months)} months changed "
            f"({', '.join(sorted(changed)[:12])}{', ...' if len(changed) > 12 else ''}): "
            "only their parts are read back and written"
        )
        months = changed
        kept_rows = {
            output: {m: n for m, n in counts.items() if m not in changed}
            for output, counts in before.extra["part_rows"].items()
        }
    yield from _parts_outputs(
        memo, result, months, kept_rows, errors, run_counts, whole=changed is None
    )


def _parts_outputs(
    memo: StepMemo,
    result: IncrementalExtraction,
    months: set[str],
    kept_rows: dict[str, dict[str, int]],
    errors: pl.DataFrame,
    run_counts: dict[str, int],
    *,
    whole: bool,
):
    """The tables parted by article written as the given months' parts, each month read back
    from the state (its articles' rows alone) when it is written and dropped before the
    next, so that one month of a table is held at a time (at 200,000 articles the tables
    read whole held about 3 GB). Every month is validated first, one at a time, so that as
    before nothing is written unless all are valid. `whole`: the parts of other months are
    removed (a cold run); else they keep their files and `kept_rows` their row counts. The
    actors (merged across articles) and the extraction errors are written whole."""
    parts = {
        table: result.read_parts(table, months)
        for table in EXTRACTED_TABLES
        if table in PARTED_BY_ARTICLE
    }
    checks, problems = [], []
    for table, stored in parts.items():
        if table in OUTPUT_TABLES:
            check, problem = validate_months(table, OUTPUT_TABLES[table], stored)
            checks.append(check)
            problems.extend([problem] if problem else [])
    small = {"actors": result.read_table("actors"), "extraction_errors": errors}
    for table, df in small.items():
        [check], failure = validate_outputs({table: (OUTPUT_TABLES[table], df)})
        checks.append(check)
        problems.extend([failure.description] if failure else [])
    if problems:
        yield from checks
        # Bad data is not transient: retrying would fail the same way.
        raise dg.Failure(description="\n".join(problems), allow_retries=False)
    rows, part_rows = {}, {}
    for table in [*EXTRACTED_TABLES, "extraction_errors"]:
        output = UNLINKED.get(table, table)
        if table in small:
            df = small.pop(table)
            rows[output] = df.height
            yield dg.Output(df, output_name=output, metadata={**table_metadata(df), **run_counts})
            del df
            continue
        stored = parts.pop(table)
        counts = kept_rows.get(output, {}) | {m: n for m, n in stored.rows.items() if n}
        frames: Mapping[str, pl.DataFrame | None] = stored
        if not sum(counts.values()):  # no row left anywhere: an empty part keeps the columns
            frames = {**dict.fromkeys(stored), UNDATED: empty_frame(EXTRACTED_TABLES[table])}
        part_rows[output], rows[output] = counts, sum(counts.values())
        metadata = {"dagster/row_count": rows[output], "parts_written": len(stored)}
        yield dg.Output(
            TableParts(frames, whole=whole), output_name=output, metadata={**metadata, **run_counts}
        )
    # Each Output above is stored as it is yielded, so the tables are written by now.
    memo.record(result.signature, rows, {"months": result.months, "part_rows": part_rows})
    yield from checks
