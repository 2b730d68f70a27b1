"""eventwire: news articles to validated tables of events and claims.

Layout, in the order an article flows:
  ingest/   raw file -> article rows (plain Python)
  extract/  article text -> events, claims, quantities, actors (plain Python, spaCy)
  store/    frames -> Parquet -> DuckDB warehouse (plain Python)
  defs/     the thin Dagster shell over the three above
"""

# Written on every extracted row. Raised whenever the rules or lexicons change what is
# extracted, so rows from different rule sets can be told apart (0.2.0: the actor, date and
# event-rule work scored in docs/quality.md on 2026-11-30).
EXTRACTOR_VERSION = "0.3.0"
# The longest article text the parser takes (spaCy's max_length). Ingest refuses longer ones as
# too_large, so one huge file cannot stop extraction for the rest. A 1,000,000-character
# article takes about 2.5 GB while parsed (docs/reliability.md).
MAX_ARTICLE_CHARS = 2_000_000
