import pandera.polars as pa
import polars as pl

from schemas.codes import ACTOR_KINDS


class Actors(pa.DataFrameModel):
    """One row per actor referred to by any event or claim."""

    actor_id: str = pa.Field(unique=True, description="Actor code (dictionary id or derived).")
    name: str = pa.Field(description="Canonical name.")
    kind: str = pa.Field(isin=ACTOR_KINDS, description="person, organization, country, ...")
    country: str | None = pa.Field(
        nullable=True, str_length=3, description="ISO 3166 alpha-3 country the actor belongs to."
    )
    sector: str | None = pa.Field(
        nullable=True, description="CAMEO-style agent sector: GOV, MIL, COP, REB, CVL, ..."
    )
    in_dictionary: bool = pa.Field(description="False for entities not in the actor dictionary.")
    aliases: pl.List(pl.String) = pa.Field(description="Names the actor was written as.")

    class Config:
        strict = True
        name = "actors"
