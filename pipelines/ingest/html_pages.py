"""Web pages: the main text and metadata of an HTML page (<meta> tags, JSON-LD and the page
itself), for .html files, pages in web archives and HTML in feed items."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import lxml.etree
import lxml.html
import trafilatura

from pipelines.errors import IngestError
from pipelines.ingest.decode import decode_text
from pipelines.ingest.readers import Item, RawDoc, RawFile, as_str, author_name, with_sidecar


def read_html(file: RawFile) -> Iterator[Item]:
    doc = html_doc(decode_html(file.data()), "html")
    yield from with_sidecar(file.path, doc)


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
                "title": as_str(obj.get("headline")),
                "published": as_str(obj.get("datePublished")),
                "author": author_name(obj.get("author")),
                "outlet": author_name(publisher) if isinstance(publisher, dict | list) else None,
                "url": as_str(obj.get("url")) or as_str(page),
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
