"""Assets of the ingest stage: raw/ -> articles and ingest_errors."""

from pathlib import Path

import dagster as dg

from pipelines.defs.reporting import ProgressLog, definition_metadata, table_metadata, validated
from pipelines.defs.resources import EventwireSettings
from pipelines.ingest import read_raw_folder
from schemas import Articles, IngestErrors


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
    group_name="ingest",
)
def raw_articles(context: dg.AssetExecutionContext, settings: EventwireSettings):
    """Read every file below the raw folder; bad files become ingest_errors rows."""
    result = read_raw_folder(
        Path(settings.raw_dir), progress=ProgressLog(context.log, "read", "files")
    )
    articles = validated("articles", Articles, result.articles)
    errors = validated("ingest_errors", IngestErrors, result.errors)
    context.log.info(
        f"read {result.files_seen} files: {articles.height} articles, "
        f"{result.duplicates} duplicates, {errors.height} errors, "
        f"{result.non_english} not in English"
    )
    accounting = {
        "files_seen": result.files_seen,
        "duplicates": result.duplicates,
        "non_english": result.non_english,
    }
    yield dg.Output(
        articles, output_name="articles", metadata={**table_metadata(articles), **accounting}
    )
    yield dg.Output(errors, output_name="ingest_errors", metadata=table_metadata(errors))
