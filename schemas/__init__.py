"""Pandera (polars API) models: one module per warehouse table, the single source of truth.

Validation, Dagster column metadata and the data dictionary all read these models. The values
coded columns may take are in `schemas.codes`, which imports nothing: the models, and pandera
with them, are loaded on first use of a name below, so a parser process that only needs the
codes does not carry pandera and polars (about 100 MB).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from schemas.actors import Actors
    from schemas.articles import Articles
    from schemas.claim_clusters import ClaimClusters
    from schemas.claims import Claims
    from schemas.event_clusters import EventClusters
    from schemas.events import Events
    from schemas.extraction_errors import ExtractionErrors
    from schemas.ingest_errors import IngestErrors
    from schemas.quantities import Quantities
    from schemas.validation import (
        empty_frame,
        frame_from_rows,
        polars_schema,
        validate_table,
    )

    TABLES: dict[str, type]

_WHERE = {
    "Actors": "schemas.actors",
    "Articles": "schemas.articles",
    "ClaimClusters": "schemas.claim_clusters",
    "Claims": "schemas.claims",
    "EventClusters": "schemas.event_clusters",
    "Events": "schemas.events",
    "ExtractionErrors": "schemas.extraction_errors",
    "IngestErrors": "schemas.ingest_errors",
    "Quantities": "schemas.quantities",
    "empty_frame": "schemas.validation",
    "frame_from_rows": "schemas.validation",
    "polars_schema": "schemas.validation",
    "validate_table": "schemas.validation",
}
# Table name -> model name, in the order an article flows through the pipeline.
_TABLES = {
    "articles": "Articles",
    "ingest_errors": "IngestErrors",
    "events": "Events",
    "claims": "Claims",
    "quantities": "Quantities",
    "actors": "Actors",
    "extraction_errors": "ExtractionErrors",
    "event_clusters": "EventClusters",
    "claim_clusters": "ClaimClusters",
}

__all__ = [
    "TABLES",
    "Actors",
    "Articles",
    "ClaimClusters",
    "Claims",
    "EventClusters",
    "Events",
    "ExtractionErrors",
    "IngestErrors",
    "Quantities",
    "empty_frame",
    "frame_from_rows",
    "polars_schema",
    "validate_table",
]


def __getattr__(name: str) -> Any:
    if name == "TABLES":
        value: Any = {table: __getattr__(model) for table, model in _TABLES.items()}
    elif name in _WHERE:
        value = getattr(importlib.import_module(_WHERE[name]), name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value  # looked up once
    return value
