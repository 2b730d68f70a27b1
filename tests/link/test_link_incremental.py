"""Linking only what added articles touch gives the tables a link over every article gives."""

from __future__ import annotations

import random

import polars as pl
import pytest

from pipelines.bench.scale_corpus import generate
from pipelines.link import cluster_claims, cluster_events
from pipelines.link.incremental import NotAnUpdate, relink_claims, relink_events
from pipelines.store.state import KEY


@pytest.fixture(scope="module")
def corpus():
    c = generate(800, model="test")  # a day and a half of articles
    return c.articles, c.tables["events"].drop(KEY), c.tables["claims"].drop(KEY)


def _relinked(articles, events, claims, added: set[str]):
    old = ~pl.col("article_id").is_in(list(added))
    old_articles = articles.filter(old)
    old_claims, old_claim_table = cluster_claims(claims.filter(old), old_articles)
    old_events, old_event_table = cluster_events(events.filter(old), old_claims, old_articles)
    claims_out, claim_table = relink_claims(
        claims, articles, old_claims.select("claim_id", "claim_cluster_id"), old_claim_table, added
    )
    events_out, event_table = relink_events(
        events,
        claims_out,
        articles,
        old_events.select("event_id", "cluster_id"),
        old_event_table,
        added,
    )
    return events_out, event_table, claims_out, claim_table


@pytest.mark.parametrize("which", ["newest", "scattered"])
def test_relinking_added_articles_equals_linking_everything(corpus, which):
    articles, events, claims = corpus
    ids = articles["article_id"].to_list()
    added = set(ids[-12:] if which == "newest" else random.Random(3).sample(ids, 12))
    claims_all, claim_table_all = cluster_claims(claims, articles)
    events_all, event_table_all = cluster_events(events, claims_all, articles)
    events_out, event_table, claims_out, claim_table = _relinked(articles, events, claims, added)
    assert claims_out.equals(claims_all)
    assert claim_table.equals(claim_table_all)
    assert events_out.equals(events_all)
    assert event_table.equals(event_table_all)
    # the added articles did join existing clusters
    new_events = events_all.filter(pl.col("article_id").is_in(list(added)))
    assert new_events.filter(pl.col("cluster_id") != pl.col("event_id")).height > 0


def test_a_previous_link_of_other_mentions_is_refused(corpus):
    articles, _, claims = corpus
    linked, table = cluster_claims(claims, articles)
    previous = linked.select("claim_id", "claim_cluster_id").head(10)
    with pytest.raises(NotAnUpdate):
        relink_claims(claims, articles, previous, table, {articles["article_id"][0]})
