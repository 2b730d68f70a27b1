import datetime

import pandera.polars as pa
import polars as pl


class EventClusters(pa.DataFrameModel):
    """One row per real-world event as several articles report it: mentions grouped by type,
    compatible actors, date and place (pipelines/link/clusters.py says how)."""

    cluster_id: str = pa.Field(unique=True, description="Cluster id (events.cluster_id).")
    event_type: str = pa.Field(description="PLOVER type shared by every mention.")
    mentions: int = pa.Field(ge=1, description="Event rows in the cluster.")
    articles: int = pa.Field(ge=1, description="Distinct articles reporting it.")
    outlets: int = pa.Field(ge=0, description="Distinct outlets reporting it.")
    outlet_names: pl.List(pl.String) = pa.Field(description="The outlets, alphabetically.")
    first_seen: datetime.date | None = pa.Field(
        nullable=True, description="Earliest publication date among the articles."
    )
    last_seen: datetime.date | None = pa.Field(
        nullable=True, description="Latest publication date among the articles."
    )
    event_date: datetime.date | None = pa.Field(
        nullable=True, description="Earliest resolved event date among the mentions."
    )
    actor1_id: str | None = pa.Field(nullable=True, description="Most frequent actor1_id.")
    actor2_id: str | None = pa.Field(nullable=True, description="Most frequent actor2_id.")
    location_country: str | None = pa.Field(
        nullable=True, description="Most frequent location country."
    )
    on_record: bool = pa.Field(
        description="True when any mention is the outlet's own reporting or comes from a named "
        "(not anonymous) source."
    )
    anonymous_only: bool = pa.Field(
        description="True when every mention is reported under an anonymous claim."
    )

    class Config:
        strict = True
        name = "event_clusters"
