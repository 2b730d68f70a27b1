import pandera.polars as pa
import polars as pl

from schemas.codes import REASONS


class IngestErrors(pa.DataFrameModel):
    """One row per raw file or record that could not be read into an article."""

    source_path: str = pa.Field(description="Path of the raw file, relative to the raw folder.")
    source_record: int | None = pa.Field(
        nullable=True,
        ge=0,
        description="Record index inside a JSON/JSONL file, feed or WARC archive; null otherwise.",
    )
    reason: str = pa.Field(isin=REASONS, description="Stable reason code.")
    message: str = pa.Field(description="What went wrong and what to do about it.")
    seen_at: pl.Datetime(time_zone="UTC") = pa.Field(description="When the error was recorded.")

    class Config:
        strict = True
        name = "ingest_errors"
