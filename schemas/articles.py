import datetime

import pandera.polars as pa
import polars as pl

from schemas.codes import PUBLISHED_SOURCES, SOURCE_FORMATS


class Articles(pa.DataFrameModel):
    """One row per distinct article read from raw/."""

    article_id: str = pa.Field(
        unique=True, str_length=16, description="Stable id: hash of the normalized article text."
    )
    source_path: str = pa.Field(description="Path of the raw file, relative to the raw folder.")
    source_record: int | None = pa.Field(
        nullable=True,
        ge=0,
        description="Record index inside a JSON/JSONL file, feed or WARC archive; null otherwise.",
    )
    source_format: str = pa.Field(
        isin=SOURCE_FORMATS, description="Format the article was read from (gzip is unpacked)."
    )
    url: str | None = pa.Field(nullable=True, description="Canonical URL, when known.")
    outlet: str | None = pa.Field(nullable=True, description="Publishing outlet.")
    outlets: pl.List(pl.String) = pa.Field(
        description="Every outlet known to carry this story: this row's, its exact copies', and "
        "on the earliest copy of a near-duplicate group, the whole group's."
    )
    author: str | None = pa.Field(nullable=True, description="Byline, when the source gives one.")
    title: str | None = pa.Field(nullable=True, description="Headline.")
    dateline: str | None = pa.Field(
        nullable=True, description="Dateline place as written, e.g. WASHINGTON."
    )
    published_date: datetime.date | None = pa.Field(
        nullable=True, description="Publication date; the base for resolving relative dates."
    )
    published_source: str = pa.Field(
        isin=PUBLISHED_SOURCES, description="Where published_date came from (or none)."
    )
    body_start: int = pa.Field(
        ge=0, description="Offset in text where the story starts, after the dateline (0 if none)."
    )
    language: str = pa.Field(description="ISO 639-1 language code, or 'und' when unknown.")
    text: str = pa.Field(
        str_length={"min_value": 1},
        description="Clean article body; every start_char/end_char in other tables indexes it.",
    )
    word_count: int = pa.Field(ge=1, description="Whitespace-separated words in text.")
    duplicate_of: str | None = pa.Field(
        nullable=True,
        str_length=16,
        description="article_id of the earliest copy when this is a near-duplicate of it "
        "(word 5-shingle Jaccard >= 0.5); null for originals.",
    )
    duplicate_sources: pl.List(pl.String) = pa.Field(
        description="Other raw inputs (path, or path#record) that held exactly this text; "
        "stored once, here."
    )
    metadata: str = pa.Field(
        description="JSON object of everything else the source said (unknown dump fields, feed "
        "and archive details, detected encoding, declared language when it disagreed)."
    )
    ingested_at: pl.Datetime(time_zone="UTC") = pa.Field(description="When the row was read (UTC).")

    class Config:
        strict = True
        name = "articles"
