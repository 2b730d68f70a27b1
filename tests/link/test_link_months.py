"""Linking over the month parts (pipelines/link/months.py) gives the tables that linking the
whole tables gives (clusters.py): a full link, and a relink after articles were added."""

from __future__ import annotations

import random

import polars as pl
import pytest

from pipelines.bench.scale_corpus import generate
from pipelines.link import cluster_claims, cluster_events
from pipelines.link import months as link_months
from pipelines.link.months import (
    NotAnUpdate,
    link_claims,
    link_events,
    relink_claims,
    relink_events,
)
from pipelines.store.parquet import TableFiles, TableParts
from pipelines.store.state import KEY


@pytest.fixture(scope="module")
def corpus():
    # three weeks of articles over two months, so that clusters cross a month's end
    c = generate(6000, start=14_000, model="test")  # days 25 to 36
    return c.articles, c.tables["events"].drop(KEY), c.tables["claims"].drop(KEY)


@pytest.fixture(scope="module")
def whole_link(corpus):
    """The tables linked whole, as clusters.py links them."""
    articles, events, claims = corpus
    claims_all, claim_table = cluster_claims(claims, articles)
    events_all, event_table = cluster_events(events, claims_all, articles)
    return events_all, event_table, claims_all, claim_table


def _store(tmp_path, articles, events, claims):
    files = TableFiles(tmp_path)
    files.write("articles", articles)
    staged = TableFiles(tmp_path, str(tmp_path / "staged"), articles_from=files)
    staged.write("extracted_events", events)
    staged.write("extracted_claims", claims)
    return files, staged


def _write(files: TableFiles, name: str, linked) -> None:
    files.write_parts(name, TableParts(linked.parts, whole=linked.whole).frames, whole=linked.whole)
    files.write(f"{name[:-1]}_clusters", linked.clusters)


def _same_rows(got: pl.DataFrame, want: pl.DataFrame, key: str) -> None:
    assert got.columns == want.columns
    assert got.sort(key).equals(want.sort(key))


def test_a_month_by_month_link_is_the_whole_link(tmp_path, corpus, whole_link, monkeypatch):
    articles, events, claims = corpus
    assert articles["published_date"].dt.month().n_unique() == 2
    monkeypatch.setattr(link_months, "BUCKET_ROWS", 20_000)  # several cluster buckets
    files, staged = _store(tmp_path, articles, events, claims)
    events_all, event_table, claims_all, claim_table = whole_link
    meta = files.read("articles", columns=["article_id", "outlet", "published_date"])
    linked_claims = link_claims(staged, meta, tmp_path / "work")
    linked_events = link_events(staged, meta, tmp_path / "work")
    assert linked_events.whole and len(linked_events.parts) == 2
    _write(files, "claims", linked_claims)
    _write(files, "events", linked_events)
    _same_rows(files.read("claims"), claims_all, "claim_id")
    _same_rows(files.read("events"), events_all, "event_id")
    _same_rows(files.read("claim_clusters"), claim_table, "claim_cluster_id")
    _same_rows(files.read("event_clusters"), event_table, "cluster_id")
    # linking did join mentions, some across the month's end
    crossing = (
        files.read("events")
        .join(articles.select("article_id", "published_date"), on="article_id")
        .group_by("cluster_id")
        .agg(pl.col("published_date").dt.month().n_unique().alias("months"))
    )
    assert crossing.filter(pl.col("months") > 1).height > 0
    assert not (tmp_path / "work" / "events").exists()  # the sort's work folder is removed
    # some chain of joined mentions is longer than a span and is cut into several clusters
    components = (
        files.read("events", columns=["event_id", "cluster_id"])
        .join(linked_events.components, left_on="event_id", right_on="id", how="left")
        .with_columns(pl.col("component").fill_null(pl.col("event_id")))
    )
    cut = components.group_by("component").agg(pl.col("cluster_id").n_unique().alias("n"))
    assert cut.filter(pl.col("n") > 1).height > 0


@pytest.mark.parametrize("which", ["newest", "scattered"])
def test_relinking_added_articles_rewrites_only_their_months(tmp_path, corpus, whole_link, which):
    articles, events, claims = corpus
    ids = articles["article_id"].to_list()
    added = set(ids[-15:] if which == "newest" else random.Random(3).sample(ids, 15))
    old = ~pl.col("article_id").is_in(list(added))
    files, staged = _store(tmp_path, articles.filter(old), events.filter(old), claims.filter(old))
    meta = files.read("articles", columns=["article_id", "outlet", "published_date"])
    first = {
        "claims": link_claims(staged, meta, tmp_path / "work"),
        "events": link_events(staged, meta, tmp_path / "work"),
    }
    for name, linked in first.items():
        _write(files, name, linked)
    before = {m: files.months("events")[m] for m in files.months("events")}
    # the articles are added, as extraction would stage them
    files.write("articles", articles)
    staged.write("extracted_events", events)
    staged.write("extracted_claims", claims)
    meta = files.read("articles", columns=["article_id", "outlet", "published_date"])
    linked_claims = relink_claims(staged, files, meta, added, first["claims"].components)
    linked_events = relink_events(staged, files, meta, added, first["events"].components)
    assert not linked_events.whole
    _write(files, "claims", linked_claims)
    _write(files, "events", linked_events)
    events_all, event_table, claims_all, claim_table = whole_link
    _same_rows(files.read("claims"), claims_all, "claim_id")
    _same_rows(files.read("events"), events_all, "event_id")
    _same_rows(files.read("claim_clusters"), claim_table, "claim_cluster_id")
    _same_rows(files.read("event_clusters"), event_table, "cluster_id")
    new_events = events_all.filter(pl.col("article_id").is_in(list(added)))
    assert new_events.filter(pl.col("cluster_id") != pl.col("event_id")).height > 0
    if which == "newest":  # the first month had no new article and no cluster that moved
        first = min(m for m in before if m != "undated")
        assert first not in linked_events.parts
        assert files.months("events")[first] == before[first]


def test_a_previous_link_of_other_mentions_is_refused(tmp_path, corpus):
    articles, events, claims = corpus
    files, staged = _store(tmp_path, articles, events, claims)
    meta = files.read("articles", columns=["article_id", "outlet", "published_date"])
    linked = link_claims(staged, meta, tmp_path / "work")
    _write(files, "claims", linked)
    with pytest.raises(NotAnUpdate):  # every claim is already linked: none was added
        relink_claims(staged, files, meta, {articles["article_id"][0]}, linked.components)
