"""Group event mentions into real-world events, and claims into repeated statements.

Two event mentions from different articles are the same event when they have the same PLOVER
type and the same realis (both asserted, or both not), their dates are within
DAY_WINDOW days (the publication date stands in for a missing event date, with a wider
window), nothing they say contradicts (a known actor1, actor2 or country that differs), and
something positive ties them: the same actor1, the same actor2 or the same place. Mentions
are joined transitively (union-find). A cluster's id is its smallest event id, so it is
stable while its members are.

Two claims from different articles are the same statement when the speaker is the same
(resolved actor, or the same words) and the content words overlap by half or more (Jaccard),
published within CLAIM_WINDOW days of each other.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable

import polars as pl

from pipelines.faults import fault_point
from schemas import ClaimClusters, EventClusters, frame_from_rows

DAY_WINDOW = 1  # event dates known on both sides
PUBLISHED_WINDOW = 3  # when a side falls back to its publication date
CONTENT_JACCARD = 0.5
CLAIM_WINDOW = 7  # a statement is repeated over a news cycle longer than an event is reported
_EVENT_FIELDS = (
    "event_id",
    "article_id",
    "event_type",
    "modality",
    "event_date",
    "date_precision",
    "actor1_id",
    "actor1_text",
    "actor2_id",
    "actor2_text",
    "location_country",
    "location_text",
    "claim_id",
)
_CLAIM_FIELDS = (
    "claim_id",
    "article_id",
    "content",
    "speaker_text",
    "speaker_actor_id",
    "stance",
    "anonymous",
)
_STOP = frozenset(
    "the a an of to in on and or for with at by from that this is was were be".split()
)


class _UnionFind:
    def __init__(self, items: Iterable[str]):
        self.parent = {i: i for i in items}

    def find(self, x: str) -> str:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _words(text: str | None) -> frozenset[str]:
    return frozenset(w for w in re.findall(r"\w+", (text or "").lower()) if w not in _STOP)


def _same_actor(id_a, text_a, id_b, text_b) -> bool | None:
    """True (same), False (contradicts) or None (nothing to compare)."""
    if id_a is None and id_b is None:
        return None
    if id_a is not None and id_b is not None and id_a == id_b:
        return True
    wa, wb = _words(text_a), _words(text_b)
    if wa and wb and len(wa & wb) / min(len(wa), len(wb)) >= 0.5:
        return True
    if id_a is None or id_b is None:
        return None
    return False


def _compatible(a: dict, b: dict) -> bool:
    if a["article_id"] == b["article_id"]:
        return False
    window = DAY_WINDOW if a["dated"] and b["dated"] else PUBLISHED_WINDOW
    if a["day"] is None or b["day"] is None or abs((a["day"] - b["day"]).days) > window:
        return False
    links = []
    for n in ("1", "2"):
        same = _same_actor(
            a[f"actor{n}_id"], a[f"actor{n}_text"], b[f"actor{n}_id"], b[f"actor{n}_text"]
        )
        if same is False:
            return False
        links.append(same)
    ca, cb = a["location_country"], b["location_country"]
    if ca and cb and ca != cb:
        return False
    same_place = bool(ca and ca == cb) or bool(
        a["location_text"] and _words(a["location_text"]) == _words(b["location_text"])
    )
    return any(links) or same_place


def cluster_events(
    events: pl.DataFrame, claims: pl.DataFrame, articles: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """events with cluster_id filled, and one event_clusters row per cluster."""
    fault_point("link", "events")
    meta = {
        r["article_id"]: r
        for r in articles.select("article_id", "outlet", "published_date").iter_rows(named=True)
    }
    anonymous = dict(claims.select("claim_id", "anonymous").iter_rows())
    rows = events.select(_EVENT_FIELDS).to_dicts()  # only what pairing reads: rows are many
    for r in rows:
        published = meta.get(r["article_id"], {}).get("published_date")
        r["dated"] = r["event_date"] is not None and r["date_precision"] == "day"
        r["day"] = r["event_date"] or published  # a range counts from its start
    uf = _UnionFind(r["event_id"] for r in rows)
    groups: dict[tuple, list[dict]] = {}
    for r in rows:
        groups.setdefault((r["event_type"], r["modality"] == "asserted"), []).append(r)
    for group in groups.values():
        dated = sorted((r for r in group if r["day"] is not None), key=lambda r: r["day"])
        for i, a in enumerate(dated):  # a sliding window over days keeps this near-linear
            for b in dated[i + 1 :]:
                if (b["day"] - a["day"]).days > PUBLISHED_WINDOW:
                    break
                if _compatible(a, b):
                    uf.union(a["event_id"], b["event_id"])
    members: dict[str, list[dict]] = {}
    for r in rows:
        members.setdefault(uf.find(r["event_id"]), []).append(r)
    cluster_of = {r["event_id"]: uf.find(r["event_id"]) for r in rows}
    table = []
    for cid, ms in sorted(members.items()):
        outlets = sorted(
            {
                meta[m["article_id"]]["outlet"]
                for m in ms
                if meta.get(m["article_id"], {}).get("outlet")
            }
        )
        published = [meta[m["article_id"]]["published_date"] for m in ms if m["article_id"] in meta]
        published = [p for p in published if p is not None]
        anon = [m["claim_id"] is not None and anonymous.get(m["claim_id"], False) for m in ms]
        table.append(
            {
                "cluster_id": cid,
                "event_type": ms[0]["event_type"],
                "mentions": len(ms),
                "articles": len({m["article_id"] for m in ms}),
                "outlets": len(outlets),
                "outlet_names": outlets,
                "first_seen": min(published, default=None),
                "last_seen": max(published, default=None),
                "event_date": min((m["event_date"] for m in ms if m["event_date"]), default=None),
                "actor1_id": _mode(m["actor1_id"] for m in ms),
                "actor2_id": _mode(m["actor2_id"] for m in ms),
                "location_country": _mode(m["location_country"] for m in ms),
                "on_record": not all(anon),
                "anonymous_only": all(anon),
            }
        )
    events = events.with_columns(
        pl.col("event_id").replace_strict(cluster_of, return_dtype=pl.String).alias("cluster_id")
        if rows
        else pl.lit(None, dtype=pl.String).alias("cluster_id")
    )
    return events, frame_from_rows(EventClusters, table)


def cluster_claims(
    claims: pl.DataFrame, articles: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """claims with claim_cluster_id filled, and one claim_clusters row per cluster."""
    fault_point("link", "claims")
    meta = {
        r["article_id"]: r
        for r in articles.select("article_id", "outlet", "published_date").iter_rows(named=True)
    }
    rows = claims.select(_CLAIM_FIELDS).to_dicts()
    for r in rows:
        r["day"] = meta.get(r["article_id"], {}).get("published_date")
        r["words"] = _words(r["content"])
        r["speaker_key"] = r["speaker_actor_id"] or " ".join(sorted(_words(r["speaker_text"])))
    uf = _UnionFind(r["claim_id"] for r in rows)
    by_speaker: dict[str, list[dict]] = {}
    for r in rows:
        if r["speaker_key"] and r["words"] and r["day"] is not None:
            by_speaker.setdefault(r["speaker_key"], []).append(r)
    for group in by_speaker.values():
        group.sort(key=lambda r: r["day"])
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                if (b["day"] - a["day"]).days > CLAIM_WINDOW:
                    break
                if a["article_id"] == b["article_id"]:
                    continue
                if len(a["words"] & b["words"]) / len(a["words"] | b["words"]) >= CONTENT_JACCARD:
                    uf.union(a["claim_id"], b["claim_id"])
    members: dict[str, list[dict]] = {}
    for r in rows:
        members.setdefault(uf.find(r["claim_id"]), []).append(r)
    cluster_of = {r["claim_id"]: uf.find(r["claim_id"]) for r in rows}
    table = []
    for cid, ms in sorted(members.items()):
        ms.sort(key=lambda m: (m["day"] or dt.date.max, m["claim_id"]))
        outlets = sorted(
            {
                meta[m["article_id"]]["outlet"]
                for m in ms
                if meta.get(m["article_id"], {}).get("outlet")
            }
        )
        days = [m["day"] for m in ms if m["day"] is not None]
        table.append(
            {
                "claim_cluster_id": cid,
                "speaker_text": ms[0]["speaker_text"],
                "speaker_actor_id": ms[0]["speaker_actor_id"],
                "stance": ms[0]["stance"],
                "claims": len(ms),
                "articles": len({m["article_id"] for m in ms}),
                "outlets": len(outlets),
                "outlet_names": outlets,
                "anonymous": all(m["anonymous"] for m in ms),
                "first_seen": min(days, default=None),
                "last_seen": max(days, default=None),
            }
        )
    claims = claims.with_columns(
        pl.col("claim_id")
        .replace_strict(cluster_of, return_dtype=pl.String)
        .alias("claim_cluster_id")
        if rows
        else pl.lit(None, dtype=pl.String).alias("claim_cluster_id")
    )
    return claims, frame_from_rows(ClaimClusters, table)


def _mode(values: Iterable[str | None]) -> str | None:
    counts = Counter(v for v in values if v)
    return min(counts, key=lambda v: (-counts[v], v)) if counts else None
