"""eventwire: news articles to validated tables of events and claims.

Layout, in the order an article flows:
  ingest/   raw file -> article rows (plain Python)
  extract/  article text -> events, claims, quantities, actors (plain Python, spaCy)
  store/    frames -> Parquet -> DuckDB warehouse (plain Python)
  defs/     the thin Dagster shell over the three above
"""

EXTRACTOR_VERSION = "0.1.0"
# The longest article text the parser takes (spaCy's max_length). Ingest refuses longer ones as
# too_large, so one huge file cannot stop extraction for the rest. A 1,000,000-character
# article takes about 2.5 GB while parsed (docs/reliability.md).
MAX_ARTICLE_CHARS = 2_000_000
