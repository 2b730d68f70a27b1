"""Hostile and pathological input not covered by tests/ingest/test_ingest_bad_inputs.py and
tests/pipeline/test_properties.py: enormous sentences and articles, thousands of quotation marks,
100,000 nested elements, a 100 MB line, a gzip bomb inside a web archive, XML that points at
files or URLs, and feed metadata that looks like a path. Work is bounded by counting what is
produced and what is held in memory, never by timing."""

from __future__ import annotations

import gzip
import html
import io
import json
import threading
import tracemalloc
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipelines import MAX_ARTICLE_CHARS
from pipelines.extract import ArticleInput, extract_articles
from pipelines.extract.claims import _CONTENT_MAX_CHARS
from pipelines.extract.nlp import load_nlp
from pipelines.extract.quotes import _QUOTE_PARAGRAPHS, _QUOTE_REACH
from pipelines.ingest import read_raw_folder
from pipelines.ingest.fetch import FeedSource, FetchLimits, _safe_name, fetch_feeds
from pipelines.ingest.readers import DEFAULT_MAX_BYTES
from tests.ingest.samples import NOW, html_page, story

CLAUSE = "police arrested twelve protesters and officials said the army would deploy troops "


def read(root: Path, files: dict[str, str | bytes]):
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode() if isinstance(data, str) else data)
    result = read_raw_folder(root, now=NOW)
    assert result.accounting.adds_up, result.accounting
    return result


def reasons(result) -> dict[str, str]:
    return dict(result.errors.select("source_path", "reason").iter_rows())


def extract(text: str):
    """Extract one article and check that every span is exactly its text (and not empty)."""
    found = extract_articles([ArticleInput("f" * 16, text)], n_process=1)
    for table, column in (
        (found.events, "trigger"),
        (found.claims, "cue"),
        (found.quantities, "text"),
    ):
        for row in table.iter_rows(named=True):
            assert row["start_char"] < row["end_char"], row
            assert text[row["start_char"] : row["end_char"]] == row[column], row
    for row in found.claims.drop_nulls("content").iter_rows(named=True):
        assert text[row["content_start"] : row["content_end"]] == row["content"], row
    return found


# The longest content a claim can have: the parse's, cut, then stretched to a whole quotation.
CONTENT_BOUND = _CONTENT_MAX_CHARS + (1 + _QUOTE_PARAGRAPHS) * _QUOTE_REACH


# -- size -------------------------------------------------------------------------------------


def test_a_sentence_as_long_as_the_cap_is_read_and_parsed_and_a_long_one_has_exact_spans(
    tmp_path,
):
    n = MAX_ARTICLE_CHARS - 1_000  # the headline and the text's clean-up stay under the cap
    sentence = (CLAUSE * (n // len(CLAUSE) + 1))[: n - 1].rstrip() + "."
    result = read(tmp_path, {"one-sentence.txt": "A very long sentence\n\n" + sentence})
    assert result.errors.height == 0
    (article,) = result.articles.iter_rows(named=True)
    assert article["text"].count(".") == 1 and len(article["text"]) > n - 1_000
    # The parser takes all of it: spaCy refuses a text over nlp.max_length as it tokenizes.
    assert len(load_nlp().make_doc(article["text"])) > n // 10
    # Extraction is checked on an eighth of it, still one sentence of 100,000 characters:
    # parsing the whole cap costs about 40 CPU-seconds and shows nothing more about spans.
    text = article["text"][: MAX_ARTICLE_CHARS // 8].rsplit(" ", 1)[0] + "."
    assert text.count(".") == 1 and len(text) > 99_000
    found = extract(text)  # every span exact
    # About one event per 41 characters and one claim per 82 (the clause repeats).
    assert found.events.height > len(text) // 50 and found.claims.height > len(text) // 100
    # Output grows with the input, not with its square: each claim's content is bounded.
    assert found.claims["content"].str.len_chars().max() <= CONTENT_BOUND


def test_an_article_longer_than_the_parser_takes_is_refused_and_the_rest_read(tmp_path):
    huge = "Long\n\n" + (CLAUSE * (MAX_ARTICLE_CHARS // len(CLAUSE) + 10)) + "."
    result = read(tmp_path, {"huge.txt": huge, "good.html": html_page(story(1))})
    assert reasons(result) == {"huge.txt": "too_large"}
    (message,) = result.errors["message"]
    assert f"{MAX_ARTICLE_CHARS:,}" in message and "split" in message
    assert result.articles["source_path"].to_list() == ["good.html"]


def test_a_100_mb_line_is_refused_without_being_read_into_memory(tmp_path):
    sparse = tmp_path / "raw" / "one-line.jsonl"  # 100 MB, one line; sparse, so cheap to make
    sparse.parent.mkdir()
    with sparse.open("wb") as fh:
        fh.write(b'{"text": "' + story(2).encode())
        fh.truncate(100 * 1024 * 1024)
    packed = gzip.compress(b'{"text": "' + b"a " * (50 * 1024 * 1024) + b'"}\n', 1)
    read(tmp_path / "warm-up", {"good.txt": story(2)})  # loads the language model first
    tracemalloc.start()
    try:
        result = read(tmp_path / "raw", {"one-line.jsonl.gz": packed, "good.txt": story(3)})
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert reasons(result) == {"one-line.jsonl": "too_large", "one-line.jsonl.gz": "too_large"}
    # Never 100 MB in memory: the plain file is refused by its size before it is read, the
    # gzipped one once 20 MB are decompressed (a growing buffer briefly holds two copies).
    assert peak < 2 * DEFAULT_MAX_BYTES + len(packed) + 4 * 1024 * 1024, peak
    assert result.articles["source_path"].to_list() == ["good.txt"]


def test_a_gzip_bomb_inside_a_web_archive_is_refused_and_the_other_pages_kept(tmp_path):
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)  # each record its own gzip member, as crawlers write
    pages = {
        "https://example.org/bomb": b"<html><body><p>" + b"a " * (15 * 1024 * 1024) + b"</p>",
        "https://example.org/news": html_page(story(4), "News").encode(),
    }
    for url, page in pages.items():
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            url, "response", payload=io.BytesIO(page), http_headers=headers
        )
        writer.write_record(record)
    packed = buf.getvalue()
    assert len(packed) < 1024 * 1024 < DEFAULT_MAX_BYTES  # small on disk
    result = read(tmp_path, {"crawl.warc.gz": packed})
    (error,) = result.errors.iter_rows(named=True)
    assert error["reason"] == "too_large" and "https://example.org/bomb" in error["message"]
    assert result.articles["url"].to_list() == ["https://example.org/news"]


# -- punctuation and nesting --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("4,000 quotation marks", "“ police said " * 4_000),
        ("10,000 unclosed quotations", "The minister said “the army will deploy troops. " * 2_000),
        ("closers without openers", "Police arrested 12 people,” officials said. " * 1_200),
        (
            "quotations running over 1,200 paragraphs",
            "\n\n".join("“Police arrested 12 people, the minister said" for _ in range(1_200)),
        ),
    ],
)
def test_quotation_marks_by_the_thousand(tmp_path, name, text):
    result = read(tmp_path, {"quotes.txt": "Quotes\n\n" + text})
    (article,) = result.articles.iter_rows(named=True)
    found = extract(article["text"])  # every span exact
    assert found.claims.height >= 1_000, found.claims.height
    # Each claim's content is bounded: not the rest of the text, claim after claim.
    assert found.claims["content"].str.len_chars().max() <= CONTENT_BOUND


def test_100_000_nested_elements(tmp_path):
    depth = 100_000
    page = f"<html><body>{'<div>' * depth}<p>{story(5)}</p>{'</div>' * depth}</body></html>"
    unclosed = "<html><body>" + "<div><span><b>" * 40_000 + f"<p>{story(6)}"
    result = read(tmp_path, {"nested.html": page, "unclosed.html": unclosed, "ok.txt": story(7)})
    assert reasons(result) == {"nested.html": "no_article_text", "unclosed.html": "no_article_text"}
    assert all("nested more than" in m for m in result.errors["message"])
    assert result.articles["source_path"].to_list() == ["ok.txt"]


# -- entities, the network and paths ------------------------------------------------------------


class Counting(BaseHTTPRequestHandler):
    hits: list[str]

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.hits.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b'<!ENTITY leak "LEAKED-OVER-HTTP">')


@pytest.fixture
def listener():
    handler = type("Handler", (Counting,), {"hits": []})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", handler.hits
    httpd.shutdown()
    httpd.server_close()


def test_xml_and_html_never_resolve_entities_or_touch_the_network(tmp_path, listener):
    url, hits = listener
    secret = tmp_path / "secret.txt"
    secret.write_text("LEAKED-FROM-DISK")
    # Three paragraphs a page: enough body for the page reader to take it as an article.
    stories = iter("</p><p>".join(story(n + k) for k in range(3)) for n in range(20, 50, 3))
    doctype = (
        f'<!DOCTYPE x SYSTEM "{url}/dtd" [<!ENTITY disk SYSTEM "file://{secret}">'
        f'<!ENTITY web SYSTEM "{url}/entity"> <!ENTITY % remote SYSTEM "{url}/param"> %remote;]>'
    )
    files = {
        "page.html": f"{doctype}<html><body><p>&disk; &web; &leak;</p><p>{next(stories)}</p></body></html>",
        "page.xhtml.html": f'<?xml version="1.0"?>{doctype}<html xmlns="http://www.w3.org/1999/xhtml">'
        f'<body><p>&disk;</p><p>{stories}</p><img src="{url}/img.png"/></body></html>',
        "feed.rss": f'<?xml version="1.0"?>{doctype}<rss version="2.0"><channel><title>&disk;'
        f"</title><item><description>{next(stories)} &web;</description></item></channel></rss>",
        "feed.atom": f'<?xml version="1.0"?><?xml-stylesheet href="{url}/style.xsl"?>'
        '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:xi="http://www.w3.org/2001/XInclude">'
        f'<entry><title>t</title><content type="html">{html.escape(next(stories))}</content>'
        f'<xi:include href="{url}/include.xml"/><xi:include href="file://{secret}" parse="text"/>'
        "</entry></feed>",
        "dump.json": json.dumps(
            {"text": next(stories), "url": f"{url}/a", "image": f"{url}/i.png"}
        ),
    }
    result = read(tmp_path / "raw", files)
    assert hits == []
    for text in result.articles["text"].to_list() + result.errors["message"].to_list():
        assert "LEAKED" not in text
    # A feed that declares entities is refused; the others are read without them (a page
    # may still be judged to hold no article: that is the page reader's call, not a leak).
    errors = reasons(result)
    assert errors.pop("feed.rss") == "unsafe_xml"
    assert set(errors.values()) <= {"no_article_text"}
    assert {"feed.atom", "dump.json", "page.html"} <= set(result.articles["source_path"])


def test_feed_metadata_never_becomes_a_path_outside_the_raw_folder(tmp_path):
    hostile = [
        ("../../../../../../tmp/escaped", "../../outside.json"),
        ("/etc/cron.d/job", "file:///etc/passwd"),
        ("..", "https://example.org/../../x"),
        ("a b/../../c", "https://example.org/\\..\\..\\win"),
    ]
    items = "".join(
        f"<item><guid>{guid}</guid><link>{link}</link><title>{guid}</title>"
        f"<description>{story(10 + n)}</description></item>"
        for n, (guid, link) in enumerate(hostile)
    )
    feed = tmp_path / "hostile.rss"
    feed.write_text(f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>')

    class Feed(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            self.send_response(200)
            self.end_headers()
            self.wfile.write(feed.read_bytes())

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Feed)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        raw = tmp_path / "raw"
        source = FeedSource(name="hostile", url=f"http://127.0.0.1:{httpd.server_address[1]}/")
        limits = FetchLimits(timeout_s=5.0, max_bytes=1024 * 1024, per_host_delay_s=0.0)
        (report,) = fetch_feeds([source], raw, limits=limits, now=NOW)
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert report.items_new == len(hostile), report
    landed = [p for p in tmp_path.rglob("*") if p.is_file() and p != feed]
    fetched = (raw / "fetched").resolve()
    assert all(p.resolve().is_relative_to(fetched) for p in landed), landed
    assert len(list((raw / "fetched" / "127.0.0.1").glob("*.json"))) == len(hostile)
    # The host of a feed's URL names its folder; '..' as a host would climb out of fetched/.
    assert {_safe_name(h) for h in ("..", ".", "")} == {"unknown-host"}
    assert _safe_name("../etc") == ".._etc"
