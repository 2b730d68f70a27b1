"""Rules that raise on one article: that article gets a row in extraction_errors, every other
article its rows as usual, and the next run tries it again."""

from __future__ import annotations

import shutil

import polars as pl
import pytest

from pipelines import EXTRACTOR_VERSION
from pipelines.extract import ArticleInput, extract_articles
from pipelines.extract import events as event_rules
from pipelines.store import query, read_table
from tests.helpers import RAW, materialize_all

MARKER = "signalling a further escalation"  # in the seed article alone


@pytest.fixture
def rules_fail_on_the_seed(monkeypatch):
    original = event_rules.find_events

    def find_events(sent, *args, **kwargs):
        if MARKER in sent.doc.text:
            raise KeyError("lexicon entry 'escalation' has no type")
        return original(sent, *args, **kwargs)

    monkeypatch.setattr(event_rules, "find_events", find_events)


def test_the_failure_is_reported_and_the_other_articles_are_extracted(rules_fail_on_the_seed):
    texts = [
        "U.S. forces struck a boat off Venezuela, signalling a further escalation.",
        "Police arrested 40 protesters in Santiago on Monday, a spokesman told Reuters.",
    ]
    result = extract_articles(
        [ArticleInput(f"{i:016x}", t) for i, t in enumerate(texts)], n_process=1
    )
    [failure] = result.failures
    assert failure["article_id"] == f"{0:016x}"
    assert failure["error"] == "KeyError: \"lexicon entry 'escalation' has no type\""
    assert failure["location"].startswith("tests/extract/test_extraction_errors.py:")
    assert failure["location"].endswith(" in find_events")
    assert set(result.events["article_id"]) == {f"{1:016x}"}


def test_a_run_keeps_going_records_the_error_and_retries_next_time(
    tmp_path, monkeypatch, rules_fail_on_the_seed
):
    raw, warehouse = tmp_path / "raw", tmp_path / "warehouse"
    shutil.copytree(RAW, raw)
    result = materialize_all(raw, warehouse)
    assert result.success
    seed_id = query(
        warehouse, "SELECT article_id FROM articles WHERE source_path = 'realist-us-venezuela.txt'"
    )["article_id"][0]
    errors = query(warehouse, "SELECT * FROM extraction_errors")
    per_article = dict(
        query(warehouse, "SELECT article_id, count(*) AS n FROM events GROUP BY 1").iter_rows()
    )
    articles = query(warehouse, "SELECT count(*) AS n FROM articles")["n"][0]
    assert errors["article_id"].to_list() == [seed_id]
    assert errors["error"][0].startswith("KeyError: ")
    assert errors["extractor_version"][0] == EXTRACTOR_VERSION
    assert seed_id not in per_article  # no partial rows of the failed article
    assert len(per_article) == articles - 1  # every other article has its events
    meta = {
        k: v.value
        for mat in result.asset_materializations_for_node("extracted_tables")
        if mat.asset_key.path == ["extraction_errors"]
        for k, v in mat.metadata.items()
    }
    assert meta["articles_failed"] == 1

    # The rule is fixed: the next run extracts the article and the error row is gone.
    monkeypatch.undo()
    again = materialize_all(raw, warehouse)
    assert again.success
    errors = read_table(warehouse, "extraction_errors")
    assert errors.height == 0
    events = read_table(warehouse, "events")
    assert events.filter(pl.col("article_id") == seed_id).height >= 10


def test_the_location_is_our_code_that_called_into_a_library():
    import json

    from pipelines.extract.article import failure_row

    def rule():
        json.loads("{not json")  # raised deep inside the standard library

    with pytest.raises(ValueError) as caught:
        rule()
    row = failure_row("d" * 16, caught.value)
    assert row["error"].startswith("JSONDecodeError: ")
    assert row["location"].startswith("tests/extract/test_extraction_errors.py:")
    assert row["location"].endswith(" in rule")
