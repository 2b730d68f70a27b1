"""eventwire: news articles to validated tables of events and claims.

Layout, in the order an article flows:
  ingest/   raw file -> article rows (plain Python)
  extract/  article text -> events, claims, quantities, actors (plain Python, spaCy)
  store/    frames -> Parquet -> DuckDB warehouse (plain Python)
  defs/     the thin Dagster shell over the three above
"""

EXTRACTOR_VERSION = "0.1.0"
