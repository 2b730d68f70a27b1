import datetime

import pandera.polars as pa

from schemas.codes import DATE_PRECISIONS, MODALITIES, PLOVER_TYPES


class Events(pa.DataFrameModel):
    """One row per event mention: a trigger in one article, coded to a PLOVER type."""

    event_id: str = pa.Field(unique=True, description="Stable id: hash of article and span.")
    article_id: str = pa.Field(description="Article the event was read from (articles.article_id).")
    sentence_index: int = pa.Field(ge=0, description="0-based sentence number in the article.")
    start_char: int = pa.Field(ge=0, description="Start of the trigger in articles.text.")
    end_char: int = pa.Field(ge=1, description="End (exclusive) of the trigger in articles.text.")
    trigger: str = pa.Field(description="Trigger words as written: text[start_char:end_char].")
    event_type: str = pa.Field(isin=PLOVER_TYPES, description="PLOVER event type.")
    event_mode: str | None = pa.Field(
        nullable=True, description="PLOVER mode where the text says it (aerial, arrest, ...)."
    )
    quad_class: int = pa.Field(
        isin=[1, 2, 3, 4],
        description="1 verbal cooperation, 2 material cooperation, 3 verbal conflict, "
        "4 material conflict.",
    )
    actor1_text: str | None = pa.Field(nullable=True, description="Who acts, as written.")
    actor1_id: str | None = pa.Field(nullable=True, description="actors.actor_id of actor1.")
    actor2_text: str | None = pa.Field(
        nullable=True, description="Target or recipient, as written."
    )
    actor2_id: str | None = pa.Field(nullable=True, description="actors.actor_id of actor2.")
    event_date: datetime.date | None = pa.Field(
        nullable=True, description="Resolved date (start of the range for ranges)."
    )
    date_end: datetime.date | None = pa.Field(nullable=True, description="End of a date range.")
    date_precision: str | None = pa.Field(
        nullable=True, isin=DATE_PRECISIONS, description="day, month, year or range."
    )
    date_text: str | None = pa.Field(nullable=True, description="Date expression as written.")
    location_text: str | None = pa.Field(nullable=True, description="Place as written.")
    location_country: str | None = pa.Field(
        nullable=True, str_length=3, description="ISO 3166 alpha-3 code of the place."
    )
    latitude: float | None = pa.Field(
        nullable=True, ge=-90, le=90, description="Latitude of the place (WGS84)."
    )
    longitude: float | None = pa.Field(
        nullable=True, ge=-180, le=180, description="Longitude of the place (WGS84)."
    )
    location_precision: str | None = pa.Field(
        nullable=True,
        isin=["city", "region", "country", "sea"],
        description="What the coordinates stand for: a city, a region, a country (its "
        "capital's point) or a sea.",
    )
    modality: str = pa.Field(isin=MODALITIES, description="Whether the text says it happened.")
    cluster_id: str = pa.Field(
        description="The real-world event this mention belongs to (event_clusters.cluster_id); "
        "a mention no other article reports is a cluster of one."
    )
    claim_id: str | None = pa.Field(
        nullable=True, description="Claim under which the event is reported (claims.claim_id)."
    )
    confidence: float = pa.Field(ge=0, le=1, description="Rule confidence in [0, 1].")
    extractor_version: str = pa.Field(description="eventwire extractor version that made the row.")

    class Config:
        strict = True
        name = "events"
