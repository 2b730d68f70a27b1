"""Assets of the ingest stage: feeds -> raw/ (optional), raw/ -> articles and ingest_errors,
with a check that every input file is accounted for."""

import os
from pathlib import Path

import dagster as dg

from pipelines.defs.policies import TRANSIENT_RETRIES, WAREHOUSE_POOL
from pipelines.defs.reporting import (
    ProgressLog,
    definition_metadata,
    model_description,
    schema_check_spec,
    table_metadata,
    validate_outputs,
)
from pipelines.defs.resources import EventwireSettings
from pipelines.errors import SourcesError
from pipelines.ingest import account_for_files
from pipelines.ingest.fetch import FetchLimits, fetch_feeds, load_sources
from pipelines.ingest.incremental import read_raw_incremental
from pipelines.store import state_dir
from schemas import Articles, IngestErrors

FILES_ACCOUNTED_FOR = "every_file_accounted_for"


class FeedFetchConfig(dg.Config):
    """Off unless a sources file is given here or in EVENTWIRE_SOURCES."""

    sources_file: str = ""
    timeout_s: float = 20.0
    max_bytes: int = 5 * 1024 * 1024
    per_host_delay_s: float = 2.0


@dg.asset(group_name="ingest", kinds={"http"}, retry_policy=TRANSIENT_RETRIES)
def fetched_feed_items(
    context: dg.AssetExecutionContext, config: FeedFetchConfig, settings: EventwireSettings
) -> dg.MaterializeResult:
    """New items of the feeds listed in sources.yaml, landed in raw/fetched/ as JSON files."""
    sources_file = config.sources_file or os.environ.get("EVENTWIRE_SOURCES", "")
    if not sources_file:
        context.log.info("no sources file configured (EVENTWIRE_SOURCES): nothing fetched")
        return dg.MaterializeResult(metadata={"configured": False, "items_new": 0})
    # A bad entry is reported and skipped; a sources file that cannot be used at all is
    # reported and nothing is fetched. Neither is retried (the file does not fix itself), and
    # neither stops the run: raw/ is still read.
    bad: list[SourcesError] = []
    try:
        sources = load_sources(sources_file, on_bad_entry=bad.append)
    except SourcesError as err:
        context.log.error(f"step fetched_feed_items: {err.describe()}; nothing fetched")
        return dg.MaterializeResult(
            metadata={"configured": True, "items_new": 0, "sources_error": str(err)}
        )
    for err in bad:
        context.log.error(f"step fetched_feed_items: {err.describe()}")
    limits = FetchLimits(
        timeout_s=config.timeout_s,
        max_bytes=config.max_bytes,
        per_host_delay_s=config.per_host_delay_s,
    )
    reports = fetch_feeds(sources, Path(settings.raw_dir), limits=limits, log=context.log.info)
    failed = [r for r in reports if r.status == "error"]
    for report in failed:
        context.log.warning(f"{report.source} ({report.url}): {report.message}")
    return dg.MaterializeResult(
        metadata={
            "configured": True,
            "feeds": len(reports),
            "feeds_failed": len(failed),
            "entries_skipped": len(bad),
            "feeds_not_modified": sum(r.status == "not_modified" for r in reports),
            "items_new": sum(r.items_new for r in reports),
        }
    )


@dg.multi_asset(
    outs={
        "articles": dg.AssetOut(
            description=model_description(Articles),
            metadata=definition_metadata(Articles),
            kinds={"polars", "parquet"},
        ),
        "ingest_errors": dg.AssetOut(
            description=model_description(IngestErrors),
            metadata=definition_metadata(IngestErrors),
            kinds={"polars", "parquet"},
        ),
    },
    check_specs=[
        dg.AssetCheckSpec(
            FILES_ACCOUNTED_FOR,
            asset="articles",
            additional_deps=["ingest_errors"],
            description="Every file below raw/ was read into articles, folded into an article "
            "it duplicates, or has a row in ingest_errors.",
        ),
        schema_check_spec("articles", Articles),
        schema_check_spec("ingest_errors", IngestErrors),
    ],
    deps=[fetched_feed_items],
    group_name="ingest",
    retry_policy=TRANSIENT_RETRIES,
    pool=WAREHOUSE_POOL,
)
def raw_articles(context: dg.AssetExecutionContext, settings: EventwireSettings):
    """Read every new or changed file below the raw folder (the others' rows are kept from
    earlier runs); bad files become ingest_errors rows."""
    with settings.failures_classified():
        incremental = read_raw_incremental(
            Path(settings.raw_dir),
            state_dir(settings.warehouse_dir),
            progress=ProgressLog(context.log, "read", "files"),
            lock_timeout_s=settings.lock_timeout_s,
        )
    result = incremental.result
    for path in incremental.quarantined:
        context.log.warning(
            f"step raw_articles: a state segment could not be read and was moved to {path}; "
            "its files were read again. Delete that folder once you no longer need it"
        )
    context.log.info(
        f"{incremental.files_read} files read, {incremental.files_reused} unchanged since "
        "they were last read"
        + (
            f"; {incremental.hidden} hidden entries (named .*) skipped, as always"
            if incremental.hidden
            else ""
        )
    )
    checks, failure = validate_outputs(
        {"articles": (Articles, result.articles), "ingest_errors": (IngestErrors, result.errors)}
    )
    if failure:
        yield from checks
        raise failure
    articles, errors = result.articles, result.errors
    # Recounted from the validated tables, not taken from the reader's own tally.
    accounting = account_for_files(result.files, articles, errors)
    context.log.info(
        f"read {accounting.summary()}. {articles.height} articles "
        f"({result.near_duplicates} near-duplicates of another), {result.duplicates} exact "
        f"duplicates dropped, {errors.height} error rows, {result.non_english} not in English"
    )
    counts = {
        **accounting.as_metadata(),
        "duplicates": result.duplicates,
        "near_duplicates": result.near_duplicates,
        "non_english": result.non_english,
        "ingest_errors": errors.height,
        "files_read_this_run": incremental.files_read,
        "files_unchanged": incremental.files_reused,
    }
    yield dg.Output(
        articles, output_name="articles", metadata={**table_metadata(articles), **counts}
    )
    yield dg.Output(errors, output_name="ingest_errors", metadata=table_metadata(errors))
    yield from checks
    yield dg.AssetCheckResult(
        check_name=FILES_ACCOUNTED_FOR,
        asset_key="articles",
        passed=accounting.adds_up,
        severity=dg.AssetCheckSeverity.ERROR,
        description=accounting.summary(),
        metadata={
            **accounting.as_metadata(),
            "unaccounted": dg.MetadataValue.md(
                "\n".join(f"- `{p}`" for p in accounting.unaccounted) or "none"
            ),
        },
    )
