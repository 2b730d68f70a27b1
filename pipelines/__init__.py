"""eventwire: news articles to validated tables of events and claims.

Layout, in the order an article flows:
  ingest/   raw file -> article rows (plain Python)
  extract/  article text -> events, claims, quantities, actors (plain Python, spaCy)
  link/     the same event or statement across articles -> clusters (plain Python)
  store/    frames -> Parquet -> DuckDB warehouse (plain Python)
  defs/     the thin Dagster shell over the four above
"""

from collections.abc import Callable

# Written on every extracted row. Raised whenever the rules or lexicons change what is
# extracted, so rows from different rule sets can be told apart (0.2.0: the actor, date and
# event-rule work scored in docs/quality.md on 2026-11-30).
EXTRACTOR_VERSION = "0.4.29"
# The longest article text the parser takes (spaCy's max_length). Ingest refuses longer ones as
# too_large, so one huge file cannot stop extraction for the rest. Chosen so that the worst case
# fits a 2-core, 8 GB machine: one endless sentence costs a parser process about 0.29 GB plus
# 2.5 GB per million characters (measured at 250,000 and 500,000: 0.90 and 1.51 GB peak RSS;
# 5.8 GB at 1.9 million, so growth is a little steeper on the way up). At 800,000 a worker peaks
# at about 2.3-2.8 GB, and the two workers such a machine runs stay under 6 GB together,
# leaving room for the run itself (docs/reliability.md, case 11).
MAX_ARTICLE_CHARS = 800_000

# Told after each unit of work (a raw file read, an article extracted): (done, total).
Progress = Callable[[int, int], None]
