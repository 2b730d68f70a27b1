"""Pandera (polars API) models: one module per warehouse table, the single source of truth.

Validation, Dagster column metadata and the data dictionary all read these models.
"""

from schemas.actors import Actors
from schemas.articles import Articles
from schemas.claim_clusters import ClaimClusters
from schemas.claims import Claims
from schemas.event_clusters import EventClusters
from schemas.events import Events
from schemas.ingest_errors import IngestErrors
from schemas.quantities import Quantities
from schemas.validation import (
    TableValidationError,
    empty_frame,
    frame_from_rows,
    polars_schema,
    validate_table,
)

# Table name -> model, in the order an article flows through the pipeline.
TABLES = {
    "articles": Articles,
    "ingest_errors": IngestErrors,
    "events": Events,
    "claims": Claims,
    "quantities": Quantities,
    "actors": Actors,
    "event_clusters": EventClusters,
    "claim_clusters": ClaimClusters,
}

__all__ = [
    "TABLES",
    "Actors",
    "Articles",
    "ClaimClusters",
    "Claims",
    "EventClusters",
    "Events",
    "IngestErrors",
    "Quantities",
    "TableValidationError",
    "empty_frame",
    "frame_from_rows",
    "polars_schema",
    "validate_table",
]
