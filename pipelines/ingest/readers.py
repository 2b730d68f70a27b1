"""What a reader gets (a RawFile) and gives (RawDocs and RecordErrors), and the readers of
plain text, web pages and JSON. Each turns one raw file into documents (text plus metadata) or
IngestErrors; none of them cleans text or decides ids, that is clean.py's and article_row.py's
job. registry.py says which reader a file goes to."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import lxml.etree
import lxml.html
import trafilatura

from pipelines.ingest.decode import decode_text
from pipelines.ingest.errors import IngestError


@dataclass
class RawDoc:
    """A document as a reader found it, before clean-up."""

    text: str
    source_format: str
    record: int | None = None
    title: str | None = None
    outlet: str | None = None
    author: str | None = None
    url: str | None = None
    published: str | None = None
    language: str | None = None
    published_from_page: bool = False  # the date came from the page markup, not a sidecar
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class RecordError:
    error: IngestError
    record: int | None = None
    path: Path | None = None  # when the error is about another file (a sidecar)


Item = RawDoc | RecordError

DEFAULT_MAX_BYTES = 20 * 1024 * 1024  # the most one file (or one page of an archive) may hold


@dataclass
class RawFile:
    """One input file as its reader gets it. Its bytes (unpacked when it was gzipped) are read
    on demand and within the size limit, so a reader that streams (WARC) never loads them."""

    path: Path
    size: int  # on disk
    max_bytes: int = DEFAULT_MAX_BYTES
    unpacked: bytes | None = None  # the file's content when it was gzipped

    def data(self) -> bytes:
        if self.unpacked is None:
            check_size(self.size, self.max_bytes)
            self.unpacked = self.path.read_bytes()
        return self.unpacked


Reader = Callable[[RawFile], Iterator[Item]]


def check_size(size: int, max_bytes: int, what: str = "") -> None:
    if size > max_bytes:
        raise IngestError(
            "too_large",
            f"{size:,} {what}bytes is over the {max_bytes:,}-byte limit for one file; "
            "split it or raise the limit",
        )


SIDECAR_SUFFIX = ".meta.json"

# Field names seen in common news dumps (NewsAPI, GDELT DOC, Common Crawl news, scrapers).
_TEXT_KEYS = ("text", "body", "content", "article", "full_text", "maintext")
_DATE_KEYS = ("published", "publishedAt", "published_at", "date", "pubDate", "date_publish")
_OUTLET_KEYS = ("outlet", "source", "publisher", "site_name", "source_domain")
_URL_KEYS = ("url", "link", "canonical_url")
_LANG_KEYS = ("language", "lang")
_AUTHOR_KEYS = ("author", "authors", "byline", "creator")
_KNOWN_KEYS = frozenset(
    {"title", *_TEXT_KEYS, *_DATE_KEYS, *_OUTLET_KEYS, *_URL_KEYS, *_LANG_KEYS, *_AUTHOR_KEYS}
)


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.name[: -len(path.suffix)] + SIDECAR_SUFFIX)


def read_txt(file: RawFile) -> Iterator[Item]:
    decoded = decode_text(file.data())
    doc = RawDoc(text=decoded.text, source_format="txt", extra=_encoding_note(decoded.encoding))
    yield from _with_sidecar(file.path, doc)


def read_html(file: RawFile) -> Iterator[Item]:
    doc = html_doc(decode_html(file.data()), "html")
    yield from _with_sidecar(file.path, doc)


# <meta charset="..."> or <meta http-equiv="Content-Type" content="text/html; charset=...">
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]+)", re.I)


def decode_html(data: bytes, declared: str | None = None) -> str:
    """Decode a web page, honouring the charset the server or the page itself declares."""
    if not declared:
        m = _META_CHARSET.search(data[:4096])
        declared = m.group(1).decode("ascii") if m else None
    if declared and declared.lower().replace("_", "-") not in ("utf-8", "utf8"):
        try:
            return data.decode(declared)
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong or unknown label: fall back to detection
    return decode_text(data).text


def html_doc(html: str, fmt: str, record: int | None = None, url: str | None = None) -> RawDoc:
    """Main text and metadata of a web page: <meta> tags, JSON-LD and the page itself."""
    try:
        extracted = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            favor_precision=True,
            as_dict=True,
            # Dates from the markup only (meta tags, JSON-LD, <time>): a date guessed from the
            # running text or the URL is not "the page says so".
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except (ValueError, RecursionError) as err:
        raise IngestError(
            "no_article_text", f"the HTML page could not be parsed into an article ({err})"
        ) from None
    if not extracted or not (extracted.get("text") or "").strip():
        if _too_deep(html):
            raise IngestError(
                "no_article_text",
                f"the page is nested more than {_MAX_DEPTH} elements deep; the HTML parser "
                "stops there, so no article text was found",
            )
        raise IngestError(
            "no_article_text",
            "no article body found in the HTML page (only navigation, links or boilerplate)",
        )
    extra = {
        k: extracted[k]
        for k in ("description", "categories", "tags", "hostname", "pagetype")
        if extracted.get(k)
    }
    ld = _jsonld_article(html)
    published = extracted.get("date") or ld.get("published")
    return RawDoc(
        # trafilatura puts one paragraph per line; a blank line between paragraphs is the
        # convention every other reader follows, and what headline splitting looks for.
        text="\n\n".join(line for line in extracted["text"].split("\n") if line.strip()),
        source_format=fmt,
        record=record,
        title=extracted.get("title") or ld.get("title"),
        outlet=extracted.get("sitename") or ld.get("outlet") or extracted.get("hostname"),
        author=extracted.get("author") or ld.get("author"),
        url=extracted.get("url") or ld.get("url") or url,
        published=published,
        language=extracted.get("language"),
        published_from_page=bool(published),
        extra=extra,
    )


_ARTICLE_TYPES = ("Article", "NewsArticle", "ReportageNewsArticle", "BlogPosting", "WebPage")


def _jsonld_article(html: str) -> dict[str, str]:
    """Fields of the page's schema.org article in JSON-LD, for what trafilatura left empty
    (it does not read mainEntityOfPage, for one)."""
    if "application/ld+json" not in html:
        return {}
    try:
        root = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return {}
    for script in root.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text or "", strict=False)
        except (json.JSONDecodeError, RecursionError):
            continue
        for obj in _jsonld_objects(data):
            kinds = obj.get("@type")
            kinds = kinds if isinstance(kinds, list) else [kinds]
            if not any(k in _ARTICLE_TYPES for k in kinds):
                continue
            page = obj.get("mainEntityOfPage")
            page = page.get("@id") if isinstance(page, dict) else page
            publisher = obj.get("publisher")
            fields = {
                "title": _as_str(obj.get("headline")),
                "published": _as_str(obj.get("datePublished")),
                "author": _author(obj.get("author")),
                "outlet": _author(publisher) if isinstance(publisher, dict | list) else None,
                "url": _as_str(obj.get("url")) or _as_str(page),
            }
            return {k: v for k, v in fields.items() if v}
    return {}


def _jsonld_objects(data: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    if depth > 5:
        return
    if isinstance(data, list):
        for item in data:
            yield from _jsonld_objects(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        if isinstance(data.get("@graph"), list):
            yield from _jsonld_objects(data["@graph"], depth + 1)


_MAX_DEPTH = 255  # libxml2 drops everything nested deeper than 256 elements


def _too_deep(html: str) -> bool:
    try:
        root = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return False
    depth = deepest = 0
    for event, _ in lxml.etree.iterwalk(root, events=("start", "end")):
        depth += 1 if event == "start" else -1
        deepest = max(deepest, depth)
    return deepest >= _MAX_DEPTH


_BLOCKS = ("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr")


def html_fragment_text(fragment: str) -> str:
    """Plain text of an HTML fragment (a feed item's body), one paragraph per block."""
    if "<" not in fragment:
        return fragment
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (ValueError, lxml.etree.ParserError):
        return ""
    for bad in root.xpath(".//script|.//style|.//noscript|.//iframe"):
        bad.drop_tree()
    for el in root.iter(*_BLOCKS):
        el.tail = "\n\n" + (el.tail or "")
    return root.text_content()


def read_json(file: RawFile) -> Iterator[Item]:
    text = decode_text(file.data()).text
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as err:
        if err.msg == "Extra data" and text.lstrip().startswith("{"):
            # One object per line saved as .json: read it as the JSON Lines it is.
            yield from _jsonl_records(text)
            return
        raise IngestError("bad_json", f"not valid JSON: {err}") from None
    except RecursionError:
        raise IngestError("bad_json", "JSON nested too deeply to be an article dump") from None
    if isinstance(payload, dict) and isinstance(payload.get("articles"), list):
        payload = payload["articles"]  # the NewsAPI response shape
    records = payload if isinstance(payload, list) else [payload]
    for i, record in enumerate(records):
        yield _record_doc(record, "json", i if isinstance(payload, list) else None)


def read_jsonl(file: RawFile) -> Iterator[Item]:
    yield from _jsonl_records(decode_text(file.data()).text)


def _jsonl_records(text: str) -> Iterator[Item]:
    for i, line in enumerate(text.split("\n")):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            yield RecordError(IngestError("bad_json", f"line {i + 1} is not valid JSON: {err}"), i)
            continue
        except RecursionError:
            yield RecordError(IngestError("bad_json", f"line {i + 1} is nested too deeply"), i)
            continue
        yield _record_doc(record, "jsonl", i)


def _record_doc(record: Any, fmt: str, index: int | None) -> Item:
    if not isinstance(record, dict):
        return RecordError(
            IngestError("bad_json", f"expected a JSON object, found {type(record).__name__}"),
            index,
        )
    text = _first(record, _TEXT_KEYS)
    if not isinstance(text, str) or not text.strip():
        return RecordError(
            IngestError(
                "no_article_text",
                f"record has no article text in any of the fields {', '.join(_TEXT_KEYS)}",
            ),
            index,
        )
    doc = RawDoc(text=text, source_format=fmt, record=index)
    _apply_metadata(doc, record)
    return doc


def _with_sidecar(path: Path, doc: RawDoc) -> Iterator[Item]:
    sidecar = sidecar_path(path)
    if sidecar.is_file():
        try:
            meta = json.loads(decode_text(sidecar.read_bytes()).text)
            if not isinstance(meta, dict):
                raise IngestError("bad_json", "a .meta.json sidecar must hold one JSON object")
            _apply_metadata(doc, meta)
            if meta.get("published"):
                doc.published_from_page = False  # the sidecar's date is the user's word
        except json.JSONDecodeError as err:
            yield RecordError(
                IngestError("bad_json", f"sidecar is not valid JSON ({err}); text read without it"),
                path=sidecar,
            )
        except IngestError as err:
            yield RecordError(err, path=sidecar)
    yield doc


def _apply_metadata(doc: RawDoc, meta: dict[str, Any]) -> None:
    doc.title = _as_str(meta.get("title")) or doc.title
    outlet = _first(meta, _OUTLET_KEYS)
    if isinstance(outlet, dict):  # {"source": {"id": ..., "name": ...}}
        outlet = outlet.get("name") or outlet.get("title")
    doc.outlet = _as_str(outlet) or doc.outlet
    doc.url = _as_str(_first(meta, _URL_KEYS)) or doc.url
    doc.published = _as_str(_first(meta, _DATE_KEYS)) or doc.published
    doc.language = _as_str(_first(meta, _LANG_KEYS)) or doc.language
    doc.author = _author(_first(meta, _AUTHOR_KEYS)) or doc.author
    doc.extra.update({k: v for k, v in meta.items() if k not in _KNOWN_KEYS})


def _author(value: Any) -> str | None:
    if isinstance(value, dict):
        return _as_str(value.get("name"))
    if isinstance(value, list):
        names = [_author(v) for v in value]
        return ", ".join(n for n in names if n) or None
    return _as_str(value)


def _first(record: dict[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        if record.get(key) not in (None, ""):
            return record[key]
    return None


def _as_str(value: Any) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    s = str(value).strip()
    return s or None


def _encoding_note(encoding: str) -> dict[str, Any]:
    return {} if encoding == "utf-8" else {"encoding": encoding}
