import datetime

import pandera.polars as pa
import polars as pl


class ClaimClusters(pa.DataFrameModel):
    """One row per statement repeated across articles: the same speaker saying the same thing
    (content words overlapping by half or more) within a few days."""

    claim_cluster_id: str = pa.Field(
        unique=True, description="Cluster id (claims.claim_cluster_id)."
    )
    speaker_text: str | None = pa.Field(nullable=True, description="Speaker as first written.")
    speaker_actor_id: str | None = pa.Field(
        nullable=True, description="Speaker's actor, if resolved."
    )
    stance: str = pa.Field(description="Stance of the earliest claim.")
    claims: int = pa.Field(ge=1, description="Claim rows in the cluster.")
    articles: int = pa.Field(ge=1, description="Distinct articles carrying it.")
    outlets: int = pa.Field(ge=0, description="Distinct outlets carrying it.")
    outlet_names: pl.List(pl.String) = pa.Field(description="The outlets, alphabetically.")
    anonymous: bool = pa.Field(description="True when every claim in it is anonymous.")
    first_seen: datetime.date | None = pa.Field(nullable=True, description="Earliest publication.")
    last_seen: datetime.date | None = pa.Field(nullable=True, description="Latest publication.")

    class Config:
        strict = True
        name = "claim_clusters"
