"""The bad-input suite: broken and awkward files of every kind, alone and all in one batch.

Each case names the outcome a careful person would expect: an ingest_errors reason code, an
article (for inputs that are odd but readable), or both (a file with good and bad records).
None may crash the run, and the good inputs beside them must all be read.
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
import tarfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipelines.ingest import read_raw_folder
from tests.helpers import INGEST_FIXTURES
from tests.ingest.samples import NOW, html_page, story

FIXTURES = INGEST_FIXTURES

STORY = (
    "LAGOS, Nov 12 (Meridian Wire) - Nigeria's central bank raised its main lending rate by "
    "50 basis points on Wednesday to 27.75 percent, its sixth increase this year, as it tried "
    "to slow inflation that has eroded wages across the country. The governor told reporters "
    "the bank would keep tightening until prices steadied."
)
SPANISH = (
    "BOGOTÁ (Agencia Meridiana). El Gobierno colombiano anunció el martes que enviará mil "
    "soldados más a la frontera con Venezuela después de que grupos armados atacaran dos "
    "puestos de control, según informó el ministerio de Defensa en un comunicado."
)
RUSSIAN = (
    "МОСКВА. Центральный банк России в пятницу сохранил ключевую ставку без изменений, "
    "сообщила пресс-служба регулятора. Аналитики ожидали такого решения."
)


def _rss(items: list[str]) -> str:
    xml_items = "".join(
        f"<item><title>Item {i}</title><link>https://example.org/{i}</link>"
        f"<pubDate>Tue, 11 Nov 2025 08:00:00 GMT</pubDate>{body}</item>"
        for i, body in enumerate(items)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>Harbor Post</title><link>https://example.org/</link>{xml_items}</channel></rss>"
    )


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


def _tar_gz() -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        payload = story(30).encode()
        info = tarfile.TarInfo("inside.txt")
        info.size = len(payload)
        tar.addfile(info, io.BytesIO(payload))
    return buf.getvalue()


def _docx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


def _warc_of_images() -> bytes:
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=False)
    headers = StatusAndHeaders("200 OK", [("Content-Type", "image/jpeg")], protocol="HTTP/1.1")
    record = writer.create_warc_record(
        "https://example.org/a.jpg",
        "response",
        payload=io.BytesIO(b"\xff\xd8\xff"),
        http_headers=headers,
    )
    writer.write_record(record)
    return buf.getvalue()


def _warc_of_pages(first: int, count: int) -> bytes:
    """An uncompressed archive of `count` article pages of our own."""
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=False)
    for n in range(first, first + count):
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        page = html_page(story(n), f"Story {n}").encode()
        writer.write_record(
            writer.create_warc_record(
                f"https://example.org/{n}",
                "response",
                payload=io.BytesIO(page),
                http_headers=headers,
            )
        )
    return buf.getvalue()


def _cut_plain_warc() -> bytes:
    data = _warc_of_pages(50, 2)
    return data[: int(len(data) * 0.75)]  # inside the second page


def _cut_warc() -> bytes:
    data = (FIXTURES / "formats" / "crawl.warc.gz").read_bytes()
    return data[: int(len(data) * 0.8)]  # cut inside the last records, after the first page


def _deep_html() -> str:
    depth = 5000
    return f"<html><body>{'<div>' * depth}<p>{story(40)}</p>{'</div>' * depth}</body></html>"


LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    '<rss version="2.0"><channel><title>&lol3;</title><item><description>&lol3;</description>'
    "</item></channel></rss>"
)
XXE = (
    '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/hostname">]>'
    '<rss version="2.0"><channel><title>x</title><item><title>&secret;</title>'
    f"<description>{story(41)}</description></item></channel></rss>"
)


@dataclass
class Case:
    name: str
    data: bytes | str | Callable[[], bytes | str]
    reasons: set[str] = field(default_factory=set)  # expected reason codes for this file
    articles: int = 0  # expected article rows from it
    text_has: tuple[str, ...] = ()
    language: str | None = None
    sidecar: str | None = None

    def payload(self) -> bytes:
        data = self.data() if callable(self.data) else self.data
        return data.encode("utf-8") if isinstance(data, str) else data


CASES = [
    # -- not readable at all ---------------------------------------------------------------
    Case("empty.txt", b"", {"empty"}),
    Case("blank.txt", b"  \n\n\t \r\n", {"empty"}),
    Case("zero-bytes.html", b"", {"empty"}),
    Case("random-bytes.txt", bytes(range(256)) * 8, {"not_text"}),
    Case("photo-named.txt", b"\x89PNG\r\n\x1a\n" + bytes(200), {"not_text"}),
    Case("control-chars.txt", b"\x01\x02\x03\x04\x05\x06\x07\x08" * 100 + b"news", {"not_text"}),
    Case("cyrillic-cp1251.txt", RUSSIAN.encode("cp1251"), {"bad_encoding"}),
    Case(
        "broken-utf16.txt",
        codecs.BOM_UTF16_LE + "News".encode("utf-16-le") + b"\x00\xd8",
        {"bad_encoding"},
    ),
    Case("cut-off.txt.gz", lambda: _gzip(story(1).encode())[:-12], {"truncated_archive"}),
    Case(
        "garbage.txt.gz",
        b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + b"not deflate" * 9,
        {"corrupt_archive"},
    ),
    Case("gzip-bomb.txt.gz", lambda: _gzip(b"a" * (21 * 1024 * 1024)), {"too_large"}),
    Case("malformed.json", '{"title": "Rates rise", "text": "LAGOS', {"bad_json"}),
    Case("deeply-nested.json", "[" * 100_000 + "]" * 100_000, {"bad_json"}),
    Case(
        "only-title.json",
        json.dumps({"title": "Rates rise", "url": "https://x"}),
        {"no_article_text"},
    ),
    Case("empty-list.json", "[]", {"no_article_text"}),
    Case("three-words.json", json.dumps({"text": "Rates rise again"}), {"no_article_text"}),
    Case(
        "nav-only.html",
        "<html><body><nav><a href='/'>Home</a><a href='/w'>World</a></nav></body></html>",
        {"no_article_text"},
    ),
    Case("deeply-nested.html", _deep_html, {"no_article_text"}),
    Case(
        "only-chrome.txt",
        "Site icon Realist: news and analytics\n\nShare this article\n\nExit mobile version",
        {"no_article_text"},
    ),
    Case("only-numbers.txt", "1 2 3 4 5 6 7 8 9 10 11 12", {"no_article_text"}),
    Case("billion-laughs.rss", LAUGHS, {"unsafe_xml"}),
    Case("external-entity.rss", XXE, {"unsafe_xml"}),
    Case(
        "malformed.rss",
        '<?xml version="1.0"?><rss><channel><item><title>Rates</title></channel>',
        {"bad_feed"},
    ),
    Case(
        "sitemap.xml",
        '<?xml version="1.0"?><urlset><url><loc>https://x/</loc></url></urlset>',
        {"unsupported_format"},
    ),
    Case("not-a-warc.warc", "This is a plain note, not a web archive.\n", {"corrupt_archive"}),
    Case("images-only.warc", _warc_of_images, {"no_article_text"}),
    Case("report.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", {"unsupported_format"}),
    Case("bundle.tar.gz", _tar_gz, {"unsupported_format"}),
    Case("story.docx", _docx, {"unsupported_format"}),
    # -- partly readable: good records kept, bad ones recorded ------------------------------
    Case(
        "bad-line-among-good.jsonl",
        "\n".join(
            [
                json.dumps({"text": story(2), "outlet": "Harbor Post"}),
                '{"text": "unterminated',
                "[1, 2, 3]",
                json.dumps({"text": story(3), "source": {"name": "Atlas News Agency"}}),
            ]
        ),
        {"bad_json"},
        articles=2,
    ),
    Case(
        "item-without-text.rss",
        _rss([f"<description>{story(4)}</description>", ""]),
        {"no_article_text"},
        articles=1,
    ),
    Case("cut-off.warc.gz", _cut_warc, {"truncated_archive"}, articles=1),
    Case("cut-off-plain.warc", _cut_plain_warc, {"truncated_archive"}, articles=1),
    Case("bad-sidecar.txt", story(5), {"bad_json"}, articles=1, sidecar='{"outlet": "Harbor'),
    # -- odd but readable: an article, cleaned up -----------------------------------------
    Case(
        "utf16-with-bom.txt",
        STORY.replace("Nigeria", "Nigéria").encode("utf-16"),
        articles=1,
        text_has=("Nigéria's central bank",),
    ),
    Case(
        "utf16-no-bom.txt",
        story(6).encode("utf-16-le"),
        articles=1,
        text_has=("detained 9 people",),
    ),
    Case(
        "latin-1.txt",
        (story(7) + " A café owner said so.").encode("latin-1"),
        articles=1,
        text_has=("café owner",),
    ),
    Case(
        "mixed-encodings.txt",
        (story(8) + " In São Paulo,").encode() + " a café owner agreed.".encode("cp1252"),
        articles=1,
        text_has=("In São Paulo, a café owner agreed.",),
    ),
    Case(
        "zero-width-and-controls.txt",
        story(9).replace("Police", "Po\u200blice\x07").replace("bridge", "bri\u00addge\ufeff"),
        articles=1,
        text_has=("Police said", "of a bridge that"),
    ),
    Case("spanish.txt", SPANISH, articles=1, language="es"),
    Case(
        "web-page-saved-as.txt",
        html_page(story(10), "Bridge protest"),
        articles=1,
        text_has=("detained 13 people",),
    ),
    Case("feed-saved-as.xml", _rss([f"<description>{story(11)}</description>"]), articles=1),
    Case(
        "story.txt.gz",
        lambda: _gzip(story(12).encode()),
        articles=1,
        text_has=("detained 15 people",),
    ),
    # warcio refuses a WARC gzipped as one stream; it is valid, so it is read.
    Case("gzipped-as-a-whole.warc.gz", lambda: _gzip(_warc_of_pages(52, 2)), articles=2),
]

GOOD = {
    "good/wire.txt": "Central bank raises rates again\n\n" + STORY,
    "good/dump.jsonl": "\n".join(
        json.dumps({"text": story(20 + i), "outlet": "Atlas News Agency"}) for i in range(2)
    ),
    "good/page.html": html_page(story(22), "Highway blocked for hours"),
    "good/feed.rss": _rss([f"<description>{story(23)}</description>"]),
}
GOOD_ARTICLES = 5


def _write(root: Path, rel: str, data: bytes | str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def _write_case(root: Path, case: Case) -> None:
    _write(root, f"bad/{case.name}", case.payload())
    if case.sidecar is not None:
        stem = case.name.rsplit(".", 1)[0]
        _write(root, f"bad/{stem}.meta.json", case.sidecar)


def _check_case(result, case: Case) -> None:
    path = f"bad/{case.name}"
    errors = result.errors.filter(
        result.errors["source_path"].is_in([path, path.rsplit(".", 1)[0] + ".meta.json"])
    )
    assert set(errors["reason"]) == case.reasons, (case.name, errors.to_dicts())
    assert all(len(m) > 20 for m in errors["message"]), errors["message"].to_list()
    rows = result.articles.filter(result.articles["source_path"] == path)
    assert rows.height == case.articles, (case.name, rows.to_dicts())
    for needle in case.text_has:
        assert needle in rows["text"][0], (case.name, rows["text"][0])
    if case.articles:
        assert "\u200b" not in rows["text"][0] and "\x07" not in rows["text"][0]
    if case.language:
        assert rows["language"][0] == case.language


def test_the_suite_is_big_enough():
    assert len({c.name for c in CASES}) == len(CASES)
    assert len({c.name for c in CASES if c.reasons}) >= 25
    reasons = {r for c in CASES for r in c.reasons}
    assert reasons >= {
        "empty",
        "not_text",
        "bad_encoding",
        "bad_json",
        "bad_feed",
        "unsafe_xml",
        "truncated_archive",
        "corrupt_archive",
        "too_large",
        "no_article_text",
        "unsupported_format",
    }


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_each_bad_input_alone_beside_a_good_one(tmp_path, case):
    _write(tmp_path, "good/wire.txt", GOOD["good/wire.txt"])
    _write_case(tmp_path, case)
    result = read_raw_folder(tmp_path, now=NOW)
    _check_case(result, case)
    assert "good/wire.txt" in result.articles["source_path"].to_list()
    assert result.accounting.adds_up


def test_all_bad_inputs_in_one_batch_with_a_50_mb_file(tmp_path):
    for rel, data in GOOD.items():
        _write(tmp_path, rel, data)
    for case in CASES:
        _write_case(tmp_path, case)
    huge = tmp_path / "bad" / "fifty-megabytes.txt"
    with huge.open("wb") as fh:
        line = (STORY + "\n").encode()
        fh.write(line * (50 * 1024 * 1024 // len(line) + 1))
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file() and p != huge}

    result = read_raw_folder(tmp_path, now=NOW)

    for case in CASES:
        _check_case(result, case)
    errors = dict(result.errors.select("source_path", "reason").iter_rows())
    assert errors["bad/fifty-megabytes.txt"] == "too_large"
    good = result.articles.filter(result.articles["source_path"].str.starts_with("good/"))
    assert good.height == GOOD_ARTICLES
    assert result.articles.height == GOOD_ARTICLES + sum(c.articles for c in CASES)
    accounting = result.accounting
    assert accounting.adds_up, accounting
    assert accounting.files_seen == len(GOOD) + len(CASES) + 1
    assert accounting.files_failed == sum(1 for c in CASES if not c.articles) + 1
    # Raw files are only ever read.
    assert {p: p.read_bytes() for p in before} == before
