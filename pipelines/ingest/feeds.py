"""RSS (0.9x, 1.0, 2.0) and Atom feed files: one document per item.

Parsed with defusedxml: entity declarations and external references are refused, so a feed
cannot expand into gigabytes ("billion laughs") or make the parser read files or the network.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from collections.abc import Iterator
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree as SafeET

from pipelines.errors import IngestError
from pipelines.ingest.decode import decode_text
from pipelines.ingest.html_pages import html_fragment_text
from pipelines.ingest.readers import Item, RawDoc, RawFile, RecordError

ATOM = "{http://www.w3.org/2005/Atom}"
RSS1 = "{http://purl.org/rss/1.0/}"
RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
DC = "{http://purl.org/dc/elements/1.1/}"

_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
_DECLARED_ENCODING = re.compile(rb"^\s*<\?xml[^>]*encoding\s*=\s*[\"']([A-Za-z0-9._-]+)")


def read_feed(file: RawFile) -> Iterator[Item]:
    yield from feed_items(file.data())


def feed_items(data: bytes) -> Iterator[Item]:
    """The items of an RSS, RDF or Atom feed (a file's, or one just fetched)."""
    root = parse_xml(data)
    tag = _local(root.tag).lower()
    if tag == "rss":
        channel = root.find("channel")
        if channel is None:
            raise IngestError("bad_feed", "an RSS file without a <channel> element")
        yield from _rss_items(channel, channel.findall("item"), "", "rss")
    elif tag == "rdf":
        channel = root.find(f"{RSS1}channel")
        yield from _rss_items(channel, root.findall(f"{RSS1}item"), RSS1, "rss")
    elif root.tag == f"{ATOM}feed":
        yield from _atom_entries(root)
    elif tag == "feed":
        raise IngestError("bad_feed", f"a <feed> in an unknown namespace ({root.tag}), not Atom")
    else:
        raise IngestError(
            "unsupported_format",
            f"an XML document whose root is <{_local(root.tag)}>, not an RSS or Atom feed",
        )


def parse_xml(data: bytes) -> Element:
    """Parse feed XML safely, honouring a declared encoding, else detecting it like a text."""
    declared = _DECLARED_ENCODING.match(data)
    if declared and not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode(declared.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            text = decode_text(data).text
    else:
        text = decode_text(data).text
    text = _XML_DECL.sub("", text, count=1)  # the text is decoded: its declaration no longer holds
    try:
        return SafeET.fromstring(text, forbid_dtd=False, forbid_entities=True)
    except defusedxml.DefusedXmlException as err:
        raise IngestError(
            "unsafe_xml",
            f"the feed declares entities or external references ({type(err).__name__}); "
            "refused so it cannot expand or read other files",
        ) from None
    except ParseError as err:
        raise IngestError("bad_feed", f"not well-formed XML: {err}") from None


def _rss_items(channel: Element | None, items: list[Element], ns: str, fmt: str) -> Iterator[Item]:
    outlet = _text(channel, f"{ns}title")
    feed_link = _text(channel, f"{ns}link")
    feed_lang = _text(channel, "language") or _text(channel, f"{DC}language")
    if not items:
        raise IngestError("no_article_text", "the feed has no items")
    for i, item in enumerate(items):
        body = _text(item, f"{CONTENT}encoded") or _text(item, f"{ns}description")
        if not body:
            yield RecordError(IngestError("no_article_text", "feed item without any text"), i)
            continue
        extra = {"feed_title": outlet, "feed_link": feed_link}
        extra["guid"] = _text(item, "guid") or item.get(f"{RDF}about")
        categories = [c.text.strip() for c in item.findall("category") if c.text]
        if categories:
            extra["categories"] = categories
        if _text(item, f"{CONTENT}encoded") and _text(item, f"{ns}description"):
            extra["summary"] = html_fragment_text(_text(item, f"{ns}description") or "").strip()
        source = item.find("source")
        yield RawDoc(
            text=html_fragment_text(body),
            source_format=fmt,
            record=i,
            title=_text(item, f"{ns}title"),
            outlet=(source.text.strip() if source is not None and source.text else outlet),
            author=_text(item, f"{DC}creator") or _text(item, "author"),
            url=_text(item, f"{ns}link"),
            published=_iso_date(_text(item, "pubDate") or _text(item, f"{DC}date")),
            language=_text(item, f"{DC}language") or feed_lang,
            extra={k: v for k, v in extra.items() if v},
        )


def _atom_entries(feed: Element) -> Iterator[Item]:
    outlet = _text(feed, f"{ATOM}title")
    entries = feed.findall(f"{ATOM}entry")
    if not entries:
        raise IngestError("no_article_text", "the feed has no entries")
    feed_lang = feed.get("{http://www.w3.org/XML/1998/namespace}lang")
    for i, entry in enumerate(entries):
        content = entry.find(f"{ATOM}content")
        summary = entry.find(f"{ATOM}summary")
        body = _atom_text(content) or _atom_text(summary)
        if not body:
            yield RecordError(IngestError("no_article_text", "feed entry without any text"), i)
            continue
        author = entry.find(f"{ATOM}author")
        published = _text(entry, f"{ATOM}published")
        extra = {
            "feed_title": outlet,
            "id": _text(entry, f"{ATOM}id"),
            "updated": _text(entry, f"{ATOM}updated"),
            "categories": [
                c.get("term") for c in entry.findall(f"{ATOM}category") if c.get("term")
            ],
        }
        if not published and extra["updated"]:
            extra["published_from"] = "updated"  # Atom's last-modified time, said so here
        if _atom_text(content) and _atom_text(summary):
            extra["summary"] = _atom_text(summary)
        yield RawDoc(
            text=body,
            source_format="atom",
            record=i,
            title=_atom_text(entry.find(f"{ATOM}title")),
            outlet=outlet,
            author=_text(author, f"{ATOM}name") if author is not None else None,
            url=_atom_link(entry),
            published=_iso_date(published or extra["updated"]),
            language=entry.get("{http://www.w3.org/XML/1998/namespace}lang") or feed_lang,
            extra={k: v for k, v in extra.items() if v},
        )


def _atom_text(el: Element | None) -> str | None:
    if el is None:
        return None
    kind = el.get("type", "text")
    if kind == "xhtml":
        text = "\n\n".join(t.strip() for t in el.itertext() if t.strip())
    elif kind == "html":
        text = html_fragment_text(el.text or "")
    else:
        text = el.text or ""
    return text.strip() or None


def _atom_link(entry: Element) -> str | None:
    links = entry.findall(f"{ATOM}link")
    for link in links:
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return link.get("href")
    return links[0].get("href") if links else None


def _text(el: Element | None, tag: str) -> str | None:
    if el is None:
        return None
    child = el.find(tag)
    if child is None or child.text is None:
        return None
    return child.text.strip() or None


def _iso_date(value: str | None) -> str | None:
    """RSS dates are RFC 822 ('Tue, 04 Nov 2025 08:00:00 GMT'); Atom's are already ISO."""
    if not value:
        return None
    try:
        return email.utils.parsedate_to_datetime(value).isoformat()
    except (TypeError, ValueError, IndexError):
        pass
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).isoformat()
    except ValueError:
        return value  # left for dateparser in article_row.py


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]
