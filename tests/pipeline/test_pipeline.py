"""Integration: every asset materialized on the shipped raw/ folder into a temporary folder."""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl

from pipelines.store import DUCKDB_FILE
from schemas import TABLES


def test_assault_by_us_forces_with_83_killed(seed):
    text = seed["articles"]["text"][0]
    sentence_start = text.index("Since September, U.S. forces")
    sentence_end = text.index("killing at least 83 people") + len("killing at least 83 people")
    assault = seed["events"].filter(
        (pl.col("event_type") == "ASSAULT")
        & (pl.col("start_char") >= sentence_start)
        & (pl.col("end_char") <= sentence_end)
    )
    assert assault.height == 1, assault
    row = assault.row(0, named=True)
    assert row["trigger"] == "strikes"
    assert row["actor1_text"] == "U.S. forces"
    assert row["actor1_id"] == "USAMIL"
    assert row["actor2_text"] == "vessels suspected of carrying drugs"
    assert row["location_text"] == "Caribbean and Pacific"
    assert row["modality"] == "asserted"
    killed = seed["quantities"].filter(pl.col("event_id") == row["event_id"])
    killed = killed.filter(pl.col("kind") == "killed").row(0, named=True)
    assert (killed["value"], killed["qualifier"], killed["unit"]) == (83, "at_least", "people")
    strikes = seed["quantities"].filter(
        (pl.col("event_id") == row["event_id"]) & (pl.col("unit") == "strike")
    )
    assert strikes["value"].to_list() == [21]


def test_mobilize_dated_november_16(seed):
    mobilize = seed["events"].filter(
        (pl.col("event_type") == "MOBILIZE")
        & (pl.col("event_date") == dt.date(2025, 11, 16))
        & (pl.col("date_basis") == "stated")  # follow-up sentences take it from context
    )
    assert mobilize.height == 1
    row = mobilize.row(0, named=True)
    assert row["trigger"] == "arrived"
    assert row["date_precision"] == "day"
    assert row["date_text"] == "November 16"
    assert row["location_text"] == "Caribbean"
    assert row["location_precision"] == "sea"
    assert (row["latitude"], row["longitude"]) == (15.0, -75.0)


def test_anonymous_claim_by_four_officials_via_reuters(seed):
    claim = seed["claims"].filter(pl.col("speaker_text") == "four U.S. officials")
    assert claim.height == 1
    row = claim.row(0, named=True)
    assert row["anonymous"] is True
    assert row["speaker_kind"] == "anonymous_official"
    assert row["speaker_count"] == 4
    assert row["reported_via"] == "Reuters"
    assert row["cue"] == "told Reuters"
    assert row["content"].startswith("The United States is preparing to launch")
    assert row["direct_quote"] is False


def test_sanction_expected_on_monday(seed):
    sanction = seed["events"].filter(
        (pl.col("event_type") == "SANCTION") & (pl.col("modality") == "expected")
    )
    assert sanction.height == 1
    row = sanction.row(0, named=True)
    assert row["trigger"] == "designate"
    assert row["actor1_id"] == "USAGOV"  # "Washington" is a metonym for the US government
    assert row["actor2_id"] == "VENCRM-SOLES"
    assert row["event_mode"] == "designation"
    # Published Saturday 2025-11-22; "on Monday" in a forecast is the next Monday.
    assert row["event_date"] == dt.date(2025, 11, 24)
    # "the designation" in the next sentence is the same act: linked, in the same cluster.
    later = seed["events"].filter(pl.col("trigger") == "designation").row(0, named=True)
    assert later["mention_of"] == row["event_id"]
    assert later["cluster_id"] == row["cluster_id"]


def test_the_seed_codes_each_act_once(seed):
    """Issue 15: the headline event, and no act counted twice (a later mention is linked)."""
    firsts = seed["events"].filter(pl.col("mention_of").is_null())
    headline = firsts.filter(pl.col("sentence_index") == 0).row(0, named=True)
    assert headline["event_type"] in ("COERCE", "ASSAULT")
    assert (headline["modality"], headline["actor1_id"], headline["actor2_id"]) == (
        "planned",
        "USA",
        "VEN",
    )
    assert firsts.height == firsts["cluster_id"].n_unique()


def test_events_in_anonymous_claims_carry_the_claim(seed):
    covert = seed["events"].filter(pl.col("trigger") == "covert action").row(0, named=True)
    claim = seed["claims"].filter(pl.col("claim_id") == covert["claim_id"]).row(0, named=True)
    assert claim["speaker_text"] == "Two officials"
    assert claim["reported_via"] == "Reuters"  # inherited from the officials who told Reuters
    assert covert["modality"] == "expected"


def test_every_row_points_at_its_text(tables):
    texts = dict(tables["articles"].select("article_id", "text").iter_rows())
    checks = [("events", "trigger"), ("claims", "cue"), ("quantities", "text")]
    for table, column in checks:
        df = tables[table]
        assert df.height > 0, table
        for row in df.iter_rows(named=True):
            span = texts[row["article_id"]][row["start_char"] : row["end_char"]]
            assert span == row[column], (table, row)
    for row in tables["claims"].drop_nulls("content").iter_rows(named=True):
        text = texts[row["article_id"]]
        assert text[row["content_start"] : row["content_end"]] == row["content"]


def test_all_formats_read_and_titles_found(tables):
    articles = tables["articles"]
    assert sorted(set(articles["source_format"])) == ["html", "jsonl", "txt"]
    assert articles.height == 8
    assert tables["ingest_errors"].height == 0
    seed_article = articles.filter(pl.col("source_path") == "realist-us-venezuela.txt")
    row = seed_article.row(0, named=True)
    assert row["title"] == "U.S. prepares new phase of operations against Maduro government"
    assert row["outlet"] == "Realist"
    assert row["dateline"] == "WASHINGTON"
    assert row["published_date"] == dt.date(2025, 11, 22)
    assert row["published_source"] == "metadata"
    assert not row["text"].startswith("Site icon")
    assert not row["text"].rstrip().endswith("Exit mobile version")
    html = articles.filter(pl.col("source_format") == "html")
    assert html["outlet"].to_list() == ["Atlas News Agency", "Harbor Post"]
    assert all(d is not None for d in html["published_date"])
    assert not any("cookie" in t.lower() for t in html["text"])


def test_duckdb_tables_match_parquet(shipped_run, tables):
    _, warehouse = shipped_run
    con = duckdb.connect(str(warehouse / DUCKDB_FILE), read_only=True)
    try:
        for table in TABLES:
            count = con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            assert count == tables[table].height, table
        dates = con.execute(
            "SELECT count(*) FROM event_timeline WHERE event_date = DATE '2025-11-16'"
        ).fetchone()[0]
        assert dates >= 1
        killed = con.execute(
            "SELECT sum(reported) FROM casualties_by_day WHERE kind = 'killed'"
        ).fetchone()[0]
        # Event tolls only; the seed's 83 "since September" is a running total (issue 16).
        q = tables["quantities"]
        tolls = q.filter((pl.col("kind") == "killed") & (pl.col("scope") == "event"))
        assert 0 < killed <= tolls["value"].sum()
    finally:
        con.close()


def test_events_reference_existing_articles_and_actors(tables):
    article_ids = set(tables["articles"]["article_id"])
    actor_ids = set(tables["actors"]["actor_id"])
    for table in ("events", "claims", "quantities"):
        assert set(tables[table]["article_id"]) <= article_ids
    events = tables["events"]
    used = set(events["actor1_id"].drop_nulls()) | set(events["actor2_id"].drop_nulls())
    assert used <= actor_ids
    assert set(tables["claims"]["speaker_actor_id"].drop_nulls()) <= actor_ids


def test_asset_metadata_reports_counts_and_previews(shipped_run, tables):
    result, _ = shipped_run
    mats = {
        tuple(m.asset_key.path): m.metadata
        for node in ("raw_articles", "linked_tables", "duckdb_warehouse")
        for m in result.asset_materializations_for_node(node)
    }
    assert mats[("events",)]["dagster/row_count"].value == tables["events"].height
    assert "| event_id |" in mats[("events",)]["preview"].value
    assert mats[("warehouse", "claims")]["dagster/row_count"].value == tables["claims"].height
    assert mats[("articles",)]["files_seen"].value == 7


def test_the_same_event_reported_by_two_outlets_is_one_cluster(tables):
    events, clusters = tables["events"], tables["event_clusters"]
    arrived = events.filter(
        (pl.col("event_type") == "MOBILIZE")
        & (pl.col("event_date") == dt.date(2025, 11, 16))
        & (pl.col("date_basis") == "stated")
    )
    assert arrived.height == 2  # the seed article and our Northline Press story
    assert arrived["cluster_id"].n_unique() == 1
    cluster = clusters.filter(pl.col("cluster_id") == arrived["cluster_id"][0]).row(0, named=True)
    assert (cluster["mentions"], cluster["articles"], cluster["outlets"]) == (2, 2, 2)
    assert cluster["outlet_names"] == ["Northline Press", "Realist"]
    assert cluster["first_seen"] == dt.date(2025, 11, 17)
    assert cluster["last_seen"] == dt.date(2025, 11, 22)
    assert cluster["on_record"] is True  # the Pentagon said it, and the seed states it
    # Every event belongs to exactly one cluster, and every cluster has its events.
    assert set(events["cluster_id"]) == set(clusters["cluster_id"])
    assert clusters["mentions"].sum() == events.height


def test_a_statement_repeated_by_two_outlets_is_one_claim_cluster(tables):
    claims, clusters = tables["claims"], tables["claim_clusters"]
    officials = claims.filter(pl.col("content").str.starts_with("The United States is preparing"))
    assert officials.height == 2
    assert officials["claim_cluster_id"].n_unique() == 1
    row = clusters.filter(pl.col("claim_cluster_id") == officials["claim_cluster_id"][0])
    row = row.row(0, named=True)
    assert (row["articles"], row["outlets"], row["anonymous"]) == (2, 2, True)
    assert row["speaker_actor_id"] == "USAGOV"
    assert clusters["claims"].sum() == claims.height


def test_events_resting_only_on_anonymous_sources_by_day(shipped_run):
    """The query the claims issue promises: events whose only sources are anonymous officials."""
    _, warehouse = shipped_run
    con = duckdb.connect(str(warehouse / DUCKDB_FILE), read_only=True)
    try:
        rows = con.execute(
            """
            SELECT coalesce(e.event_date, a.published_date) AS day, e.event_type, e.trigger
            FROM events e JOIN claims c USING (claim_id) JOIN articles a ON a.article_id = e.article_id
            JOIN event_clusters k ON k.cluster_id = e.cluster_id
            WHERE k.anonymous_only ORDER BY day, e.trigger
            """
        ).fetchall()
    finally:
        con.close()
    triggers = {r[2] for r in rows}
    assert "covert action" in triggers  # two officials said covert action is likely
    assert "strikes" not in triggers  # stated by the article itself and by a named tally
