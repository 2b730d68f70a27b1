"""Property-based tests: whatever bytes, text, HTML or JSON arrive, a run never crashes, every
input ends as rows or as ingest_errors rows, and every extracted span is its text."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.extract import ArticleInput, extract_articles
from pipelines.ingest import account_for_files, read_raw_folder

# 40 examples each in the suite; EVENTWIRE_PROPERTY_EXAMPLES=1000 for a deeper run by hand.
SETTINGS = settings(
    max_examples=int(os.environ.get("EVENTWIRE_PROPERTY_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
EXTENSIONS = [".txt", ".html", ".json", ".jsonl", ".xml", ".warc", ".gz", ""]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
article_like = st.fixed_dictionaries(
    {"title": st.text(max_size=40), "text": st.text(min_size=0, max_size=400)},
    optional={
        "url": st.text(max_size=30),
        "published": st.text(max_size=20),
        "outlet": json_values,
    },
)
tags = st.sampled_from(["p", "div", "article", "nav", "script", "h1", "span", "main", "footer"])


@st.composite
def html_pages(draw):
    parts = []
    for _ in range(draw(st.integers(0, 12))):
        tag = draw(tags)
        parts.append(f"<{tag}>{draw(st.text(max_size=60))}</{tag}>")
    if draw(st.booleans()):
        parts.insert(
            0, "<html><head><title>" + draw(st.text(max_size=20)) + "</title></head><body>"
        )
    return "".join(parts)


def _ingest(files: dict[str, bytes]):
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp)
        for name, data in files.items():
            (raw / name).write_bytes(data)
        result = read_raw_folder(raw)
        accounting = account_for_files(result.files, result.articles, result.errors)
    assert accounting.adds_up, accounting
    return result


def _spans_hold(articles) -> None:
    inputs = [
        ArticleInput(r["article_id"], r["text"], r["published_date"], r["outlet"], r["body_start"])
        for r in articles.filter(articles["language"] == "en").iter_rows(named=True)
    ]
    if not inputs:
        return
    result = extract_articles(inputs, n_process=1)
    texts = {a.article_id: a.text for a in inputs}
    for table, column in (
        (result.events, "trigger"),
        (result.claims, "cue"),
        (result.quantities, "text"),
    ):
        for row in table.iter_rows(named=True):
            # Not empty: text[661:660] == "" would hide a span that ends before it starts.
            assert row["start_char"] < row["end_char"], row
            assert texts[row["article_id"]][row["start_char"] : row["end_char"]] == row[column]
    for row in result.claims.drop_nulls("content").iter_rows(named=True):
        text = texts[row["article_id"]]
        assert text[row["content_start"] : row["content_end"]] == row["content"]


@SETTINGS
@given(data=st.binary(max_size=2000), ext=st.sampled_from(EXTENSIONS))
def test_random_bytes_never_crash(data, ext):
    _ingest(
        {f"input{ext}": data, "good.txt": b"Police arrested 12 protesters in Nairobi on Monday."}
    )


@SETTINGS
@given(text=st.text(max_size=1500))
def test_random_unicode_text_becomes_an_article_or_an_error(text):
    result = _ingest({"story.txt": text.encode("utf-8", "surrogatepass")})
    _spans_hold(result.articles)


@SETTINGS
@given(page=html_pages())
def test_random_html_never_crashes(page):
    result = _ingest({"page.html": page.encode("utf-8", "surrogatepass")})
    _spans_hold(result.articles)


@SETTINGS
@given(records=st.lists(article_like | json_values, max_size=5))
def test_random_json_and_jsonl_never_crash(records):
    lines = "\n".join(json.dumps(r) for r in records).encode("utf-8", "surrogatepass")
    result = _ingest(
        {"dump.jsonl": lines, "dump.json": json.dumps(records).encode("utf-8", "surrogatepass")}
    )
    _spans_hold(result.articles)


@SETTINGS
@given(
    words=st.lists(
        st.sampled_from(
            ["Police", "arrested", "“", "”", "said", "at least", "12", "protesters", "on Monday",
             "Washington", "accuses", "Maduro", ",", ".", "\\n\\n", "according to", "officials",
             "told", "Reuters", "killed", "dozens", "$5 million", "could", "not", "he"]
        ),
        max_size=80,
    )
)  # fmt: skip
def test_extraction_spans_always_point_at_their_text(words):
    text = " ".join(words).replace("\\\\n", "\\n")
    if not text.strip():
        return
    result = extract_articles([ArticleInput("e" * 16, text)], n_process=1)
    for table, column in (
        (result.events, "trigger"),
        (result.claims, "cue"),
        (result.quantities, "text"),
    ):
        for row in table.iter_rows(named=True):
            assert text[row["start_char"] : row["end_char"]] == row[column]


def test_pathological_punctuation_runs_are_capped_before_parsing(tmp_path):
    # spaCy's tokenizer is quadratic in an unbroken run of punctuation; ingestion caps runs.
    (tmp_path / "quotes.txt").write_text("“" * 10_000 + " said the minister. " + "!" * 5_000)
    (article,) = read_raw_folder(tmp_path).articles.to_dicts()
    assert "“" * 20 in article["text"] and "“" * 21 not in article["text"]
    assert len(article["text"]) < 100


def test_one_enormous_sentence_is_extracted_with_exact_spans():
    clause = "police arrested twelve protesters and officials said the army would deploy troops "
    text = (clause * 300).strip() + "."  # one sentence of ~25,000 characters
    result = extract_articles([ArticleInput("f" * 16, text)], n_process=1)
    assert result.events.height >= 600 and result.claims.height >= 290
    for row in result.events.iter_rows(named=True):
        assert text[row["start_char"] : row["end_char"]] == row["trigger"]
