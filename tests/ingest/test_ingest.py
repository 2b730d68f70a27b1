"""Readers, clean-up and the error accounting, on small inputs written by the tests."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path

import polars as pl
import pytest

from pipelines.ingest import read_raw_folder
from pipelines.ingest.clean import dateline_date, parse_dateline

STORY = (
    "NAIROBI, Nov 4 (Meridian Wire) - Kenyan police arrested 12 protesters on Tuesday after a "
    "march against fuel prices turned violent, the interior ministry said. Organisers said the "
    "protests would continue until the government reversed the increase."
)
NOW = dt.datetime(2025, 11, 25, 12, tzinfo=dt.UTC)


def write(root: Path, rel: str, data: bytes | str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def errors_by_path(result) -> dict[str, str]:
    return {r["source_path"]: r["reason"] for r in result.errors.iter_rows(named=True)}


def test_txt_with_sidecar_metadata(tmp_path):
    write(tmp_path, "a/story.txt", "Police arrest protesters in Nairobi\n\n" + STORY)
    meta = {
        "title": "Police arrest protesters in Nairobi",
        "outlet": "Meridian Wire",
        "url": "https://example.org/a",
        "published": "2025-11-04",
        "language": "en",
    }
    write(tmp_path, "a/story.meta.json", json.dumps(meta))
    result = read_raw_folder(tmp_path, now=NOW)
    row = result.articles.row(0, named=True)
    assert row["source_path"] == "a/story.txt"
    assert row["title"] == "Police arrest protesters in Nairobi"
    assert row["text"].startswith("NAIROBI, Nov 4")
    assert row["dateline"] == "NAIROBI"
    assert row["published_date"] == dt.date(2025, 11, 4)
    assert row["published_source"] == "metadata"
    assert row["url"] == "https://example.org/a"
    assert row["text"][row["body_start"] :].startswith("Kenyan police arrested")
    assert result.errors.height == 0


def test_dateline_gives_outlet_and_date_when_metadata_is_missing(tmp_path):
    write(tmp_path, "story.txt", STORY)
    row = read_raw_folder(tmp_path, now=NOW).articles.row(0, named=True)
    assert row["outlet"] == "Meridian"  # "Wire" is dropped like "English" in "Realist English"
    assert row["published_date"] == dt.date(2025, 11, 4)
    assert row["published_source"] == "dateline"


def test_dateline_forms():
    d = parse_dateline("WASHINGTON (Realist English). The United States ...")
    assert (d.place, d.outlet, d.date_text) == ("WASHINGTON", "Realist", None)
    d = parse_dateline("WASHINGTON, Aug 18 (Reuters) - Officials said")
    assert (d.place, d.outlet, d.date_text) == ("WASHINGTON", "Reuters", "Aug 18")
    assert dateline_date("Aug 18", dt.date(2025, 11, 1)) == dt.date(2025, 8, 18)
    assert dateline_date("Dec 30", dt.date(2025, 1, 2)) == dt.date(2024, 12, 30)
    assert parse_dateline("The United States said on Monday") is None


def test_html_page_metadata_and_chrome_removed(tmp_path):
    html = f"""<!doctype html><html><head>
    <title>Kenya police arrest protesters | Harbor Post</title>
    <meta property="og:title" content="Kenya police arrest protesters">
    <meta property="og:site_name" content="Harbor Post">
    <meta property="article:published_time" content="2025-11-04T10:00:00Z">
    <link rel="canonical" href="https://example.org/kenya-protests"></head>
    <body><nav><a href="/">Home</a><a href="/world">World</a></nav>
    <div class="cookie-banner">We use cookies to improve your experience. Accept all</div>
    <article><h1>Kenya police arrest protesters</h1><p>{STORY}</p>
    <p>The ministry said 30 officers were injured during the clashes in the capital.</p></article>
    <aside><h3>Read more</h3><ul><li><a href="/x">Unrelated story</a></li></ul></aside>
    <footer>Copyright Harbor Post</footer></body></html>"""
    write(tmp_path, "page.html", html)
    result = read_raw_folder(tmp_path, now=NOW)
    row = result.articles.row(0, named=True)
    assert row["source_format"] == "html"
    assert row["outlet"] == "Harbor Post"
    assert row["published_date"] == dt.date(2025, 11, 4)
    assert row["published_source"] == "html_meta"
    assert row["url"] == "https://example.org/kenya-protests"
    assert "Kenyan police arrested 12 protesters" in row["text"]
    for chrome in ("cookies", "Unrelated story", "Copyright", "World"):
        assert chrome not in row["text"]


def test_jsonl_bad_line_is_recorded_and_the_rest_read(tmp_path):
    good = {
        "title": "A",
        "text": STORY,
        "url": "https://example.org/1",
        "published": "2025-11-04",
        "outlet": "Atlas News Agency",
        "section": "world",
    }
    other = dict(good, text=STORY.replace("12 protesters", "40 students"), title="B")
    lines = [json.dumps(good), '{"title": "broken", "text": ', json.dumps(other), "[1, 2]"]
    write(tmp_path, "dump.jsonl", "\n".join(lines) + "\n")
    result = read_raw_folder(tmp_path, now=NOW)
    assert result.articles["source_record"].to_list() == [0, 2]
    errors = result.errors.sort("source_record")
    assert errors["reason"].to_list() == ["bad_json", "bad_json"]
    assert errors["source_record"].to_list() == [1, 3]
    assert "line 2" in errors["message"][0]


def test_json_list_and_newsapi_shapes(tmp_path):
    record = {
        "title": "A",
        "content": STORY,
        "publishedAt": "2025-11-04T08:00:00Z",
        "source": {"id": None, "name": "Northline Press"},
    }
    write(tmp_path, "list.json", json.dumps([record]))
    other = dict(record, content=STORY.replace("Tuesday", "Monday"))
    write(tmp_path, "newsapi.json", json.dumps({"status": "ok", "articles": [other]}))
    result = read_raw_folder(tmp_path, now=NOW)
    assert result.articles.height == 2
    assert set(result.articles["outlet"]) == {"Northline Press"}
    assert set(result.articles["published_date"]) == {dt.date(2025, 11, 4)}


def test_exact_duplicates_are_stored_once(tmp_path):
    write(tmp_path, "one.txt", STORY)
    write(tmp_path, "two.txt", STORY.replace(" arrested ", "  arrested\n"))  # same words
    result = read_raw_folder(tmp_path, now=NOW)
    assert result.articles.height == 1
    assert result.duplicates == 1
    assert result.duplicate_of == {"two.txt": "one.txt"}


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"  \n\n\t ", "empty"),
        ("binary.txt", bytes(range(256)) * 4, "not_text"),
        ("bad.json", b'{"title": "x", "text": ', "bad_json"),
        ("notext.json", json.dumps({"title": "only a title"}).encode(), "no_article_text"),
        ("nothing.html", b"<html><body><nav>Home</nav></body></html>", "no_article_text"),
        ("story.pdf", b"%PDF-1.4 fake", "unsupported_format"),
        ("archive.txt.gz", gzip.compress(STORY.encode())[:-20], "truncated_archive"),
        (
            "chrome.txt",
            b"Site icon Realist: news and analytics\n\nExit mobile version",
            "no_article_text",
        ),
    ],
)
def test_bad_inputs_get_reason_codes_and_never_stop_the_batch(tmp_path, name, data, reason):
    write(tmp_path, "good.txt", STORY)
    write(tmp_path, name, data)
    result = read_raw_folder(tmp_path, now=NOW)
    assert errors_by_path(result) == {name: reason}
    assert result.articles["source_path"].to_list() == ["good.txt"]
    assert result.errors["message"][0]  # a sentence a person can act on


def test_encodings(tmp_path):
    write(tmp_path, "utf16.txt", STORY.replace("Kenyan", "Kényan").encode("utf-16"))
    write(tmp_path, "latin.txt", STORY.replace("Tuesday", "Tuesday’s café").encode("cp1252"))
    write(tmp_path, "zw.txt", STORY.replace("police", "po\u200blice\x07"))
    result = read_raw_folder(tmp_path, now=NOW)
    texts = dict(result.articles.select("source_path", "text").iter_rows())
    assert "Kényan" in texts["utf16.txt"]
    assert "café" in texts["latin.txt"]
    assert "Kenyan police arrested" in texts["zw.txt"]
    assert result.errors.height == 0


def test_too_large_files_are_refused(tmp_path):
    write(tmp_path, "big.txt", STORY * 50)
    write(tmp_path, "small.txt", STORY.replace("12", "13"))
    result = read_raw_folder(tmp_path, now=NOW, max_bytes=2000)
    assert errors_by_path(result) == {"big.txt": "too_large"}
    assert result.articles.height == 1


def test_raw_files_are_never_modified(tmp_path):
    path = write(tmp_path, "story.txt", "Headline here\n\n" + STORY + "\n\nExit mobile version\n")
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    read_raw_folder(tmp_path, now=NOW)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


def test_missing_raw_folder_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        read_raw_folder(tmp_path / "nope")


def test_article_ids_are_stable_across_runs_and_folders(tmp_path):
    write(tmp_path, "x/one.txt", STORY)
    first = read_raw_folder(tmp_path, now=NOW).articles
    write(tmp_path / "other", "y.txt", STORY)
    second = read_raw_folder(tmp_path / "other", now=NOW).articles
    assert first["article_id"].to_list() == second["article_id"].to_list()
    assert first.schema == second.schema
    assert isinstance(first, pl.DataFrame)
