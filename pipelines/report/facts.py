"""What the reading room shows, read from the warehouse (DuckDB, read-only) into polars frames.

One query per table the pages need, joined with what a reader wants next to a row (actor
names, the article's title and outlet, the claim an event rests on). Shaping the frames into
pages is pages.py's work."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from pipelines.store.warehouse import DUCKDB_FILE, SANDBOXED

_ARTICLES_SQL = """
SELECT article_id, title, outlet, outlets, url, author, dateline, published_date,
       published_source, language, duplicate_of, word_count, source_path, source_record,
       ingested_at, text
FROM articles
ORDER BY published_date DESC NULLS LAST, article_id
"""

# Every event mention with its actors' names, its article's publication date and the day it
# is shown on: its own date, else its article's (the basis says which).
_EVENTS_SQL = """
SELECT
    e.event_id, e.article_id, e.sentence_index, e.start_char, e.end_char, e.trigger,
    e.event_type, e.event_mode, e.quad_class,
    e.actor1_text, e.actor1_id, coalesce(n1.name, e.actor1_text) AS actor1,
    e.actor2_text, e.actor2_id, coalesce(n2.name, e.actor2_text) AS actor2,
    e.event_date, e.date_end, e.date_precision, e.date_basis, e.date_text,
    e.date_text_start, e.date_text_end,
    e.location_text, e.location_text_start, e.location_text_end, e.location_basis,
    e.location_country, e.latitude, e.longitude, e.location_precision,
    e.modality, e.cluster_id, e.claim_id, e.confidence, e.extractor_version,
    a.published_date,
    coalesce(e.event_date, a.published_date) AS day
FROM events AS e
JOIN articles AS a USING (article_id)
LEFT JOIN actors AS n1 ON n1.actor_id = e.actor1_id
LEFT JOIN actors AS n2 ON n2.actor_id = e.actor2_id
ORDER BY day NULLS LAST, e.article_id, e.start_char
"""

_CLAIMS_SQL = """
SELECT
    c.claim_id, c.article_id, c.sentence_index, c.start_char, c.end_char, c.speaker_text,
    c.speaker_actor_id, coalesce(n.name, c.speaker_text) AS speaker, c.speaker_kind,
    c.speaker_count, c.anonymous, c.cue, c.cue_lemma, c.stance, c.kind, c.content,
    c.content_start, c.content_end, c.direct_quote, c.reported_via, c.channel, c.platform,
    c.claim_cluster_id, c.confidence, c.extractor_version,
    a.outlet, a.published_date
FROM claims AS c
JOIN articles AS a USING (article_id)
LEFT JOIN actors AS n ON n.actor_id = c.speaker_actor_id
ORDER BY c.article_id, c.start_char
"""

_QUANTITIES_SQL = """
SELECT quantity_id, article_id, event_id, sentence_index, kind, value, unit, qualifier, text,
       start_char, end_char, scope, scope_text, as_of_date, claim_id, extractor_version
FROM quantities
ORDER BY article_id, start_char
"""

_CLUSTERS_SQL = """
SELECT cluster_id, event_type, mentions, articles, outlets, outlet_names, first_seen,
       last_seen, event_date, actor1_id, actor2_id, location_country, on_record,
       anonymous_only
FROM event_clusters
"""


@dataclass
class Facts:
    articles: pl.DataFrame
    events: pl.DataFrame
    claims: pl.DataFrame
    quantities: pl.DataFrame
    clusters: pl.DataFrame
    # pages.claim_rows, made once: four views read the claims as dicts (0.2 s a time at
    # 5,000 articles)
    claim_dicts: dict[str, dict[str, Any]] | None = field(default=None, repr=False)


def read_facts(warehouse_dir: Path | str) -> Facts:
    """Every row the pages show, from the warehouse opened read-only (sandboxed like
    `eventwire sql`: no other file or network)."""
    path = Path(warehouse_dir) / DUCKDB_FILE
    con = duckdb.connect(str(path), read_only=True, config=SANDBOXED)
    try:
        return Facts(
            articles=con.sql(_ARTICLES_SQL).pl(),
            events=con.sql(_EVENTS_SQL).pl(),
            claims=con.sql(_CLAIMS_SQL).pl(),
            quantities=con.sql(_QUANTITIES_SQL).pl(),
            clusters=con.sql(_CLUSTERS_SQL).pl(),
        )
    finally:
        con.close()
