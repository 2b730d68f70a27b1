import datetime

import pandera.polars as pa

from schemas.codes import (
    DATE_BASES,
    DATE_PRECISIONS,
    LOCATION_BASES,
    LOCATION_PRECISIONS,
    MODALITIES,
    PLOVER_TYPES,
    TYPE_BASES,
)


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
    date_basis: str | None = pa.Field(
        nullable=True,
        isin=DATE_BASES,
        description="Where the date comes from: stated (a phrase in the event's clause), "
        "context (the episode it belongs to: an earlier mention, a dated event of its "
        "sentence, the story's latest event), published (a statement, plan or report of the "
        "day, dated by publication). Empty only when the article has no publication date.",
    )
    date_text: str | None = pa.Field(
        nullable=True,
        description="Date phrase as written that the date comes from (for context, the "
        "episode's phrase); a phrase that names no definite time is kept here while the date "
        "comes from the next basis.",
    )
    date_text_start: int | None = pa.Field(
        nullable=True, ge=0, description="Start of date_text in articles.text."
    )
    date_text_end: int | None = pa.Field(
        nullable=True, ge=1, description="End (exclusive) of date_text in articles.text."
    )
    location_text: str | None = pa.Field(
        nullable=True,
        description="Place as written (for context, the phrase of the event it comes from); "
        "empty when the place comes from the dateline or an actor.",
    )
    location_text_start: int | None = pa.Field(
        nullable=True, ge=0, description="Start of location_text in articles.text."
    )
    location_text_end: int | None = pa.Field(
        nullable=True, ge=1, description="End (exclusive) of location_text in articles.text."
    )
    location_basis: str | None = pa.Field(
        nullable=True,
        isin=LOCATION_BASES,
        description="Where the place comes from: stated (the event's own phrase), context "
        "(the event it refers to, its sentence, its episode), dateline (articles.dateline), "
        "actor (the country of actor1, else actor2). Empty when the text allows none.",
    )
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
        isin=LOCATION_PRECISIONS,
        description="What the coordinates stand for: a city, a region, a country (its "
        "capital's point) or a sea.",
    )
    modality: str = pa.Field(isin=MODALITIES, description="Whether the text says it happened.")
    cluster_id: str = pa.Field(
        description="The real-world event this mention belongs to (event_clusters.cluster_id); "
        "a mention no other article reports is a cluster of one."
    )
    mention_of: str | None = pa.Field(
        nullable=True,
        description='For a later mention of an act the article already reported ("the '
        'strike", "the designation"): the event_id of its first mention, whose cluster it '
        "joins. Null for a first mention; count events WHERE mention_of IS NULL.",
    )
    claim_id: str | None = pa.Field(
        nullable=True, description="Claim under which the event is reported (claims.claim_id)."
    )
    confidence: float = pa.Field(
        ge=0,
        le=1,
        description="Rule confidence in [0, 1]; for type_basis 'model', half the model's "
        "probability, so always below 0.5.",
    )
    type_basis: str = pa.Field(
        isin=TYPE_BASES,
        description="Who chose event_type: 'lexicon' (an entry of triggers.yaml) or 'model' "
        "(the sentence typer, asked only where no entry fired; docs/quality.md says what it "
        "was trained on). Filter WHERE type_basis = 'lexicon' for rule-coded events only.",
    )
    plover_root: str = pa.Field(
        isin=PLOVER_TYPES,
        description="The PLOVER root as PLOVER's own coding (its CAMEO mapping) gives the act, "
        "for comparison with PLOVER-coded data such as POLECAT: an act only announced or planned "
        "(modality planned or expected) of a cooperative type is AGREE ('will meet', 'said it "
        "would free the hostages'), of a conflictual one THREATEN ('will boycott the vote'); a "
        "signed or reached agreement is SUPPORT, a failed one REJECT ('failed to reach a deal'), "
        "imposed sanctions COERCE; otherwise event_type. "
        "event_type keeps the act itself (triggers.yaml: `announced`, `plover`).",
    )
    extractor_version: str = pa.Field(description="eventwire extractor version that made the row.")

    class Config:
        strict = True
        name = "events"
