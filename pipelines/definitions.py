"""The Dagster code location: assembles the objects in pipelines/defs/, nothing else."""

from __future__ import annotations

import dagster as dg

from pipelines.defs.extract import extracted_tables
from pipelines.defs.ingest import fetched_feed_items, raw_articles
from pipelines.defs.resources import EventwireSettings, build_resources
from pipelines.defs.warehouse import duckdb_warehouse

ASSETS = [fetched_feed_items, raw_articles, extracted_tables, duckdb_warehouse]


def build_definitions(settings: EventwireSettings | None = None) -> dg.Definitions:
    settings = settings or EventwireSettings.from_env()
    return dg.Definitions(assets=ASSETS, resources=build_resources(settings))


defs = build_definitions()
