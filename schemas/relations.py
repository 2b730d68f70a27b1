"""How the tables refer to each other: the keys the warehouse checks and the data dictionary
lists. A key is a column the model declares unique; a reference is declared here."""

from __future__ import annotations

from dataclasses import dataclass

import pandera.polars as pa


@dataclass(frozen=True)
class Reference:
    table: str
    column: str
    target: str
    target_column: str

    def __str__(self) -> str:
        return f"{self.table}.{self.column} -> {self.target}.{self.target_column}"


# Every non-null value of table.column must exist in target.target_column.
REFERENCES = [
    Reference("events", "article_id", "articles", "article_id"),
    Reference("events", "actor1_id", "actors", "actor_id"),
    Reference("events", "actor2_id", "actors", "actor_id"),
    Reference("events", "claim_id", "claims", "claim_id"),
    Reference("events", "mention_of", "events", "event_id"),
    Reference("claims", "article_id", "articles", "article_id"),
    Reference("claims", "speaker_actor_id", "actors", "actor_id"),
    Reference("quantities", "article_id", "articles", "article_id"),
    Reference("quantities", "event_id", "events", "event_id"),
    Reference("extraction_errors", "article_id", "articles", "article_id"),
    Reference("articles", "duplicate_of", "articles", "article_id"),
]


def unique_columns(model: type[pa.DataFrameModel]) -> list[str]:
    """The model's key columns: those it declares unique."""
    return [name for name, col in model.to_schema().columns.items() if col.unique]
