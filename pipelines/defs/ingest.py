"""Assets of the ingest stage: raw/ -> articles and ingest_errors, with a check that every
input file is accounted for."""

from pathlib import Path

import dagster as dg

from pipelines.defs.reporting import ProgressLog, definition_metadata, table_metadata, validated
from pipelines.defs.resources import EventwireSettings
from pipelines.ingest import account_for_files, read_raw_folder
from schemas import Articles, IngestErrors

FILES_ACCOUNTED_FOR = "every_file_accounted_for"


@dg.multi_asset(
    outs={
        "articles": dg.AssetOut(
            description="One row per distinct article read from raw/.",
            metadata=definition_metadata(Articles),
            kinds={"polars", "parquet"},
        ),
        "ingest_errors": dg.AssetOut(
            description="One row per raw file or record that could not be read, with why.",
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
        )
    ],
    group_name="ingest",
)
def raw_articles(context: dg.AssetExecutionContext, settings: EventwireSettings):
    """Read every file below the raw folder; bad files become ingest_errors rows."""
    result = read_raw_folder(
        Path(settings.raw_dir), progress=ProgressLog(context.log, "read", "files")
    )
    articles = validated("articles", Articles, result.articles)
    errors = validated("ingest_errors", IngestErrors, result.errors)
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
    }
    yield dg.Output(
        articles, output_name="articles", metadata={**table_metadata(articles), **counts}
    )
    yield dg.Output(errors, output_name="ingest_errors", metadata=table_metadata(errors))
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
