import pandera.polars as pa
import polars as pl


class ExtractionErrors(pa.DataFrameModel):
    """One row per article the extraction rules failed on in the last run. The article has no
    events, claims or quantities; every run tries it again, so a fixed rule or lexicon brings
    them back and the row goes."""

    article_id: str = pa.Field(
        unique=True, str_length=16, description="The article (articles.article_id)."
    )
    error: str = pa.Field(description="The exception: its type and message.")
    location: str = pa.Field(
        description="Where it was raised: file:line in function, innermost in our code."
    )
    extractor_version: str = pa.Field(description="EXTRACTOR_VERSION of the rules that failed.")
    failed_at: pl.Datetime(time_zone="UTC") = pa.Field(description="When the run failed on it.")

    class Config:
        strict = True
        name = "extraction_errors"
