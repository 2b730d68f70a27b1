import datetime

import pandera.polars as pa

from schemas.codes import KINDS, QUALIFIERS, SCOPES


class Quantities(pa.DataFrameModel):
    """One row per number the text reports (casualties, counts, money), tied to an event."""

    quantity_id: str = pa.Field(unique=True, description="Stable id: hash of article and span.")
    article_id: str = pa.Field(description="Article the quantity was read from.")
    event_id: str | None = pa.Field(
        nullable=True, description="Event the number belongs to (events.event_id), if any."
    )
    sentence_index: int = pa.Field(ge=0, description="0-based sentence number in the article.")
    kind: str = pa.Field(isin=KINDS, description="What is counted.")
    value: float = pa.Field(ge=0, description="The number (a lower bound for 'dozens').")
    unit: str | None = pa.Field(
        nullable=True, description="Counted noun (people, strikes) or currency code (USD)."
    )
    qualifier: str = pa.Field(isin=QUALIFIERS, description="exact, at_least, more_than, ...")
    text: str = pa.Field(description="The quantity as written: text[start_char:end_char].")
    start_char: int = pa.Field(ge=0, description="Start of the quantity in articles.text.")
    end_char: int = pa.Field(ge=1, description="End (exclusive) of the quantity.")
    scope: str = pa.Field(
        isin=SCOPES,
        description="event: this event's figure; cumulative: a running total over a period "
        '("since September", "so far this year", "in recent years", "in total"), kept '
        "out of daily counts (casualties_by_day) and listed in running_totals.",
    )
    scope_text: str | None = pa.Field(
        nullable=True, description="The phrase that makes the number a running total, as written."
    )
    as_of_date: datetime.date | None = pa.Field(
        nullable=True,
        description="The date a running total runs to: its range's end, else the publication "
        "date. Empty for event figures.",
    )
    claim_id: str | None = pa.Field(
        nullable=True, description="Claim that reports the number (claims.claim_id), if any."
    )
    extractor_version: str = pa.Field(description="eventwire extractor version that made the row.")

    class Config:
        strict = True
        name = "quantities"
