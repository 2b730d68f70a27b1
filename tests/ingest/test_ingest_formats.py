"""Each accepted format read from sample files of our own (tests/fixtures/ingest/formats)."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import shutil

import polars as pl
import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipelines.ingest import read_raw_folder
from pipelines.ingest.detect import detect_format
from tests.helpers import INGEST_FIXTURES

FORMATS = INGEST_FIXTURES / "formats"
NOW = dt.datetime(2025, 11, 25, 12, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def samples() -> pl.DataFrame:
    result = read_raw_folder(FORMATS, now=NOW)
    assert result.accounting.adds_up
    return result


def _row(result, path: str, record: int | None = None) -> dict:
    df = result.articles.filter(pl.col("source_path") == path)
    if record is not None:
        df = df.filter(pl.col("source_record") == record)
    assert df.height == 1, df
    return df.row(0, named=True)


def test_rss_items_with_content_and_metadata(samples):
    row = _row(samples, "meridian-wire.rss", 0)
    assert row["source_format"] == "rss"
    assert row["title"] == "Port strike halts container traffic in Durban"
    assert row["outlet"] == "Meridian Wire"
    assert row["author"] == "Thandi Mokoena"
    assert row["url"] == "https://meridian.example/africa/durban-strike"
    assert (row["published_date"], row["published_source"]) == (dt.date(2025, 11, 3), "metadata")
    assert row["dateline"] == "DURBAN"
    # content:encoded wins over the one-line description, paragraphs kept, chrome dropped
    assert row["text"].count("\n\n") == 2
    assert "Share this story" not in row["text"]
    meta = json.loads(row["metadata"])
    assert meta["guid"] == "mw-2025-11-03-0412"
    assert meta["categories"] == ["Africa", "Labour"]
    assert meta["summary"] == "Dock workers walked out at South Africa's busiest port."
    # an escaped-HTML description is unescaped and stripped of its tags
    second = _row(samples, "meridian-wire.rss", 1)
    assert second["text"].startswith("ISLAMABAD (Meridian Wire). The election commission")
    assert "<p>" not in second["text"]
    assert second["published_date"] == dt.date(2025, 11, 2)  # local date of a +0500 timestamp
    # the gallery item has no text: an error row with its record index, not a silent skip
    errors = samples.errors.filter(pl.col("source_path") == "meridian-wire.rss")
    assert errors.select("source_record", "reason").rows() == [(2, "no_article_text")]


def test_atom_entries_html_and_xhtml_content(samples):
    row = _row(samples, "harbor-post.atom", 0)
    assert row["source_format"] == "atom"
    assert row["author"] == "Lucia Ferreyra"
    assert row["url"] == "https://harborpost.example/world/chile-storm"
    assert row["published_date"] == dt.date(2025, 11, 4)
    assert row["text"].startswith("VALPARAISO, Chile (Harbor Post). Chile's navy")
    xhtml = _row(samples, "harbor-post.atom", 1)
    assert xhtml["text"].startswith("TBILISI (Harbor Post). A court on Monday")
    assert "\n\nOpposition leaders said" in xhtml["text"]
    # no <published>: the entry's <updated> is used, and the metadata says so
    assert xhtml["published_date"] == dt.date(2025, 11, 3)
    assert json.loads(xhtml["metadata"])["published_from"] == "updated"


def test_html_metadata_from_json_ld_and_chrome_removed(samples):
    row = _row(samples, "jsonld-page.html")
    assert row["title"] == "Dam operators release water as reservoir nears capacity"
    assert row["author"] == "Milan Horvat"
    assert row["outlet"] == "Northline Press"
    assert row["url"] == "https://northline.example/region/dam-release"  # mainEntityOfPage
    assert (row["published_date"], row["published_source"]) == (dt.date(2025, 11, 6), "html_meta")
    assert row["text"].startswith("ZAGREB (Northline Press). Operators")  # headline split off
    for chrome in ("cookies", "Read more", "Share on", "All rights reserved", "Sport"):
        assert chrome not in row["text"]


def test_warc_html_responses_only(samples):
    warc = samples.articles.filter(pl.col("source_path") == "crawl.warc.gz").sort("source_record")
    # record 2 is the first page; 3 (PNG), 4 (404) and 0-1 (warcinfo, request) are not pages;
    # 5 was sent gzip-encoded; 6 is a section front with no article.
    assert warc["source_record"].to_list() == [2, 5]
    first = warc.row(0, named=True)
    assert first["source_format"] == "warc"
    assert first["title"] == "Transport ministry grounds regional airline after safety audit"
    assert first["author"] == "Amina Yusuf"
    assert first["url"] == "https://coastline.example/news/airline-grounded"
    assert (first["published_date"], first["published_source"]) == (
        dt.date(2025, 11, 7),
        "html_meta",
    )
    meta = json.loads(first["metadata"])
    assert meta["crawled_at"] == "2025-11-09T06:00:00Z"  # kept, never used as the date
    assert "teachers returned to work" in warc["text"][1]
    errors = samples.errors.filter(pl.col("source_path") == "crawl.warc.gz")
    assert errors.select("source_record", "reason").rows() == [(6, "no_article_text")]


def test_warc_without_a_page_date_has_no_date(tmp_path):
    page = (
        "<html><head><title>Ferry service suspended</title></head><body><article><p>"
        "HELSINKI (Harbor Post). The ferry operator suspended crossings to Tallinn on Sunday "
        "after ice damaged a propeller, and said repairs would take at least a week.</p>"
        "</article></body></html>"
    )
    with (tmp_path / "one.warc").open("wb") as fh:
        writer = WARCWriter(fh, gzip=False)
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(
                "https://harbor.example/ferry",
                "response",
                payload=io.BytesIO(page.encode()),
                http_headers=headers,
                warc_headers_dict={"WARC-Date": "2025-11-20T10:00:00Z"},
            )
        )
    row = read_raw_folder(tmp_path, now=NOW).articles.row(0, named=True)
    assert (row["published_date"], row["published_source"]) == (None, "none")


def test_gzip_of_any_format_is_read(tmp_path):
    shutil.copy(FORMATS / "meridian-wire.rss", tmp_path / "feed.rss")
    (tmp_path / "feed.rss.gz").write_bytes(
        gzip.compress((FORMATS / "harbor-post.atom").read_bytes())
    )
    record = {
        "text": "QUITO (Atlas News Agency). Ecuador declared a state of emergency in two "
        "provinces on Friday after a wave of prison riots, the president's office said.",
        "source": "Atlas News Agency",
    }
    (tmp_path / "dump.jsonl.gz").write_bytes(gzip.compress(json.dumps(record).encode()))
    result = read_raw_folder(tmp_path, now=NOW)
    formats = dict(
        result.articles.group_by("source_path").agg(pl.col("source_format").first()).rows()
    )
    assert formats == {"feed.rss": "rss", "feed.rss.gz": "atom", "dump.jsonl.gz": "jsonl"}


def test_json_dump_shapes_keep_unknown_fields(tmp_path):
    records = [
        {
            "title": "Prison riots",
            "content": "QUITO (Atlas News Agency). Ecuador declared a state of emergency in two "
            "provinces on Friday after a wave of prison riots, the president's office said.",
            "publishedAt": "2025-11-07T18:00:00Z",
            "source": {"id": "atlas", "name": "Atlas News Agency"},
            "authors": [{"name": "R. Mena"}, {"name": "J. Ortiz"}],
            "urlToImage": "https://atlas.example/riot.jpg",
            "tags": ["prisons", "ecuador"],
        }
    ]
    (tmp_path / "newsapi.json").write_text(json.dumps({"status": "ok", "articles": records}))
    row = read_raw_folder(tmp_path, now=NOW).articles.row(0, named=True)
    assert row["outlet"] == "Atlas News Agency"
    assert row["author"] == "R. Mena, J. Ortiz"
    assert row["published_date"] == dt.date(2025, 11, 7)
    assert json.loads(row["metadata"]) == {
        "urlToImage": "https://atlas.example/riot.jpg",
        "tags": ["prisons", "ecuador"],
    }


def test_relative_dates_in_dumps_are_not_resolved_against_the_clock(tmp_path):
    record = {
        "text": "QUITO (Atlas News Agency). Ecuador declared a state of emergency in two "
        "provinces after a wave of prison riots, the president's office said.",
        "date": "2 hours ago",
    }
    (tmp_path / "one.json").write_text(json.dumps(record))
    row = read_raw_folder(tmp_path, now=NOW).articles.row(0, named=True)
    assert (row["published_date"], row["published_source"]) == (None, "none")


@pytest.mark.parametrize(
    ("name", "head", "fmt"),
    [
        ("page.txt", b"<!DOCTYPE html><html><body>", "html"),
        ("feed.html", b'<?xml version="1.0"?>\n<rss version="2.0">', "feed"),
        ("feed", b"<feed xmlns='http://www.w3.org/2005/Atom'>", "feed"),
        ("crawl.bin", b"WARC/1.1\r\nWARC-Type: warcinfo", "warc"),
        ("dump", b'{"text": "a"}\n{"text": "b"}\n', "jsonl"),
        ("dump", b'[{"text": "a"}]', "json"),
        ("notes.md", b"# Notes", None),
        ("story.txt", b"WASHINGTON (Realist English). The", "txt"),
    ],
)
def test_formats_recognized_by_content_and_extension(name, head, fmt):
    assert detect_format(name, head) == fmt
