"""Group event mentions into real-world events, and claims into repeated statements.

Two event mentions from different articles are the same event when they have the same PLOVER
type and the same realis (both asserted, or both not), their dates are within
DAY_WINDOW days (the publication date stands in for a missing event date, with a wider
window), nothing they say contradicts (a known actor1, actor2 or country that differs), and
something positive ties them: the same actor1, the same actor2 or the same place. Only what
an event's own sentence says counts here: a date taken from the story's context or the
publication, or a place taken from the dateline or an actor, would tie every event of a story
to the same day and country. Mentions
are joined transitively (union-find), and a chain of joined mentions (a component) is cut into
spans of EVENT_SPAN days from its first day (component_spans). A cluster's id is the
smallest event id of its span, so it is stable while its members are.

Two claims from different articles are the same statement when the speaker is the same
(resolved actor, or the same words) and the content words overlap by half or more (Jaccard),
published within CLAIM_WINDOW days of each other; chains are cut into spans of CLAIM_SPAN
days.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable

import polars as pl

from schemas import ClaimClusters, EventClusters, polars_schema

DAY_WINDOW = 1  # event dates known on both sides
PUBLISHED_WINDOW = 3  # when a side falls back to its publication date
CONTENT_JACCARD = 0.5
CLAIM_WINDOW = 7  # a statement is repeated over a news cycle longer than an event is reported
# The days a cluster may cover from its first mention (see component_spans): a week for an
# event's reports, two for a statement repeated.
EVENT_SPAN = 7
CLAIM_SPAN = 14
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
    "date_basis",
    "location_basis",
    "mention_of",
)
# The order of the window passes (a full link sorts in DuckDB by the same columns).
EVENT_ORDER = ["event_type", "asserted", "day", "event_id"]
CLAIM_ORDER = ["speaker_key", "day", "claim_id"]
_CLAIM_FIELDS = (
    "claim_id",
    "article_id",
    "content",
    "speaker_text",
    "speaker_actor_id",
    "stance",
    "anonymous",
)
# What a cluster's row is made from, of each of its mentions (besides the cluster id).
EVENT_MEMBER_FIELDS = [
    "event_id",
    "article_id",
    "event_type",
    "event_date",
    "actor1_id",
    "actor2_id",
    "location_country",
    "claim_id",
]
CLAIM_MEMBER_FIELDS = [
    "claim_id",
    "article_id",
    "speaker_text",
    "speaker_actor_id",
    "stance",
    "anonymous",
]
# What linking reads of an article (not its text).
ARTICLE_COLUMNS = ["article_id", "outlet", "published_date"]
_STOP = frozenset(
    "the a an of to in on and or for with at by from that this is was were be".split()
)


class _UnionFind:
    """Components over ids; only ids ever joined are stored (most mentions stay alone)."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        parent = self.parent
        root = x
        while parent.get(root, root) != root:
            root = parent[root]
        while x != root:  # path compression
            parent[x], x = root, parent[x]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _words(text: str | None) -> frozenset[str]:
    return frozenset(w for w in re.findall(r"\w+", (text or "").lower()) if w not in _STOP)


def _same_actor(id_a, wa: frozenset[str], id_b, wb: frozenset[str]) -> bool | None:
    """True (same), False (contradicts) or None (nothing to compare); wa, wb: the words of
    each side's actor text."""
    if id_a is None and id_b is None:
        return None
    if id_a is not None and id_b is not None and id_a == id_b:
        return True
    if wa and wb and len(wa & wb) / min(len(wa), len(wb)) >= 0.5:
        return True
    if id_a is None or id_b is None:
        return None
    return False


def _add_words(r: dict) -> None:
    """Each text's words, kept on the mention: computed once, not at every comparison."""
    r["words"] = {
        "1": _words(r["actor1_text"]),
        "2": _words(r["actor2_text"]),
        "place": _words(r["location_text"]),
    }


def _compatible(a: dict, b: dict) -> bool:
    """Whether two mentions (with their words, see _add_words) are the same event."""
    if a["article_id"] == b["article_id"]:
        return False
    window = DAY_WINDOW if a["dated"] and b["dated"] else PUBLISHED_WINDOW
    if a["day"] is None or b["day"] is None or abs((a["day"] - b["day"]).days) > window:
        return False
    links = []
    for n in ("1", "2"):
        same = _same_actor(a[f"actor{n}_id"], a["words"][n], b[f"actor{n}_id"], b["words"][n])
        if same is False:
            return False
        links.append(same)
    ca, cb = a["location_country"], b["location_country"]
    if ca and cb and ca != cb:
        return False
    same_place = bool(ca and ca == cb) or bool(
        a["location_text"] and a["words"]["place"] == b["words"]["place"]
    )
    return any(links) or same_place


def cluster_events(
    events: pl.DataFrame, claims: pl.DataFrame, articles: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """events with cluster_id filled, and one event_clusters row per cluster."""
    meta = articles.select("article_id", "outlet", "published_date")
    uf = _UnionFind()
    _link_events(_event_rows(events, meta), uf)
    days = _event_rows(events, meta, whole=False).select(id="event_id", day="day")
    ids = events["event_id"]
    clusters = _spans(days, ids, _cluster_ids(ids, uf), EVENT_SPAN)
    events = events.with_columns(clusters.alias("cluster_id"))
    return events, _event_cluster_table(events, claims, meta)


def component_spans(frame: pl.DataFrame, span: int) -> pl.Series:
    """Each mention's cluster, from `frame`'s id, component (the smallest id it is joined to)
    and day: a component's mentions are cut into spans of `span` days from its first day, and
    a cluster's id is the smallest id of its span. Joins are transitive, so mentions a day or
    two apart can chain a story's daily reports into one component over months (957 such
    chains held a fifth of 1.3 million generated mentions); a real-world event is reported
    within days. A mention without a day goes with the first span."""
    first = pl.col("day").min().over("component")
    part = ((pl.col("day") - first).dt.total_days() // span).fill_null(0)
    return (
        frame.with_columns(part=part)
        .select(pl.col("id").min().over("component", "part"))
        .to_series()
        .alias("cluster")
    )


def _spans(days: pl.DataFrame, ids: pl.Series, components: pl.Series, span: int) -> pl.Series:
    """component_spans of `ids` (with their `components`; `days`: id -> day), in their order."""
    frame = pl.DataFrame({"id": ids, "component": components}).join(
        days, on="id", how="left", maintain_order="left"
    )
    return frame["id"].replace_strict(frame["id"], component_spans(frame, span))


def _event_rows(events: pl.DataFrame, meta: pl.DataFrame, *, whole: bool = True) -> pl.DataFrame:
    """What linking compares of each mention, in (type, realis, day) order; without `whole`,
    every mention (a day or not) in the given order, for a caller that sorts them itself."""
    rows = (
        events.select(_EVENT_FIELDS)
        .join(meta.select("article_id", "published_date"), on="article_id", how="left")
        .with_columns(stated=pl.col("date_basis") == "stated")
        .with_columns(
            dated=pl.col("stated") & (pl.col("date_precision") == "day"),
            # a range counts from its start
            day=pl.when("stated").then("event_date").otherwise("published_date"),
            asserted=pl.col("modality") == "asserted",
            location_country=pl.when(pl.col("location_basis") == "stated").then("location_country"),
            # a phrase the gazetteer does not know is still the event's own words
            location_text=pl.when(pl.col("location_basis").fill_null("") != "context").then(
                "location_text"
            ),
        )
        # dropped before the sort, which copies every column it keeps
        .drop("published_date", "date_precision", "modality", "claim_id", "stated")
        .drop("date_basis", "location_basis")
    )
    if not whole:
        return rows
    return rows.filter(pl.col("day").is_not_null()).sort(EVENT_ORDER)


def _link_events(rows: pl.DataFrame, uf: _UnionFind, fresh: set[str] | None = None) -> None:
    """Join in `uf` every two mentions of `rows` that are the same event. fresh: compare only
    pairs with one of these ids (an earlier link compared the others)."""
    # A later mention in the same article ("the strike") is the act it points at.
    for event_id, first in rows.select("event_id", "mention_of").drop_nulls().iter_rows():
        uf.union(first, event_id)
    join_events(rows.iter_rows(named=True), uf, fresh)


def join_events(mentions: Iterable[dict], uf, fresh: set | None = None) -> None:
    """The window pass of _link_events over mentions (dicts of _event_rows' columns) in
    (type, realis, day) order; the ids may be any hashable (a full link gives positions)."""
    # One pass in (type, realis, day) order with a window of the last PUBLISHED_WINDOW days.
    # A pair can only link through something it shares (an actor id, an actor word, a
    # country or a place), so each mention is compared only with the window's mentions that
    # share one of those keys, and not at all with those already in its cluster: the work
    # grows with the mentions that could match, not with the square of a busy news day.
    window: deque[dict] = deque()
    by_key: dict[tuple, dict] = {}
    group = None
    for b in mentions:
        if (b["event_type"], b["asserted"]) != group:
            group = (b["event_type"], b["asserted"])
            window.clear()
            by_key.clear()
        while window and (b["day"] - window[0]["day"]).days > PUBLISHED_WINDOW:
            old = window.popleft()
            for key in old["keys"]:
                del by_key[key][old["event_id"]]
        _add_words(b)
        b["keys"] = _event_keys(b)
        seen: set = set()
        only_fresh = fresh is not None and b["event_id"] not in fresh
        for key in b["keys"]:
            for a_id, a in by_key.get(key, {}).items():
                if a_id in seen or (only_fresh and a_id not in fresh):
                    continue
                seen.add(a_id)
                if uf.find(a_id) != uf.find(b["event_id"]) and _compatible(a, b):
                    uf.union(a_id, b["event_id"])
        window.append(b)
        for key in b["keys"]:
            by_key.setdefault(key, {})[b["event_id"]] = b


def _event_cluster_table(
    events: pl.DataFrame, claims: pl.DataFrame, meta: pl.DataFrame
) -> pl.DataFrame:
    """One event_clusters row per cluster of `events` (which have their cluster_id)."""
    return event_cluster_rows(event_members(events, claims, meta))


def event_members(events: pl.DataFrame, claims: pl.DataFrame, meta: pl.DataFrame) -> pl.DataFrame:
    """What an event cluster's row is made from, a row per mention of `events`."""
    # only the claims these events rest on: a relink's few clusters need not hash them all
    anonymous = claims.filter(pl.col("claim_id").is_in(events["claim_id"].drop_nulls())).select(
        "claim_id", anonymous_claim=pl.col("anonymous")
    )
    members = (
        events.select("cluster_id", *EVENT_MEMBER_FIELDS)
        .join(meta, on="article_id", how="left")
        .join(anonymous, on="claim_id", how="left")
        .with_columns(
            anon=pl.col("claim_id").is_not_null() & pl.col("anonymous_claim").fill_null(False)
        )
    )
    return members


def event_cluster_rows(members: pl.DataFrame) -> pl.DataFrame:
    """One event_clusters row per cluster of event_members' rows (all of each cluster's)."""
    table = (
        members.group_by("cluster_id")
        .agg(
            event_type=pl.col("event_type").first(),  # one type per cluster
            mentions=pl.len(),
            **_reach(),
            event_date=pl.col("event_date").min(),
            actor1_id=_most_frequent("actor1_id"),
            actor2_id=_most_frequent("actor2_id"),
            location_country=_most_frequent("location_country"),
            on_record=~pl.col("anon").all(),
            anonymous_only=pl.col("anon").all(),
        )
        .with_columns(outlets=pl.col("outlet_names").list.len())
        .sort("cluster_id")
    )
    return _typed(EventClusters, table)


def _event_keys(r: dict) -> list[tuple]:
    """What a mention can share with another that would link them (see _compatible)."""
    keys: list[tuple] = []
    for n in ("1", "2"):
        if r[f"actor{n}_id"] is not None:
            keys.append((n, "id", r[f"actor{n}_id"]))
        keys.extend((n, "word", w) for w in r["words"][n])
    if r["location_country"]:
        keys.append(("country", r["location_country"]))
    place = r["words"]["place"]
    if place:
        keys.append(("place", place))
    return keys


def cluster_claims(
    claims: pl.DataFrame, articles: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """claims with claim_cluster_id filled, and one claim_clusters row per cluster."""
    meta = articles.select("article_id", "outlet", "published_date")
    uf = _UnionFind()
    _link_claims(_claim_rows(claims, meta), uf)
    days = claims.select(id="claim_id", article_id="article_id").join(
        meta.select("article_id", day="published_date"), on="article_id", how="left"
    )
    ids = claims["claim_id"]
    clusters = _spans(days.drop("article_id"), ids, _cluster_ids(ids, uf), CLAIM_SPAN)
    claims = claims.with_columns(clusters.alias("claim_cluster_id"))
    return claims, _claim_cluster_table(claims, meta)


def _claim_rows(claims: pl.DataFrame, meta: pl.DataFrame, *, whole: bool = True) -> pl.DataFrame:
    """What linking compares of each claim, in (speaker, day) order (without `whole`, in the
    given order, for a caller that sorts them itself)."""
    speakers = claims["speaker_text"].drop_nulls().unique().to_list()
    speaker_words = {t: " ".join(sorted(_words(t))) for t in speakers}
    rows = (
        claims.select("claim_id", "article_id", "content", "speaker_text", "speaker_actor_id")
        .join(meta.select("article_id", day=pl.col("published_date")), on="article_id", how="left")
        .with_columns(
            speaker_key=pl.coalesce(
                pl.col("speaker_actor_id"),
                pl.col("speaker_text").replace_strict(
                    speaker_words, default=None, return_dtype=pl.String
                ),
            )
        )
        .filter(
            (pl.col("speaker_key") != "")
            & pl.col("day").is_not_null()
            & pl.col("content").is_not_null()
        )
        .select("speaker_key", "day", "claim_id", "article_id", "content")
    )
    return rows.sort(CLAIM_ORDER) if whole else rows


def _link_claims(rows: pl.DataFrame, uf: _UnionFind, fresh: set[str] | None = None) -> None:
    """Join in `uf` every two claims of `rows` that are the same statement. fresh: compare
    only pairs with one of these ids (an earlier link compared the others)."""
    join_claims(rows.iter_rows(), uf, fresh)


def join_claims(rows: Iterable[tuple], uf, fresh: set | None = None) -> None:
    """The window pass of _link_claims over (speaker_key, day, claim_id, article_id,
    content) in (speaker, day) order; the ids may be any hashable."""
    window: deque[tuple] = deque()  # (day, claim_id, article_id, words) of one speaker
    # The window's claims by content word: two claims with no word in common cannot overlap,
    # so each claim is compared only with those sharing a word (a busy speaker says many
    # things in a week).
    by_word: dict[str, dict] = {}
    speaker = None
    for key, day, claim_id, article_id, content in rows:
        words = _words(content)
        if not words:
            continue
        if key != speaker:
            speaker = key
            window.clear()
            by_word.clear()
        while window and (day - window[0][0]).days > CLAIM_WINDOW:
            old = window.popleft()
            for w in old[3]:
                del by_word[w][old[1]]
        seen: set = set()
        only_fresh = fresh is not None and claim_id not in fresh
        for w in words:
            for a_id, (_, _, a_article, a_words) in by_word.get(w, {}).items():
                if a_id in seen or (only_fresh and a_id not in fresh):
                    continue
                seen.add(a_id)
                if a_article == article_id or uf.find(a_id) == uf.find(claim_id):
                    continue
                if len(a_words & words) / len(a_words | words) >= CONTENT_JACCARD:
                    uf.union(a_id, claim_id)
        entry = (day, claim_id, article_id, words)
        window.append(entry)
        for w in words:
            by_word.setdefault(w, {})[claim_id] = entry


def _claim_cluster_table(claims: pl.DataFrame, meta: pl.DataFrame) -> pl.DataFrame:
    """One claim_clusters row per cluster of `claims` (which have their claim_cluster_id)."""
    return claim_cluster_rows(claim_members(claims, meta))


def claim_members(claims: pl.DataFrame, meta: pl.DataFrame) -> pl.DataFrame:
    """What a claim cluster's row is made from, a row per claim."""
    return claims.select("claim_cluster_id", *CLAIM_MEMBER_FIELDS).join(
        meta, on="article_id", how="left"
    )


def claim_cluster_rows(members: pl.DataFrame) -> pl.DataFrame:
    """One claim_clusters row per cluster of claim_members' rows (all of each cluster's)."""
    table = (
        members.sort("claim_cluster_id", "published_date", "claim_id", nulls_last=True)
        .group_by("claim_cluster_id", maintain_order=True)  # first: the earliest statement
        .agg(
            speaker_text=pl.col("speaker_text").first(),
            speaker_actor_id=pl.col("speaker_actor_id").first(),
            stance=pl.col("stance").first(),
            claims=pl.len(),
            anonymous=pl.col("anonymous").all(),
            **_reach(),
        )
        .with_columns(outlets=pl.col("outlet_names").list.len())
    )
    return _typed(ClaimClusters, table)


def _cluster_ids(ids: pl.Series, uf: _UnionFind) -> pl.Series:
    """Each id's cluster: the smallest id it is joined to, or itself."""
    joined = {i: uf.find(i) for i in uf.parent}
    return ids.replace(joined) if joined else ids.clone()


def _reach() -> dict[str, pl.Expr]:
    """How far a cluster travelled: its articles, outlets and publication days."""
    outlet = pl.col("outlet")
    return {
        "articles": pl.col("article_id").n_unique(),
        "outlet_names": outlet.filter(outlet.is_not_null() & (outlet != "")).unique().sort(),
        "first_seen": pl.col("published_date").min(),
        "last_seen": pl.col("published_date").max(),
    }


def _most_frequent(column: str) -> pl.Expr:
    """The most frequent non-empty value; on a tie, the smallest."""
    values = pl.col(column).filter(pl.col(column).is_not_null() & (pl.col(column) != ""))
    return values.mode().min()


def _typed(model, table: pl.DataFrame) -> pl.DataFrame:
    schema = polars_schema(model)
    return table.select(list(schema)).cast(schema)
