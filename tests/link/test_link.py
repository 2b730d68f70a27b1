"""Clustering across articles: the windowed, keyed pass finds exactly the clusters that
comparing every pair of mentions finds."""

from __future__ import annotations

import datetime as dt
import random

import polars as pl

from pipelines.link import cluster_claims, cluster_events
from pipelines.link.clusters import (
    CLAIM_SPAN,
    CLAIM_WINDOW,
    CONTENT_JACCARD,
    EVENT_SPAN,
    PUBLISHED_WINDOW,
    _add_words,
    _compatible,
    _words,
)

DAY0 = dt.date(2025, 11, 1)


def _random_events(seed: int, n: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    rng = random.Random(seed)

    def maybe(values: list[str], empty: float = 0.5) -> str | None:
        return None if rng.random() < empty else rng.choice(values)

    articles = pl.DataFrame(
        {
            "article_id": [f"a{i:03d}" for i in range(40)],
            "outlet": [rng.choice(["Meridian Wire", "Harbor Post", None]) for _ in range(40)],
            "published_date": [DAY0 + dt.timedelta(days=rng.randrange(12)) for _ in range(40)],
        }
    )
    texts = ["police", "the army", "army units", "rebel fighters", "the government", "protesters"]
    rows = []
    for i in range(n):
        precise = rng.random() < 0.6
        rows.append(
            {
                "event_id": f"e{i:04d}",
                "article_id": f"a{rng.randrange(40):03d}",
                "event_type": rng.choice(["ASSAULT", "PROTEST"]),
                "modality": rng.choice(["asserted", "asserted", "planned"]),
                "event_date": DAY0 + dt.timedelta(days=rng.randrange(12)) if precise else None,
                "date_precision": rng.choice(["day", "day", "month"]) if precise else None,
                # Mostly unknown actors, so that many links rest on the place alone.
                "actor1_id": maybe(["COLMIL", "COLGOV"], 0.8),
                "actor1_text": maybe(texts, 0.8),
                "actor2_id": maybe(["VENGOV"], 0.8),
                "actor2_text": maybe(texts, 0.8),
                "location_country": maybe(["COL", "VEN"]),
                "location_text": maybe(["Cucuta", "the border", "Caracas"]),
                "claim_id": None,
                "mention_of": None,
                # What the sentence says; the linker ignores dates and places taken from
                # elsewhere (when_where.py).
                "date_basis": "stated" if precise else None,
                "location_basis": "stated",
            }
        )
    return pl.DataFrame(
        rows, schema_overrides={"claim_id": pl.String, "mention_of": pl.String}
    ), articles


def _union_every_pair(rows: list[dict], key: str, same) -> dict[str, str]:
    """Each row's cluster (its smallest id) when every pair is compared: the reference the
    keyed window passes must equal."""
    parent = {r[key]: r[key] for r in rows}

    def find(x):
        while parent[x] != x:
            x = parent[x]
        return x

    for i, a in enumerate(rows):
        for b in rows[i + 1 :]:
            if same(a, b):
                ra, rb = find(a[key]), find(b[key])
                parent[max(ra, rb)] = min(ra, rb)
    return {r[key]: find(r[key]) for r in rows}


def _every_pair(events: pl.DataFrame, articles: pl.DataFrame) -> list[set[str]]:
    published = dict(articles.select("article_id", "published_date").iter_rows())
    rows = events.to_dicts()
    for r in rows:
        r["dated"] = r["event_date"] is not None and r["date_precision"] == "day"
        r["day"] = r["event_date"] or published.get(r["article_id"])
        _add_words(r)

    def same(a: dict, b: dict) -> bool:
        same_group = (a["event_type"], a["modality"] == "asserted") == (
            b["event_type"],
            b["modality"] == "asserted",
        )
        near = abs((a["day"] - b["day"]).days) <= PUBLISHED_WINDOW
        return same_group and near and _compatible(a, b)

    # A component of joined mentions is cut into spans of EVENT_SPAN days from its first day.
    roots = _union_every_pair(rows, "event_id", same)
    day = {r["event_id"]: r["day"] for r in rows}
    first: dict[str, dt.date] = {}
    for event_id, root in roots.items():
        first[root] = min(first.get(root, day[event_id]), day[event_id])
    groups: dict[tuple, set[str]] = {}
    for event_id, root in roots.items():
        span = (day[event_id] - first[root]).days // EVENT_SPAN
        groups.setdefault((root, span), set()).add(event_id)
    assert len(groups) > len(set(roots.values()))  # some component is longer than a span
    return sorted(groups.values(), key=min)


def test_keyed_window_pass_equals_comparing_every_pair():
    claims = pl.DataFrame(schema={"claim_id": pl.String, "anonymous": pl.Boolean})
    for seed in range(3):
        events, articles = _random_events(seed, 300)
        clustered, table = cluster_events(events, claims, articles)
        found: dict[str, set[str]] = {}
        for event_id, cluster_id in clustered.select("event_id", "cluster_id").iter_rows():
            found.setdefault(cluster_id, set()).add(event_id)
        expected = _every_pair(events, articles)
        assert sorted(found.values(), key=min) == expected
        assert any(len(g) > 2 for g in expected)  # the data does join mentions
        assert table.height == len(expected)
        assert table["mentions"].sum() == events.height
        # A cluster's id is its smallest member.
        assert all(cid == min(members) for cid, members in found.items())
    assert _words("the army") == {"army"}


def test_claims_compared_by_shared_word_equal_comparing_every_pair():
    rng = random.Random(7)
    articles = pl.DataFrame(
        {
            "article_id": [f"a{i:03d}" for i in range(30)],
            "outlet": ["Harbor Post"] * 30,
            "published_date": [DAY0 + dt.timedelta(days=rng.randrange(20)) for _ in range(30)],
        }
    )
    vocab = "talks resume border troops aid convoy strike port deal army the of".split()
    claims = pl.DataFrame(
        {
            "claim_id": [f"c{i:04d}" for i in range(400)],
            "article_id": [f"a{rng.randrange(30):03d}" for _ in range(400)],
            "content": [" ".join(rng.sample(vocab, rng.randint(1, 5))) for _ in range(400)],
            "speaker_text": [rng.choice(["the minister", "two officials"]) for _ in range(400)],
            "speaker_actor_id": [None] * 400,
            "stance": ["assert"] * 400,
            "anonymous": [False] * 400,
        },
        schema_overrides={"speaker_actor_id": pl.String},
    )
    clustered, _ = cluster_claims(claims, articles)
    published = dict(articles.select("article_id", "published_date").iter_rows())
    rows = claims.to_dicts()

    def same(a: dict, b: dict) -> bool:
        wa, wb = _words(a["content"]), _words(b["content"])
        return bool(
            a["speaker_text"] == b["speaker_text"]
            and a["article_id"] != b["article_id"]
            and abs((published[a["article_id"]] - published[b["article_id"]]).days) <= CLAIM_WINDOW
            and wa
            and wb
            and len(wa & wb) / len(wa | wb) >= CONTENT_JACCARD
        )

    roots = _union_every_pair(rows, "claim_id", same)
    assert len(set(roots.values())) < len(rows) / 2  # the data does join claims
    # A component is cut into spans of CLAIM_SPAN days from its first day; a cluster's id is
    # the smallest id of its span.
    day = {r["claim_id"]: published[r["article_id"]] for r in rows}
    first: dict[str, dt.date] = {}
    for claim_id, root in roots.items():
        first[root] = min(first.get(root, day[claim_id]), day[claim_id])
    spans: dict[tuple, str] = {}
    for claim_id, root in sorted(roots.items()):
        spans.setdefault((root, (day[claim_id] - first[root]).days // CLAIM_SPAN), claim_id)
    expected = {
        claim_id: spans[(root, (day[claim_id] - first[root]).days // CLAIM_SPAN)]
        for claim_id, root in roots.items()
    }
    assert len(set(expected.values())) > len(set(roots.values()))  # some component was cut
    found = dict(clustered.select("claim_id", "claim_cluster_id").iter_rows())
    assert found == expected
