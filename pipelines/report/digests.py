"""What each day file and article file of the room is made from, as one digest per file: a
run whose rows behind a file are those of the room on disk takes that file as it is instead
of building and writing it again.

A digest covers every row, in page order, that the file's page function reads: an article's
own row and its events, claims and figures; a day's event mentions with their clusters, the
claims and tolls beside them and the titles of the articles they cite. Row hashes are
polars' (stable within one polars version; room.code_version() includes that version)."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable

import polars as pl

from pipelines.report.facts import Facts
from pipelines.report.pages import (
    CLAIM_COLUMNS,
    EVENT_COLUMNS,
    TOLL_COLUMNS,
    UNDATED,
    events_by_card_day,
)


def _hashed(df: pl.DataFrame, key: str, part: str) -> pl.DataFrame:
    """(key, part, row hash) for each row of df, in df's order."""
    return pl.DataFrame({"k": df[key], "part": part, "h": df.drop(key).hash_rows()})


def _digests(frames: Iterable[pl.DataFrame]) -> dict[str, str]:
    rows: dict[object, list[bytes]] = defaultdict(list)
    for frame in frames:
        for k, part, h in frame.iter_rows():
            rows[k].append(f"{part}{h:x}".encode())
    return {k: hashlib.blake2b(b" ".join(hs), digest_size=12).hexdigest() for k, hs in rows.items()}


def article_digests(facts: Facts) -> dict[str, str]:
    """article_id -> digest of what its page (pages.article_page) is made from."""
    return _digests(
        _hashed(df, "article_id", part)
        for part, df in (
            ("a", facts.articles),
            ("e", facts.events),
            ("c", facts.claims),
            ("q", facts.quantities),
        )
    )


def day_digests(facts: Facts) -> dict[str, str]:
    """day (as the timeline keys it) -> digest of what its page (pages.timeline) is made from."""
    events = events_by_card_day(facts).with_columns(
        pl.col("card_day").dt.to_string().fill_null(UNDATED).alias("card_day")
    )
    mentions = events.select("card_day", "event_id", "article_id", "cluster_id", "claim_id")
    tolls = facts.quantities.filter(pl.col("event_id").is_not_null()).select(TOLL_COLUMNS)
    titles = facts.articles.select("article_id", "title", "outlet", "published_date")
    return _digests(
        [
            _hashed(events.select("card_day", *EVENT_COLUMNS), "card_day", "e"),
            _hashed(
                mentions.select("card_day", "cluster_id").join(
                    facts.clusters, on="cluster_id", how="left", maintain_order="left"
                ),
                "card_day",
                "k",
            ),
            _hashed(
                mentions.select("card_day", "claim_id").join(
                    facts.claims.select(CLAIM_COLUMNS), on="claim_id", maintain_order="left"
                ),
                "card_day",
                "c",
            ),
            _hashed(
                mentions.select("card_day", "event_id").join(
                    tolls, on="event_id", maintain_order="left"
                ),
                "card_day",
                "q",
            ),
            _hashed(
                mentions.select("card_day", "article_id")
                .unique(maintain_order=True)
                .join(titles, on="article_id", maintain_order="left"),
                "card_day",
                "t",
            ),
        ]
    )
