import pandera.polars as pa

from schemas.codes import CHANNELS, CLAIM_KINDS, SPEAKER_KINDS, STANCES


class Claims(pa.DataFrameModel):
    """One row per attributed statement: who said what, through which outlet."""

    claim_id: str = pa.Field(unique=True, description="Stable id: hash of article and span.")
    article_id: str = pa.Field(description="Article the claim was read from.")
    sentence_index: int = pa.Field(ge=0, description="0-based sentence number in the article.")
    start_char: int = pa.Field(ge=0, description="Start of the attribution cue in articles.text.")
    end_char: int = pa.Field(ge=1, description="End (exclusive) of the cue in articles.text.")
    speaker_text: str | None = pa.Field(
        nullable=True,
        description="Speaker as written; null when the text states none (speaker_kind unstated).",
    )
    speaker_actor_id: str | None = pa.Field(
        nullable=True, description="actors.actor_id of the speaker, when resolved."
    )
    speaker_kind: str = pa.Field(
        isin=SPEAKER_KINDS,
        description="What kind of source speaks; 'unstated' for a report whose speaker the text "
        "does not state ('he was asked to ...', 'she is accused of ...', 'it was reported that "
        "...'): speaker_text and speaker_actor_id are then null. WHERE speaker_kind <> "
        "'unstated' keeps only claims with a speaker.",
    )
    speaker_count: int | None = pa.Field(
        nullable=True, ge=1, description="How many speakers the text names ('four officials')."
    )
    anonymous: bool = pa.Field(
        description="True when the speaker is not identified by name, unstated speakers included."
    )
    cue: str = pa.Field(description="Attribution cue as written: text[start_char:end_char].")
    cue_lemma: str = pa.Field(description="Normalized cue (say, tell, according to, ...).")
    stance: str = pa.Field(isin=STANCES, description="What the speaker does with the content.")
    kind: str = pa.Field(
        isin=CLAIM_KINDS,
        description="What is reported: a statement (said, wrote, tweeted), a belief or feeling "
        "held (believes, thinks, fears) or an intention (wants, plans).",
    )
    content: str | None = pa.Field(nullable=True, description="The attributed clause or quote.")
    content_start: int | None = pa.Field(nullable=True, ge=0, description="Start of content.")
    content_end: int | None = pa.Field(nullable=True, ge=0, description="End of content.")
    direct_quote: bool = pa.Field(description="True when the content is a quotation.")
    reported_via: str | None = pa.Field(
        nullable=True, description="Outlet the speaker talked to ('told Reuters')."
    )
    channel: str | None = pa.Field(
        nullable=True,
        isin=CHANNELS,
        description="How the claim was made, when the text says: statement, interview, "
        "press_conference, social_media, speech, or news_outlet (an outlet reports it).",
    )
    platform: str | None = pa.Field(
        nullable=True, description="The social network named ('Truth Social', 'X', 'Twitter')."
    )
    claim_cluster_id: str = pa.Field(
        description="The repeated statement this claim belongs to (claim_clusters)."
    )
    confidence: float = pa.Field(ge=0, le=1, description="Rule confidence in [0, 1].")
    extractor_version: str = pa.Field(description="eventwire extractor version that made the row.")

    class Config:
        strict = True
        name = "claims"
